package lcm

import (
	"encoding/json"
	"time"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// InstantiationState is whether a VNF instance has resources.
type InstantiationState string

// Instantiation states.
const (
	NotInstantiated InstantiationState = "NOT_INSTANTIATED"
	Instantiated    InstantiationState = "INSTANTIATED"
)

// VNFInstance is a VNF instance, version-neutral. Its JSON form is the
// stored document; attribute names follow SOL 003 so filters can address
// them.
type VNFInstance struct {
	ID                     string                       `json:"id"`
	Name                   string                       `json:"vnfInstanceName,omitempty"`
	Description            string                       `json:"vnfInstanceDescription,omitempty"`
	VNFDID                 string                       `json:"vnfdId"`
	Provider               string                       `json:"vnfProvider"`
	ProductName            string                       `json:"vnfProductName"`
	SoftwareVersion        string                       `json:"vnfSoftwareVersion"`
	VNFDVersion            string                       `json:"vnfdVersion"`
	InstantiationState     InstantiationState           `json:"instantiationState"`
	VIMConnections         map[string]VIMConnectionInfo `json:"vimConnectionInfo,omitempty"`
	ConfigurableProperties map[string]any               `json:"vnfConfigurableProperties,omitempty"`
	Metadata               map[string]any               `json:"metadata,omitempty"`
	Extensions             map[string]any               `json:"extensions,omitempty"`
	Instantiated           *InstantiatedInfo            `json:"instantiatedVnfInfo,omitempty"`
	// ActiveOpOccID is the operation in flight, or "": one at a time.
	ActiveOpOccID string `json:"activeOpOccId,omitempty"`
}

// VIMConnectionInfo is SOL 003 VimConnectionInfo. AccessInfo holds
// credentials: it is stored, used to reach the VIM, and never returned.
type VIMConnectionInfo struct {
	ID            string            `json:"id"`
	VIMID         string            `json:"vimId,omitempty"`
	VIMType       string            `json:"vimType"`
	InterfaceInfo map[string]string `json:"interfaceInfo,omitempty"`
	AccessInfo    map[string]string `json:"accessInfo,omitempty"`
	Extra         map[string]any    `json:"extra,omitempty"`
}

// OperationalState is whether an instantiated VNF runs.
type OperationalState string

// Operational states.
const (
	Started OperationalState = "STARTED"
	Stopped OperationalState = "STOPPED"
)

// InstantiatedInfo is what an instantiated VNF has (instantiatedVnfInfo).
type InstantiatedInfo struct {
	FlavourID            string               `json:"flavourId"`
	InstantiationLevelID string               `json:"instantiationLevelId,omitempty"`
	OperationalState     OperationalState     `json:"vnfState"`
	ScaleStatus          map[string]int       `json:"scaleStatus,omitempty"`
	VNFCs                []VNFCResource       `json:"vnfcResourceInfo,omitempty"`
	VirtualLinks         []VirtualLinkInfo    `json:"virtualLinkResourceInfo,omitempty"`
	VirtualStorages      []VirtualStorageInfo `json:"virtualStorageResourceInfo,omitempty"`
	ExtCPs               []ExtCPInfo          `json:"extCpInfo,omitempty"`
	ExtVirtualLinks      json.RawMessage      `json:"extVirtualLinks,omitempty"`
	// Zones are the zones each VDU's instances were granted at
	// instantiation, by VDU ID; later plans keep them.
	Zones map[string][]string `json:"zones,omitempty"`
	// VIMAssets are the flavours and images the grants so far gave, by
	// descriptor; later plans keep using them.
	VIMAssets        *VIMAssets     `json:"vimAssets,omitempty"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
	VIMConnectionID  string         `json:"vimConnectionId,omitempty"`
	Handle           *vim.Handle    `json:"handle,omitempty"`
	// VNFCProperties are the configurable properties of VNFCs, by VNFC ID
	// (vnfcInfo[].vnfcConfigurableProperties). VNFCs are observed afresh
	// after every change on the VIM; an entry lives as long as a VNFC of
	// its ID does (see observe).
	VNFCProperties map[string]map[string]any `json:"vnfcConfigurableProperties,omitempty"`
}

// VNFCResource is one VNFC instance and the VIM resource behind it.
type VNFCResource struct {
	ID           string   `json:"id"`
	VDUID        string   `json:"vduId"`
	ResourceID   string   `json:"resourceId"`
	ResourceType string   `json:"resourceType"`
	VIMName      string   `json:"vimName"`
	Zone         string   `json:"zone,omitempty"`
	Host         string   `json:"host,omitempty"`
	Addresses    []string `json:"addresses,omitempty"`
	StorageIDs   []string `json:"storageIds,omitempty"`
}

// VirtualLinkInfo is an internal virtual link or connection point
// realised on the VIM.
type VirtualLinkInfo struct {
	ID         string `json:"id"`
	VLDID      string `json:"vnfVirtualLinkDescId"`
	ResourceID string `json:"resourceId"`
}

// VirtualStorageInfo is a storage realised on the VIM.
type VirtualStorageInfo struct {
	ID         string `json:"id"`
	DescID     string `json:"virtualStorageDescId"`
	ResourceID string `json:"resourceId"`
	SizeBytes  int64  `json:"sizeBytes,omitempty"`
}

// ExtCPInfo is an external connection point of the VNF.
type ExtCPInfo struct {
	ID        string   `json:"id"`
	CPDID     string   `json:"cpdId"`
	Addresses []string `json:"addresses,omitempty"`
}

// Operation is an LCM operation (LcmOperationType).
type Operation string

// Operations.
const (
	OpInstantiate   Operation = "INSTANTIATE"
	OpScale         Operation = "SCALE"
	OpScaleToLevel  Operation = "SCALE_TO_LEVEL"
	OpChangeFlavour Operation = "CHANGE_FLAVOUR"
	OpTerminate     Operation = "TERMINATE"
	OpHeal          Operation = "HEAL"
	OpOperate       Operation = "OPERATE"
	OpChangeExtConn Operation = "CHANGE_EXT_CONN"
	OpModifyInfo    Operation = "MODIFY_INFO"
	OpChangeVNFPkg  Operation = "CHANGE_VNFPKG"
)

// OpState is an operation occurrence's state (LcmOperationStateType).
type OpState string

// Operation states; see the package documentation for the transitions.
const (
	Starting    OpState = "STARTING"
	Processing  OpState = "PROCESSING"
	Completed   OpState = "COMPLETED"
	FailedTemp  OpState = "FAILED_TEMP"
	Failed      OpState = "FAILED"
	RollingBack OpState = "ROLLING_BACK"
	RolledBack  OpState = "ROLLED_BACK"
)

// Final reports whether no transition leaves s.
func (s OpState) Final() bool { return s == Completed || s == Failed || s == RolledBack }

// OpOcc is an LCM operation occurrence, version-neutral.
type OpOcc struct {
	ID               string    `json:"id"`
	Operation        Operation `json:"operation"`
	State            OpState   `json:"operationState"`
	StartTime        time.Time `json:"startTime"`
	StateEnteredTime time.Time `json:"stateEnteredTime"`
	VNFInstanceID    string    `json:"vnfInstanceId"`
	GrantID          string    `json:"grantId,omitempty"`
	// GrantedZones are the zones the grant placed each VDU's added
	// resources in, by VDU ID.
	GrantedZones map[string][]string `json:"grantedZones,omitempty"`
	// GrantedAssets are the flavours and images the grant gave.
	GrantedAssets *VIMAssets      `json:"grantedAssets,omitempty"`
	Params        json.RawMessage `json:"operationParams,omitempty"`
	// Request is the parsed request the worker carries out.
	Request               Request          `json:"request"`
	IsAutomaticInvocation bool             `json:"isAutomaticInvocation"`
	IsCancelPending       bool             `json:"isCancelPending"`
	CancelMode            string           `json:"cancelMode,omitempty"`
	Error                 *Problem         `json:"error,omitempty"`
	ResourceChanges       *ResourceChanges `json:"resourceChanges,omitempty"`
	// ChangedInfo is what a MODIFY_INFO changed.
	ChangedInfo *ChangedInfo `json:"changedInfo,omitempty"`
	// Handle is where the operation's resources live on the VIM, recorded
	// before the first change so a rollback can find them.
	Handle *vim.Handle `json:"handle,omitempty"`
	// Before is the instance's instantiated information when the
	// operation started: the state a rollback returns to.
	Before *InstantiatedInfo `json:"before,omitempty"`
}

// Problem is the ProblemDetails-like error of a failed operation.
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title,omitempty"`
	Detail string `json:"detail"`
}

// ResourceChanges lists the VNFCs the operation added, removed or changed.
type ResourceChanges struct {
	Added    []VNFCResource `json:"added,omitempty"`
	Removed  []VNFCResource `json:"removed,omitempty"`
	Modified []VNFCResource `json:"modified,omitempty"`
}

// ChangedInfo is SOL 003 VnfInfoModifications: the modifications a
// MODIFY_INFO applied as requested (maps as merge patches), and the
// package attributes that follow a new vnfdId.
type ChangedInfo struct {
	Name                   *string                       `json:"vnfInstanceName,omitempty"`
	Description            *string                       `json:"vnfInstanceDescription,omitempty"`
	ConfigurableProperties map[string]any                `json:"vnfConfigurableProperties,omitempty"`
	Metadata               map[string]any                `json:"metadata,omitempty"`
	Extensions             map[string]any                `json:"extensions,omitempty"`
	VIMConnections         map[string]*VIMConnectionInfo `json:"vimConnectionInfo,omitempty"`
	VNFDID                 string                        `json:"vnfdId,omitempty"`
	Provider               string                        `json:"vnfProvider,omitempty"`
	ProductName            string                        `json:"vnfProductName,omitempty"`
	SoftwareVersion        string                        `json:"vnfSoftwareVersion,omitempty"`
	VNFDVersion            string                        `json:"vnfdVersion,omitempty"`
	VNFCs                  []VNFCModification            `json:"vnfcInfoModifications,omitempty"`
	VNFCDeleteIDs          []string                      `json:"vnfcInfoModificationsDeleteIds,omitempty"`
}
