package lcm

import "encoding/json"

// InstantiateRequest is InstantiateVnfRequest, version-neutral.
type InstantiateRequest struct {
	FlavourID            string
	InstantiationLevelID string
	ExtVirtualLinks      json.RawMessage
	VIMConnections       map[string]VIMConnectionInfo
	AdditionalParams     map[string]any
	Extensions           map[string]any
	ConfigurableProps    map[string]any
}

// ScaleType is SCALE_OUT or SCALE_IN.
type ScaleType string

// Scale types.
const (
	ScaleOut ScaleType = "SCALE_OUT"
	ScaleIn  ScaleType = "SCALE_IN"
)

// ScaleRequest is ScaleVnfRequest.
type ScaleRequest struct {
	Type             ScaleType
	AspectID         string
	NumberOfSteps    int
	AdditionalParams map[string]any
}

// ScaleToLevelRequest is ScaleVnfToLevelRequest: a level or per-aspect
// scale levels.
type ScaleToLevelRequest struct {
	InstantiationLevelID string
	ScaleLevels          map[string]int
	AdditionalParams     map[string]any
}

// ChangeFlavourRequest is ChangeVnfFlavourRequest.
type ChangeFlavourRequest struct {
	FlavourID            string
	InstantiationLevelID string
	AdditionalParams     map[string]any
}

// TerminationType is GRACEFUL or FORCEFUL.
type TerminationType string

// Termination types.
const (
	Graceful TerminationType = "GRACEFUL"
	Forceful TerminationType = "FORCEFUL"
)

// TerminateRequest is TerminateVnfRequest.
type TerminateRequest struct {
	Type             TerminationType
	GracefulTimeout  int
	AdditionalParams map[string]any
}

// HealRequest is HealVnfRequest; no VNFC IDs heals every VNFC.
type HealRequest struct {
	Cause            string
	VNFCIDs          []string
	AdditionalParams map[string]any
}

// OperateRequest is OperateVnfRequest.
type OperateRequest struct {
	ChangeStateTo   OperationalState
	StopType        TerminationType
	GracefulTimeout int
}

// ChangeExtConnRequest is ChangeExtVnfConnectivityRequest.
type ChangeExtConnRequest struct {
	ExtVirtualLinks  json.RawMessage
	VIMConnections   map[string]VIMConnectionInfo
	AdditionalParams map[string]any
}

// ChangeVNFPkgRequest is ChangeCurrentVnfPkgRequest (v2).
type ChangeVNFPkgRequest struct {
	VNFDID           string
	AdditionalParams map[string]any
}

// Modification is VnfInfoModificationRequest: set fields replace, maps
// merge (a nil value removes the key).
type Modification struct {
	Name              *string
	Description       *string
	VNFDID            *string
	Metadata          map[string]any
	Extensions        map[string]any
	ConfigurableProps map[string]any
	VIMConnections    map[string]*VIMConnectionInfo
	// VNFCs merge into the configurable properties of VNFCs the instance
	// has (vnfcInfoModifications).
	VNFCs []VNFCModification `json:",omitempty"`
	// VNFCDeleteIDs name VNFCs whose configurable properties are removed
	// (vnfcInfoModificationsDeleteIds), before VNFCs merge.
	VNFCDeleteIDs []string `json:",omitempty"`
}

// VNFCModification is VnfcInfoModifications: a merge patch of one VNFC's
// configurable properties.
type VNFCModification struct {
	ID                     string         `json:"id"`
	ConfigurableProperties map[string]any `json:"vnfcConfigurableProperties"`
}

// Request is what an OpOcc keeps of its request, version-neutral, for the
// worker: exactly one field is set.
type Request struct {
	Instantiate   *InstantiateRequest   `json:"instantiate,omitempty"`
	Scale         *ScaleRequest         `json:"scale,omitempty"`
	ScaleToLevel  *ScaleToLevelRequest  `json:"scaleToLevel,omitempty"`
	ChangeFlavour *ChangeFlavourRequest `json:"changeFlavour,omitempty"`
	Terminate     *TerminateRequest     `json:"terminate,omitempty"`
	Heal          *HealRequest          `json:"heal,omitempty"`
	Operate       *OperateRequest       `json:"operate,omitempty"`
	ChangeExtConn *ChangeExtConnRequest `json:"changeExtConn,omitempty"`
	ChangeVNFPkg  *ChangeVNFPkgRequest  `json:"changeVnfPkg,omitempty"`
	Modify        *Modification         `json:"modify,omitempty"`
}
