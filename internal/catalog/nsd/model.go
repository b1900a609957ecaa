package nsd

import (
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// NSD is a network service descriptor.
type NSD struct {
	// ID is descriptor_id, the nsdId of SOL 005.
	ID                       string
	Designer                 string
	Version                  string
	Name                     string
	InvariantID              string
	ExtInvariantID           string
	FlavourID                string
	Priority                 int
	ServiceAvailabilityLevel int
	// NodeType is the NS node type, derived from tosca.nodes.nfv.NS.
	NodeType string
	// Profile is the ns_profile of the NS node, set when the NSD is nested.
	Profile      *NsProfile
	VNFs         []*VNF
	PNFs         []*PNF
	NestedNSs    []*NestedNS
	VirtualLinks []*VirtualLink
	SAPs         []*SAP
	VNFFGs       []*VNFFG
	NFPs         []*NFP
	Positions    []*NfpPosition
	Elements     []*NfpPositionElement
	Forwardings  []*Forwarding
	// ExtVirtualLinks maps the NS node type's requirements to the
	// [node, requirement] exposing them (substitution_mappings).
	ExtVirtualLinks           map[string][2]string
	ScalingAspects            []*ScalingAspect
	InstantiationLevels       []*InstantiationLevel
	DefaultInstantiationLevel string
	PlacementRules            []*PlacementRule
	SecurityGroupRules        []*SecurityGroupRule
	Monitoring                []*Monitoring
	// Template is the service template the model was read from.
	Template *tosca.ServiceTemplate

	vnfs   map[string]*VNF
	nested map[string]*NestedNS
	links  map[string]*VirtualLink
	nfps   map[string]*NFP
	levels map[string]bool
	// aspects indexes ScalingAspects.
	aspects map[string]*ScalingAspect
}

// VNF returns the constituent VNF with the given node template name.
func (d *NSD) VNF(id string) *VNF {
	if d.vnfs != nil {
		return d.vnfs[id]
	}
	for _, v := range d.VNFs {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// VirtualLink returns the NS virtual link with the given name.
func (d *NSD) VirtualLink(id string) *VirtualLink {
	if d.links != nil {
		return d.links[id]
	}
	for _, v := range d.VirtualLinks {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// ScalingAspect returns the NS scaling aspect with the given ID.
func (d *NSD) ScalingAspect(id string) *ScalingAspect {
	if d.aspects != nil {
		return d.aspects[id]
	}
	for _, a := range d.ScalingAspects {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// NsProfile is the ns_profile of a nested NS.
type NsProfile struct {
	InstantiationLevel string
	MinInstances       int
	MaxInstances       int
	// TargetScaleLevels maps aspect to scale level.
	TargetScaleLevels map[string]int
}

// VNF is a constituent VNF, referring to its VNFD by vnfd_id.
type VNF struct {
	// ID is the node template name, the vnfProfileId.
	ID                string
	VNFDID            string
	FlavourID         string
	Provider          string
	ProductName       string
	SoftwareVersion   string
	DescriptorVersion string
	VNFMInfo          []string
	Profile           VnfProfile
	// VirtualLinks maps the VNF's requirements to NS virtual links.
	VirtualLinks map[string]string
	// ScaleLevels maps NS aspect to NS scale level to instances.
	ScaleLevels map[string]map[int]int
	// InstantiationLevels maps NS level to instances.
	InstantiationLevels map[string]int
}

// VnfProfile is the vnf_profile of a constituent VNF.
type VnfProfile struct {
	InstantiationLevel       string
	MinInstances             int
	MaxInstances             int
	ServiceAvailabilityLevel int
	// TargetScaleLevels maps VNF aspect to scale level.
	TargetScaleLevels map[string]int
}

// PNF is a constituent PNF, referring to its PNFD.
type PNF struct {
	ID                  string
	PNFDID              string
	Name                string
	Provider            string
	Version             string
	FunctionDescription string
	InvariantID         string
	CountryCode         string
	VirtualLinks        map[string]string
}

// NestedNS is a nested NS, referring to its NSD.
type NestedNS struct {
	ID                  string
	NSDID               string
	FlavourID           string
	Profile             *NsProfile
	VirtualLinks        map[string]string
	ScaleLevels         map[string]map[int]int
	InstantiationLevels map[string]int
}

// VirtualLink is an NS virtual link.
type VirtualLink struct {
	ID                       string
	Description              string
	LayerProtocols           []string
	FlowPattern              string
	MaxBitrate               Bitrate
	MinBitrate               Bitrate
	Latency                  time.Duration
	PacketDelayVariation     time.Duration
	PacketLossRatio          float64
	QoSPriority              int
	ServiceAvailabilityLevel int
	Protocols                []any
	TestAccess               []string
	// ScaleLevels maps NS aspect to NS scale level to bitrate.
	ScaleLevels map[string]map[int]Bitrate
	// InstantiationLevels maps NS level to bitrate.
	InstantiationLevels map[string]Bitrate
}

// Bitrate is a link bitrate requirement, in bits per second.
type Bitrate struct {
	Root int64
	Leaf int64
}

// SAP is a service access point.
type SAP struct {
	ID                  string
	LayerProtocols      []string
	Description         string
	InternalVirtualLink string
	ExternalVirtualLink string
}

// VNFFG is a VNF forwarding graph.
type VNFFG struct {
	ID          string
	Description string
	Members     []string
	// NFPs names the member network forwarding paths.
	NFPs []string
}

// NFP is a network forwarding path: an ordered list of positions.
type NFP struct {
	ID        string
	Positions []string
	Rules     []*NfpRule
}

// NfpPosition is one position of a path.
type NfpPosition struct {
	ID                  string
	ForwardingBehaviour string
	BehaviourInputs     map[string]string
	Elements            []string
}

// NfpPositionElement points at the VNF, PNF, SAP or Forwarding node (and
// optionally the capability) traffic goes through.
type NfpPositionElement struct {
	ID string
	// ProfileElements are [node, capability] pairs; capability may be empty.
	ProfileElements [][2]string
}

// Forwarding is a forwarding node attached to a virtual link.
type Forwarding struct {
	ID          string
	VirtualLink string
}

// NfpRule classifies the traffic of NFPs.
type NfpRule struct {
	ID                         string
	EtherType                  string
	Protocol                   string
	DSCP                       string
	SourcePortRange            [2]int
	DestinationPortRange       [2]int
	SourceIPAddressPrefix      string
	DestinationIPAddressPrefix string
	VLANTags                   []string
	Targets                    []string
}

// ScalingAspect is an NS scaling aspect.
type ScalingAspect struct {
	ID          string
	Name        string
	Description string
	// Levels maps scale level to its description.
	Levels map[int]string
}

// InstantiationLevel is an NS instantiation level.
type InstantiationLevel struct {
	ID          string
	Description string
}

// PlacementRule is an NS affinity or anti-affinity rule.
type PlacementRule struct {
	ID       string
	Affinity bool
	Scope    string
	Targets  []string
}

// SecurityGroupRule is an NS security group rule on SAPs.
type SecurityGroupRule struct {
	ID           string
	Direction    string
	EtherType    string
	Protocol     string
	PortRangeMin int
	PortRangeMax int
	Targets      []string
}

// Monitoring is an NsMonitoring or VnfMonitoring policy.
type Monitoring struct {
	ID         string
	Targets    []string
	Parameters map[string]MonitoringParameter
}

// MonitoringParameter is one monitored metric.
type MonitoringParameter struct {
	Name              string
	PerformanceMetric string
	CollectionPeriod  time.Duration
}
