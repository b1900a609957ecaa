package vim

import "io/fs"

// Spec is what a VNF should look like on a VIM, in terms no VIM owns. The engine builds it
// from the VNFD, the LCM request and the grant (SpecFromVNFD does the VNFD part).
type Spec struct {
	// VNFInstanceID ties every resource to the VNF instance.
	VNFInstanceID string
	// Namespace to deploy into (a Kubernetes namespace, an OpenStack project); empty lets
	// the driver create one for the VNF and remove it on Delete.
	Namespace string
	// VDUs with their desired number of instances.
	VDUs []VDU
	// ConnectionPoints exposed by the VDUs (VduCp, VirtualCp, external CPs).
	ConnectionPoints []ConnectionPoint
	// Storages are the virtual storages the VDUs mount.
	Storages []Storage
	// VirtualLinks are the networks the connection points attach to: the VNF's internal
	// virtual links, made for it, and the external links of the request, which exist.
	VirtualLinks []VirtualLink
	// PlacementRules are affinity and anti-affinity rules between VDUs.
	PlacementRules []PlacementRule
	// SecurityGroupRules are the traffic the VNF's connection points let through; a CP
	// that rules name lets through only what they allow.
	SecurityGroupRules []SecurityGroupRule
	// Artifacts, when set, are where the resources come from (manifests, a Helm chart)
	// instead of being built from the VDUs; the VDUs then name the workloads to scale.
	Artifacts *Artifacts
	// Labels are added to every resource.
	Labels map[string]string
	// Package is the package content, for software images a VIM must upload.
	Package fs.FS
}

// VDU returns the VDU with the given ID, or nil.
func (s *Spec) VDU(id string) *VDU {
	for i := range s.VDUs {
		if s.VDUs[i].ID == id {
			return &s.VDUs[i]
		}
	}
	return nil
}

// VDU is one virtualisation deployment unit.
type VDU struct {
	// ID is the VDU's ID in the VNFD.
	ID string
	// Name is the workload's name on the VIM (the MCIO name of a container VDU); empty: the
	// driver derives one from ID.
	Name string
	// Replicas is the desired number of VNFC instances.
	Replicas int
	// Containers of a container VDU.
	Containers []Container
	// Compute is set for a Vdu.Compute (a virtual machine).
	Compute *Compute
	// Storages are the IDs of the Spec's storages the VDU mounts.
	Storages []string
	// Zones restricts its instances to these availability zones.
	Zones []string
	// MinReplicas and MaxReplicas bound Replicas (vdu_profile); 0 MaxReplicas: no bound.
	MinReplicas, MaxReplicas int
}

// Container is one container of a container VDU.
type Container struct {
	Name  string
	Image string
	// Requests and Limits; zero fields are not set.
	Requests, Limits Resources
}

// Resources are amounts of compute resources.
type Resources struct {
	MilliCPU       int64
	MemoryBytes    int64
	EphemeralBytes int64
}

// Compute describes a virtual machine VDU.
type Compute struct {
	VirtualCPUs int
	MemoryBytes int64
	DiskBytes   int64
	// Image is the software image name or reference.
	Image string
	// ImageFile is the image's file in Spec.Package, when the package ships it.
	ImageFile string
	// DiskFormat and ContainerFormat of the image (sw_image_data), such as qcow2 and bare.
	DiskFormat, ContainerFormat string
	// VIMFlavourID and VIMImageID are the VIM's flavour and image the NFVO granted for the
	// VDU (SOL 003 vimAssets); when set, the driver uses them rather than making or
	// finding its own from the fields above. Empty: none was granted.
	VIMFlavourID, VIMImageID string
}

// VirtualLink is a network connection points attach to.
type VirtualLink struct {
	ID string
	// Network is the VIM's network ID of an external link; empty: an internal link the
	// driver makes for the VNF.
	Network string
	// CIDR of an internal link's subnet; empty: the driver picks one.
	CIDR string
}

// ConnectionPoint is a point where VDU instances are reached.
type ConnectionPoint struct {
	ID string
	// VDUs whose instances it reaches.
	VDUs []string
	// Ports served; none: each instance is reached by its own address.
	Ports []Port
	// External marks an external CP of the VNF.
	External bool
	// VirtualLink is the ID of the Spec's VirtualLink the CP attaches to; empty: none
	// (an external CP the request did not connect).
	VirtualLink string
}

// Port is a served port.
type Port struct {
	Name string
	// Protocol is TCP, UDP or SCTP.
	Protocol string
	Port     int32
}

// StorageKind says what kind of virtual storage a Storage is.
type StorageKind string

// Storage kinds.
const (
	BlockStorage  StorageKind = "block"
	FileStorage   StorageKind = "file"
	ObjectStorage StorageKind = "object"
)

// Storage is a virtual storage.
type Storage struct {
	ID        string
	Kind      StorageKind
	SizeBytes int64
	// PerVNFC gives each VNFC instance its own volume; otherwise the VDU's instances share one.
	PerVNFC bool
	// MountPath in each container; empty: /mnt/<ID>.
	MountPath string
	// Image, ImageFile, DiskFormat and ContainerFormat are the software image the storage
	// starts from (sw_image_data), as in Compute. Empty: the storage starts empty.
	Image, ImageFile            string
	DiskFormat, ContainerFormat string
	// VIMImageID is the VIM's image the NFVO granted for the storage (Grant.vimAssets); when
	// set, the driver uses it instead of finding or uploading Image.
	VIMImageID string
}

// Scope is the extent of a placement rule.
type Scope string

// Placement scopes.
const (
	ScopeNode Scope = "node"
	ScopeZone Scope = "zone"
)

// PlacementRule keeps the instances of its VDUs together (Affinity) or apart.
type PlacementRule struct {
	ID       string
	Affinity bool
	Scope    Scope
	VDUs     []string
}

// SecurityGroupRule lets one kind of traffic through the connection points it names
// (SOL 001 tosca.policies.nfv.SecurityGroupRule, with its defaults filled in).
type SecurityGroupRule struct {
	ID string
	// Direction is ingress or egress.
	Direction string
	// EtherType is ipv4 or ipv6.
	EtherType string
	// Protocol is a SOL 001 protocol name, such as tcp, udp, icmp or ipv6_icmp.
	Protocol string
	// PortRangeMin and PortRangeMax bound the ports matched, 0 to 65535 for all.
	PortRangeMin, PortRangeMax int
	// ConnectionPoints are the IDs of the Spec's connection points it applies to.
	ConnectionPoints []string
}

// Artifacts are deployable artifacts of the VNF package.
type Artifacts struct {
	// Package is the package content; the paths below are relative to its root.
	Package fs.FS
	// Manifests are Kubernetes manifest files, applied in order.
	Manifests []string
	// HelmChart is a chart archive (.tgz) or chart directory.
	HelmChart string
	// HelmValues override the chart's values.
	HelmValues map[string]any
	// ReleaseName of the Helm release; empty: derived from the VNF instance ID.
	ReleaseName string
}
