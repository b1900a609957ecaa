package vnfd

import (
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// VNFD is a VNF descriptor.
type VNFD struct {
	// ID is descriptor_id, the vnfdId of the SOL 003/005 interfaces.
	ID                          string
	Provider                    string
	ProductName                 string
	SoftwareVersion             string
	DescriptorVersion           string
	ProductInfoName             string
	ProductInfoDescription      string
	VNFMInfo                    []string
	LocalizationLanguages       []string
	DefaultLocalizationLanguage string
	LCMOperationsConfiguration  *LCMOperationsConfiguration
	// NodeType is the VNF node type, derived from tosca.nodes.nfv.VNF.
	NodeType string
	// TOSCAVersion is the entry file's tosca_definitions_version.
	TOSCAVersion string
	Flavours     []*Flavour
	// Template is the service template the model was read from.
	Template *tosca.ServiceTemplate
}

// Flavour returns the deployment flavour with the given ID, or nil.
func (d *VNFD) Flavour(id string) *Flavour {
	for _, f := range d.Flavours {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// LCMOperationsConfiguration holds lcm_operations_configuration; the
// operations SOL 001 gives no structure to keep their raw values.
type LCMOperationsConfiguration struct {
	InstantiateTargetScaleLevelsSupported bool
	ScaleByMoreThanOneStepSupported       bool
	ScaleToLevelArbitraryTargetLevels     bool
	HealCauses                            []string
	MinGracefulTerminationTimeout         time.Duration
	MaxRecommendedGracefulTermination     time.Duration
	MinGracefulStopTimeout                time.Duration
	MaxRecommendedGracefulStopTimeout     time.Duration
	// Raw is the whole property, every operation included.
	Raw map[string]any
}

// Flavour is one deployment flavour.
type Flavour struct {
	ID          string
	Description string
	// File is the definitions file holding the flavour's topology.
	File         string
	VDUs         []*VDU
	Containers   []*OsContainer
	Storages     []*VirtualStorage
	VduCPs       []*VduCP
	VirtualCPs   []*VirtualCP
	VirtualLinks []*VirtualLink
	ExtCPs       []*ExtCP
	MCIOPs       []*MCIOP
	// ExtVirtualLinks maps the VNF node type's requirements (external
	// virtual links) to the [node, requirement] exposing them.
	ExtVirtualLinks           map[string][2]string
	ScalingAspects            []*ScalingAspect
	InstantiationLevels       []*InstantiationLevel
	DefaultInstantiationLevel string
	PlacementGroups           []*PlacementGroup
	PlacementRules            []*PlacementRule
	SecurityGroupRules        []*SecurityGroupRule
	// Interfaces are the VNF's interfaces in this flavour (Vnflcm and
	// VNF-specific ones), by name, each with its operations.
	Interfaces map[string]map[string]*Operation
	// Artifacts are the VNF node's artifacts in this flavour.
	Artifacts map[string]*Artifact
	// Topology is the topology template the flavour was read from.
	Topology *tosca.TopologyTemplate

	vdus    map[string]*VDU
	links   map[string]*VirtualLink
	aspects map[string]*ScalingAspect
	levels  map[string]*InstantiationLevel
}

// VDU returns the VDU with the given ID, or nil.
func (f *Flavour) VDU(id string) *VDU {
	if f.vdus != nil {
		return f.vdus[id]
	}
	for _, v := range f.VDUs {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// VirtualLink returns the internal virtual link with the given ID, or nil.
func (f *Flavour) VirtualLink(id string) *VirtualLink {
	if f.links != nil {
		return f.links[id]
	}
	for _, v := range f.VirtualLinks {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// ScalingAspect returns the aspect with the given ID, or nil.
func (f *Flavour) ScalingAspect(id string) *ScalingAspect {
	if f.aspects != nil {
		return f.aspects[id]
	}
	for _, a := range f.ScalingAspects {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// InstantiationLevel returns the level with the given ID, or nil.
func (f *Flavour) InstantiationLevel(id string) *InstantiationLevel {
	if f.levels != nil {
		return f.levels[id]
	}
	for _, l := range f.InstantiationLevels {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// VDUKind tells virtual machine VDUs from container ones.
type VDUKind string

// VDU kinds.
const (
	VDUCompute                   VDUKind = "Vdu.Compute"
	VDUOsContainerDeployableUnit VDUKind = "Vdu.OsContainerDeployableUnit"
)

// VDU is a virtualisation deployment unit: a Vdu.Compute or a
// Vdu.OsContainerDeployableUnit.
type VDU struct {
	// ID is the node template name, the vduId of the interfaces.
	ID           string
	Kind         VDUKind
	Name         string
	Description  string
	MinInstances int
	MaxInstances int
	// InitialInstances is the VduInitialDelta (1 when none is given).
	InitialInstances int
	// ScalingDeltas maps aspect ID to delta ID to instances added per step.
	ScalingDeltas map[string]map[string]int
	// InstantiationLevels maps level ID to the number of instances.
	InstantiationLevels  map[string]int
	VirtualCompute       *VirtualCompute
	SwImage              *SwImage
	BootData             *BootData
	BootOrder            []string
	MonitoringParameters []MonitoringParameter
	NFVIConstraints      map[string]string
	// Storages names the virtual storages attached (virtual_storage).
	Storages []string
	// Containers names the OsContainers of a container VDU (container).
	Containers []string
	// MCIOConstraintParams and MCIOIdentification describe the MCIO of a
	// container VDU.
	MCIOConstraintParams []string
	MCIOName             string
	MCIOType             string
	Artifacts            map[string]*Artifact
	Pos                  tosca.Pos
}

// VirtualCompute is the virtual_compute capability of a Vdu.Compute.
type VirtualCompute struct {
	NumVirtualCPU       int
	CPUArchitecture     string
	VirtualCPUClockHz   float64
	CPUOversubscription string
	CPUPinningPolicy    string
	CPUPinningRules     []string
	VirtualMemBytes     int64
	MemOversubscription string
	NUMAEnabled         bool
	LocalStorageBytes   []int64
	ComputeRequirements map[string]string
	// LogicalNode and RequestedAdditionalCapabilities are kept raw.
	LogicalNode                     map[string]any
	RequestedAdditionalCapabilities map[string]any
}

// SwImage describes a software image, from a sw_image artifact (SOL 001
// v3+) or the sw_image_data property (v2).
type SwImage struct {
	Name                                string
	Version                             string
	Provider                            string
	ContainerFormat                     string
	DiskFormat                          string
	MinDiskBytes                        int64
	MinRAMBytes                         int64
	SizeBytes                           int64
	OperatingSystem                     string
	ChecksumAlgorithm                   string
	ChecksumHash                        string
	SupportedVirtualisationEnvironments []string
	// Artifact is the sw_image artifact, nil when only sw_image_data says
	// what the image is.
	Artifact *Artifact
}

// BootData is the boot_data of a VDU: a plain string in SOL 001 v2, a
// structure in later versions.
type BootData struct {
	// Text is the v2 string form.
	Text            string
	KVP             map[string]string
	Content         string
	SourcePath      string
	DestinationPath string
	ContentData     map[string]string
	VIMType         string
	VIMProperties   map[string]string
}

// MonitoringParameter is one monitoring parameter of a VNF, VDU or link.
type MonitoringParameter struct {
	// ID is the map key (v3+); empty for the v2 list form.
	ID                string
	Name              string
	PerformanceMetric string
	CollectionPeriod  time.Duration
}

// OsContainer is a Vdu.OsContainer.
type OsContainer struct {
	ID                      string
	Name                    string
	Description             string
	RequestedCPU            int
	CPULimit                int
	RequestedMemoryBytes    int64
	MemoryLimitBytes        int64
	RequestedEphemeralBytes int64
	EphemeralLimitBytes     int64
	SwImage                 *SwImage
	Artifacts               map[string]*Artifact
}

// StorageKind says which SOL 001 virtual storage type a storage is.
type StorageKind string

// Storage kinds.
const (
	BlockStorage  StorageKind = "Vdu.VirtualBlockStorage"
	ObjectStorage StorageKind = "Vdu.VirtualObjectStorage"
	FileStorage   StorageKind = "Vdu.VirtualFileStorage"
)

// VirtualStorage is a virtual block, object or file storage.
type VirtualStorage struct {
	ID                 string
	Kind               StorageKind
	SizeBytes          int64
	PerVNFCInstance    bool
	RDMAEnabled        bool
	FileSystemProtocol string
	// VirtualLink is the link a file storage is reached through.
	VirtualLink  string
	Requirements map[string]string
	SwImage      *SwImage
}

// CP holds what every connection point has.
type CP struct {
	ID             string
	LayerProtocols []string
	Role           string
	Description    string
	TrunkMode      bool
	// Protocols is the protocol property, raw.
	Protocols []any
}

// VduCP is an internal connection point of a VDU.
type VduCP struct {
	CP
	// VDU is the VDU the CP is bound to (virtual_binding).
	VDU string
	// VirtualLink is the internal virtual link (virtual_link); empty when
	// the CP is exposed as an external CP through substitution_mappings.
	VirtualLink        string
	Order              *int
	VnicType           string
	BitrateRequirement int64
}

// VirtualCP is a VirtualCp of a container VNF.
type VirtualCP struct {
	CP
	Targets     []string
	VirtualLink string
}

// ExtCP is a VnfExtCp.
type ExtCP struct {
	CP
	InternalVirtualLink string
	ExternalVirtualLink string
}

// VirtualLink is an internal virtual link.
type VirtualLink struct {
	ID             string
	Description    string
	LayerProtocols []string
	FlowPattern    string
	MaxBitrate     Bitrate
	MinBitrate     Bitrate
	TestAccess     []string
	Protocols      []VirtualLinkProtocol
	// InitialBitrate is the VirtualLinkBitrateInitialDelta, when given.
	InitialBitrate *Bitrate
	// ScalingDeltas maps aspect ID to delta ID to bitrate.
	ScalingDeltas map[string]map[string]Bitrate
	// InstantiationLevels maps level ID to bitrate.
	InstantiationLevels  map[string]Bitrate
	MonitoringParameters []MonitoringParameter
	ExternallyManaged    string
}

// Bitrate is a link bitrate requirement, in bits per second.
type Bitrate struct {
	Root int64
	Leaf int64
}

// VirtualLinkProtocol is one virtual_link_protocol_data entry.
type VirtualLinkProtocol struct {
	LayerProtocol   string
	NetworkType     string
	VLANTransparent bool
	MTU             int
	SegmentationID  string
	IPVersion       string
	CIDR            string
	GatewayIP       string
	DHCPEnabled     *bool
	IPv6AddressMode string
	IPPools         [][2]string
}

// MCIOP is a managed container infrastructure object package, e.g. a Helm
// chart, associated with container VDUs.
type MCIOP struct {
	ID             string
	AssociatedVDUs []string
	Artifacts      map[string]*Artifact
}

// ScalingAspect is a scaling aspect with its deltas.
type ScalingAspect struct {
	ID            string
	Name          string
	Description   string
	MaxScaleLevel int
	StepDeltas    []string
}

// InstantiationLevel is a VNF instantiation level.
type InstantiationLevel struct {
	ID          string
	Description string
	// ScaleLevels maps aspect ID to scale level.
	ScaleLevels map[string]int
}

// PlacementGroup is a tosca.groups.nfv.PlacementGroup.
type PlacementGroup struct {
	ID          string
	Description string
	Members     []string
}

// PlacementRule is an affinity or anti-affinity rule.
type PlacementRule struct {
	ID       string
	Affinity bool
	Scope    string
	// Targets are VDUs, virtual links, MCIOPs or placement groups.
	Targets []string
}

// SecurityGroupRule is a security group rule applied to CPs.
type SecurityGroupRule struct {
	ID           string
	Description  string
	Direction    string
	EtherType    string
	Protocol     string
	PortRangeMin int
	PortRangeMax int
	Targets      []string
}

// ArtifactKind classifies artifacts by what the VNFM does with them.
type ArtifactKind string

// Artifact kinds.
const (
	ArtifactSwImage            ArtifactKind = "sw-image"
	ArtifactHelmChart          ArtifactKind = "helm-chart"
	ArtifactKubernetesManifest ArtifactKind = "kubernetes-manifest"
	ArtifactScript             ArtifactKind = "script"
	ArtifactFile               ArtifactKind = "file"
)

// Artifact is an artifact of a node template.
type Artifact struct {
	Name string
	Type string
	Kind ArtifactKind
	// File is the file as written; Path is where it is in the package
	// (relative to the package root), empty for URLs.
	File              string
	Path              string
	Repository        string
	DeployPath        string
	Checksum          string
	ChecksumAlgorithm string
	Properties        map[string]any
}

// Operation is an operation of a VNF interface.
type Operation struct {
	Name           string
	Implementation string
	// Artifact is the node artifact the implementation names, if any.
	Artifact     *Artifact
	Dependencies []string
	Timeout      time.Duration
	Inputs       map[string]any
}
