package grant

import "time"

// Resource types of a resource definition (SOL 003 ResourceDefinition.type).
const (
	Compute  = "COMPUTE"
	VL       = "VL"
	Storage  = "STORAGE"
	LinkPort = "LINKPORT"
)

// Request is a grant request (SOL 003 GrantRequest).
type Request struct {
	VNFInstanceID         string                `json:"vnfInstanceId"`
	VNFLcmOpOccID         string                `json:"vnfLcmOpOccId"`
	VNFDID                string                `json:"vnfdId"`
	DstVNFDID             string                `json:"dstVnfdId,omitempty"`
	FlavourID             string                `json:"flavourId,omitempty"`
	Operation             string                `json:"operation"`
	IsAutomaticInvocation bool                  `json:"isAutomaticInvocation"`
	InstantiationLevelID  string                `json:"instantiationLevelId,omitempty"`
	AddResources          []ResourceDefinition  `json:"addResources,omitempty"`
	TempResources         []ResourceDefinition  `json:"tempResources,omitempty"`
	RemoveResources       []ResourceDefinition  `json:"removeResources,omitempty"`
	UpdateResources       []ResourceDefinition  `json:"updateResources,omitempty"`
	PlacementConstraints  []PlacementConstraint `json:"placementConstraints,omitempty"`
	AdditionalParams      map[string]any        `json:"additionalParams,omitempty"`
	// VIMs are the VIM connections the VNF instance has or its request
	// named, by connection id: the VIM the grant should prefer.
	VIMs map[string]string `json:"vims,omitempty"`
	// OpOccHref and InstanceHref are the request's _links.
	OpOccHref    string `json:"opOccHref"`
	InstanceHref string `json:"instanceHref"`
}

// ResourceDefinition is a resource the operation adds, removes or changes.
type ResourceDefinition struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	VDUID              string `json:"vduId,omitempty"`
	ResourceTemplateID string `json:"resourceTemplateId,omitempty"`
	// ResourceID is the VIM's handle of an existing resource.
	ResourceID      string `json:"resourceId,omitempty"`
	VIMConnectionID string `json:"vimConnectionId,omitempty"`
}

// PlacementConstraint is an affinity or anti-affinity rule between
// resources of the request.
type PlacementConstraint struct {
	AffinityOrAntiAffinity string   `json:"affinityOrAntiAffinity"`
	Scope                  string   `json:"scope"`
	ResourceIDs            []string `json:"resourceIds"`
	FallbackBestEffort     bool     `json:"fallbackBestEffort,omitempty"`
}

// State is where a grant is.
type State string

// Grant states.
const (
	Processing State = "PROCESSING"
	Granted    State = "GRANTED"
	Rejected   State = "REJECTED"
)

// Grant is a decided (or deferred) grant. It holds no credentials: those
// of its VIM are opened from the registry when it is sent.
type Grant struct {
	ID      string    `json:"id"`
	State   State     `json:"state"`
	Created time.Time `json:"created"`
	Request Request   `json:"request"`
	// VIMID and ConnectionID name the VIM granted and the key of its
	// entry in the grant's vimConnectionInfo.
	VIMID           string         `json:"vimId,omitempty"`
	ConnectionID    string         `json:"connectionId,omitempty"`
	Zones           []Zone         `json:"zones,omitempty"`
	AddResources    []ResourceInfo `json:"addResources,omitempty"`
	TempResources   []ResourceInfo `json:"tempResources,omitempty"`
	RemoveResources []ResourceInfo `json:"removeResources,omitempty"`
	UpdateResources []ResourceInfo `json:"updateResources,omitempty"`
	// VIMAssets are the granted VIM's flavours and images for the
	// descriptors of the resources the request adds or changes.
	VIMAssets *VIMAssets `json:"vimAssets,omitempty"`
	// Reason says why a grant was rejected.
	Reason string `json:"reason,omitempty"`
}

// VIMAssets are assets the NFVO manages on the granted VIM for the VNF
// (SOL 003 Grant.vimAssets), in descriptor id order.
type VIMAssets struct {
	ComputeFlavours []FlavourAsset `json:"computeResourceFlavours,omitempty"`
	SoftwareImages  []ImageAsset   `json:"softwareImages,omitempty"`
}

// FlavourAsset maps a virtual compute descriptor of the VNFD to a
// compute flavour of the VIM.
type FlavourAsset struct {
	VIMConnectionID          string `json:"vimConnectionId,omitempty"`
	VNFDVirtualComputeDescID string `json:"vnfdVirtualComputeDescId"`
	VIMFlavourID             string `json:"vimFlavourId"`
}

// ImageAsset maps a software image of the VNFD to an image of the VIM.
type ImageAsset struct {
	VIMConnectionID     string `json:"vimConnectionId,omitempty"`
	VNFDSoftwareImageID string `json:"vnfdSoftwareImageId"`
	VIMSoftwareImageID  string `json:"vimSoftwareImageId"`
}

// Zone is a resource zone of the granted VIM.
type Zone struct {
	ID              string `json:"id"`
	ZoneID          string `json:"zoneId"`
	VIMConnectionID string `json:"vimConnectionId"`
}

// ResourceInfo is where one granted resource goes.
type ResourceInfo struct {
	ResourceDefinitionID string `json:"resourceDefinitionId"`
	VIMConnectionID      string `json:"vimConnectionId,omitempty"`
	ZoneID               string `json:"zoneId,omitempty"`
}
