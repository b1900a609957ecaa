package vnflcm

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Link is a SOL 013 link.
type Link struct {
	Href string `json:"href"`
}

// VnfInstance is the SOL 003 VnfInstance. VimConnectionInfo is an array in
// v1 and a map in v2.
type VnfInstance struct {
	ID                        string               `json:"id"`
	VnfInstanceName           string               `json:"vnfInstanceName,omitempty"`
	VnfInstanceDescription    string               `json:"vnfInstanceDescription,omitempty"`
	VnfdID                    string               `json:"vnfdId"`
	VnfProvider               string               `json:"vnfProvider"`
	VnfProductName            string               `json:"vnfProductName"`
	VnfSoftwareVersion        string               `json:"vnfSoftwareVersion"`
	VnfdVersion               string               `json:"vnfdVersion"`
	VnfConfigurableProperties map[string]any       `json:"vnfConfigurableProperties,omitempty"`
	VimConnectionInfo         any                  `json:"vimConnectionInfo,omitempty"`
	InstantiationState        string               `json:"instantiationState"`
	InstantiatedVnfInfo       *InstantiatedVnfInfo `json:"instantiatedVnfInfo,omitempty"`
	Metadata                  map[string]any       `json:"metadata,omitempty"`
	Extensions                map[string]any       `json:"extensions,omitempty"`
	Links                     VnfInstanceLinks     `json:"_links"`
}

// VnfInstanceLinks are the links of a VnfInstance: the tasks its state allows.
type VnfInstanceLinks struct {
	Self          Link  `json:"self"`
	Instantiate   *Link `json:"instantiate,omitempty"`
	Terminate     *Link `json:"terminate,omitempty"`
	Scale         *Link `json:"scale,omitempty"`
	ScaleToLevel  *Link `json:"scaleToLevel,omitempty"`
	ChangeFlavour *Link `json:"changeFlavour,omitempty"`
	Heal          *Link `json:"heal,omitempty"`
	Operate       *Link `json:"operate,omitempty"`
	ChangeExtConn *Link `json:"changeExtConn,omitempty"`
}

// VimConnectionInfo is the SOL 003 VimConnectionInfo. AccessInfo is read
// from requests and never written to responses.
type VimConnectionInfo struct {
	ID            string            `json:"id,omitempty"`
	VimID         string            `json:"vimId,omitempty"`
	VimType       string            `json:"vimType"`
	InterfaceInfo map[string]string `json:"interfaceInfo,omitempty"`
	AccessInfo    map[string]string `json:"accessInfo,omitempty"`
	Extra         map[string]any    `json:"extra,omitempty"`
}

// InstantiatedVnfInfo is the information of an INSTANTIATED VNF.
type InstantiatedVnfInfo struct {
	FlavourID                  string                       `json:"flavourId"`
	VnfState                   string                       `json:"vnfState"`
	ScaleStatus                []ScaleInfo                  `json:"scaleStatus,omitempty"`
	ExtCpInfo                  []VnfExtCpInfo               `json:"extCpInfo,omitempty"`
	VnfcResourceInfo           []VnfcResourceInfo           `json:"vnfcResourceInfo,omitempty"`
	VnfcInfo                   []VnfcInfo                   `json:"vnfcInfo,omitempty"`
	VirtualLinkResourceInfo    []VnfVirtualLinkResourceInfo `json:"virtualLinkResourceInfo,omitempty"`
	VirtualStorageResourceInfo []VirtualStorageResourceInfo `json:"virtualStorageResourceInfo,omitempty"`
}

// ScaleInfo is the scale level of one aspect.
type ScaleInfo struct {
	AspectID   string `json:"aspectId"`
	ScaleLevel int    `json:"scaleLevel"`
}

// ResourceHandle addresses a resource on a VIM.
type ResourceHandle struct {
	VimConnectionID      string `json:"vimConnectionId"`
	ResourceID           string `json:"resourceId"`
	VimLevelResourceType string `json:"vimLevelResourceType,omitempty"`
}

// VnfcResourceInfo is one VNFC and its compute resource.
type VnfcResourceInfo struct {
	ID              string         `json:"id"`
	VduID           string         `json:"vduId"`
	ComputeResource ResourceHandle `json:"computeResource"`
	Metadata        map[string]any `json:"metadata,omitempty"`
}

// VnfcInfo is the state of one VNFC instance (SOL 003 VnfcInfo, clause 5.5.3.23 in v3.3.1).
// ETSI's JSON schemas we check against lack it, though their notifications refer to it
// (vnfcInfoModifications); it is one entry per vnfcResourceInfo.
type VnfcInfo struct {
	ID                 string `json:"id"`
	VduID              string `json:"vduId"`
	VnfcResourceInfoID string `json:"vnfcResourceInfoId,omitempty"`
	// VnfcState is STARTED or STOPPED.
	VnfcState                  string         `json:"vnfcState"`
	VnfcConfigurableProperties map[string]any `json:"vnfcConfigurableProperties,omitempty"`
}

// VnfVirtualLinkResourceInfo is a virtual link's network resource.
type VnfVirtualLinkResourceInfo struct {
	ID                   string         `json:"id"`
	VnfVirtualLinkDescID string         `json:"vnfVirtualLinkDescId"`
	NetworkResource      ResourceHandle `json:"networkResource"`
}

// VirtualStorageResourceInfo is a storage resource.
type VirtualStorageResourceInfo struct {
	ID                   string         `json:"id"`
	VirtualStorageDescID string         `json:"virtualStorageDescId"`
	StorageResource      ResourceHandle `json:"storageResource"`
}

// VnfExtCpInfo is an external CP of the VNF.
type VnfExtCpInfo struct {
	ID             string           `json:"id"`
	CpdID          string           `json:"cpdId"`
	CpProtocolInfo []CpProtocolInfo `json:"cpProtocolInfo"`
}

// CpProtocolInfo is the protocol of a CP with its addresses.
type CpProtocolInfo struct {
	LayerProtocol  string                 `json:"layerProtocol"`
	IPOverEthernet *IPOverEthernetAddress `json:"ipOverEthernet,omitempty"`
}

// IPOverEthernetAddress holds IP addresses of a CP.
type IPOverEthernetAddress struct {
	IPAddresses []IPAddress `json:"ipAddresses,omitempty"`
}

// IPAddress is one entry of IPOverEthernetAddress.ipAddresses.
type IPAddress struct {
	Type      string   `json:"type"`
	Addresses []string `json:"addresses,omitempty"`
}

// VnfLcmOpOcc is the SOL 003 VnfLcmOpOcc.
type VnfLcmOpOcc struct {
	ID                    string           `json:"id"`
	OperationState        string           `json:"operationState"`
	StateEnteredTime      time.Time        `json:"stateEnteredTime"`
	StartTime             time.Time        `json:"startTime"`
	VnfInstanceID         string           `json:"vnfInstanceId"`
	GrantID               string           `json:"grantId,omitempty"`
	Operation             string           `json:"operation"`
	IsAutomaticInvocation bool             `json:"isAutomaticInvocation"`
	OperationParams       json.RawMessage  `json:"operationParams,omitempty"`
	IsCancelPending       bool             `json:"isCancelPending"`
	CancelMode            string           `json:"cancelMode,omitempty"`
	Error                 *ProblemDetails  `json:"error,omitempty"`
	ResourceChanges       *ResourceChanges `json:"resourceChanges,omitempty"`
	// ChangedInfo is present on a MODIFY_INFO occurrence.
	ChangedInfo *VnfInfoModifications `json:"changedInfo,omitempty"`
	Links       VnfLcmOpOccLinks      `json:"_links"`
}

// VnfInfoModifications is what a MODIFY_INFO changed: the modifications as
// requested, and the package attributes a new vnfdId brought.
// VimConnectionInfo is an array in v1 and a map in v2, without accessInfo.
type VnfInfoModifications struct {
	VnfInstanceName                *string                 `json:"vnfInstanceName,omitempty"`
	VnfInstanceDescription         *string                 `json:"vnfInstanceDescription,omitempty"`
	VnfConfigurableProperties      map[string]any          `json:"vnfConfigurableProperties,omitempty"`
	Metadata                       map[string]any          `json:"metadata,omitempty"`
	Extensions                     map[string]any          `json:"extensions,omitempty"`
	VimConnectionInfo              any                     `json:"vimConnectionInfo,omitempty"`
	VnfdID                         string                  `json:"vnfdId,omitempty"`
	VnfProvider                    string                  `json:"vnfProvider,omitempty"`
	VnfProductName                 string                  `json:"vnfProductName,omitempty"`
	VnfSoftwareVersion             string                  `json:"vnfSoftwareVersion,omitempty"`
	VnfdVersion                    string                  `json:"vnfdVersion,omitempty"`
	VnfcInfoModifications          []VnfcInfoModifications `json:"vnfcInfoModifications,omitempty"`
	VnfcInfoModificationsDeleteIds []string                `json:"vnfcInfoModificationsDeleteIds,omitempty"`
}

// ProblemDetails is the error of a failed operation.
type ProblemDetails struct {
	Title  string `json:"title,omitempty"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// ResourceChanges lists the VNFCs an operation changed.
type ResourceChanges struct {
	AffectedVnfcs []AffectedVnfc `json:"affectedVnfcs,omitempty"`
}

// AffectedVnfc is one changed VNFC.
type AffectedVnfc struct {
	ID              string         `json:"id"`
	VduID           string         `json:"vduId"`
	ChangeType      string         `json:"changeType"`
	ComputeResource ResourceHandle `json:"computeResource"`
}

// VnfLcmOpOccLinks are the links of a VnfLcmOpOcc: the tasks its state allows.
type VnfLcmOpOccLinks struct {
	Self        Link  `json:"self"`
	VnfInstance Link  `json:"vnfInstance"`
	Cancel      *Link `json:"cancel,omitempty"`
	Retry       *Link `json:"retry,omitempty"`
	Rollback    *Link `json:"rollback,omitempty"`
	Fail        *Link `json:"fail,omitempty"`
}

// CreateVnfRequest creates a VNF instance.
type CreateVnfRequest struct {
	VnfdID                 string         `json:"vnfdId"`
	VnfInstanceName        string         `json:"vnfInstanceName,omitempty"`
	VnfInstanceDescription string         `json:"vnfInstanceDescription,omitempty"`
	Metadata               map[string]any `json:"metadata,omitempty"`
}

// Validate reports every problem of the request.
func (r *CreateVnfRequest) Validate() error {
	if r.VnfdID == "" {
		return errors.New("vnfdId: required")
	}
	return nil
}

// InstantiateVnfRequest instantiates a VNF. VimConnectionInfo is an array
// in v1 and a map in v2.
type InstantiateVnfRequest struct {
	FlavourID                 string          `json:"flavourId"`
	InstantiationLevelID      string          `json:"instantiationLevelId,omitempty"`
	ExtVirtualLinks           json.RawMessage `json:"extVirtualLinks,omitempty"`
	ExtManagedVirtualLinks    json.RawMessage `json:"extManagedVirtualLinks,omitempty"`
	VimConnectionInfo         json.RawMessage `json:"vimConnectionInfo,omitempty"`
	LocalizationLanguage      string          `json:"localizationLanguage,omitempty"`
	AdditionalParams          map[string]any  `json:"additionalParams,omitempty"`
	Extensions                map[string]any  `json:"extensions,omitempty"`
	VnfConfigurableProperties map[string]any  `json:"vnfConfigurableProperties,omitempty"`
}

// Validate reports every problem of the request.
func (r *InstantiateVnfRequest) Validate() error {
	if r.FlavourID == "" {
		return errors.New("flavourId: required")
	}
	return nil
}

// ScaleVnfRequest scales one aspect.
type ScaleVnfRequest struct {
	Type             string         `json:"type"`
	AspectID         string         `json:"aspectId"`
	NumberOfSteps    *int           `json:"numberOfSteps,omitempty"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
}

// Validate reports every problem of the request.
func (r *ScaleVnfRequest) Validate() error {
	var errs []error
	if r.Type != "SCALE_OUT" && r.Type != "SCALE_IN" {
		errs = append(errs, fmt.Errorf("type: %q is not SCALE_OUT or SCALE_IN", r.Type))
	}
	if r.AspectID == "" {
		errs = append(errs, errors.New("aspectId: required"))
	}
	if r.NumberOfSteps != nil && *r.NumberOfSteps < 1 {
		errs = append(errs, errors.New("numberOfSteps: must be positive"))
	}
	return errors.Join(errs...)
}

// ScaleVnfToLevelRequest scales to a level or per-aspect levels.
type ScaleVnfToLevelRequest struct {
	InstantiationLevelID string         `json:"instantiationLevelId,omitempty"`
	ScaleInfo            []ScaleInfo    `json:"scaleInfo,omitempty"`
	AdditionalParams     map[string]any `json:"additionalParams,omitempty"`
}

// Validate reports every problem of the request.
func (r *ScaleVnfToLevelRequest) Validate() error {
	if (r.InstantiationLevelID == "") == (len(r.ScaleInfo) == 0) {
		return errors.New("exactly one of instantiationLevelId and scaleInfo is required")
	}
	return nil
}

// ChangeVnfFlavourRequest changes the deployment flavour.
type ChangeVnfFlavourRequest struct {
	NewFlavourID         string          `json:"newFlavourId"`
	InstantiationLevelID string          `json:"instantiationLevelId,omitempty"`
	ExtVirtualLinks      json.RawMessage `json:"extVirtualLinks,omitempty"`
	VimConnectionInfo    json.RawMessage `json:"vimConnectionInfo,omitempty"`
	AdditionalParams     map[string]any  `json:"additionalParams,omitempty"`
	Extensions           map[string]any  `json:"extensions,omitempty"`
}

// Validate reports every problem of the request.
func (r *ChangeVnfFlavourRequest) Validate() error {
	if r.NewFlavourID == "" {
		return errors.New("newFlavourId: required")
	}
	return nil
}

// TerminateVnfRequest terminates a VNF.
type TerminateVnfRequest struct {
	TerminationType            string         `json:"terminationType"`
	GracefulTerminationTimeout int            `json:"gracefulTerminationTimeout,omitempty"`
	AdditionalParams           map[string]any `json:"additionalParams,omitempty"`
}

// Validate reports every problem of the request.
func (r *TerminateVnfRequest) Validate() error {
	var errs []error
	if r.TerminationType != "GRACEFUL" && r.TerminationType != "FORCEFUL" {
		errs = append(errs, fmt.Errorf("terminationType: %q is not GRACEFUL or FORCEFUL", r.TerminationType))
	}
	if r.GracefulTerminationTimeout < 0 {
		errs = append(errs, errors.New("gracefulTerminationTimeout: must not be negative"))
	}
	return errors.Join(errs...)
}

// HealVnfRequest heals VNFCs. vnfcInstanceId is v2's (and sent by clients
// of v1 too).
type HealVnfRequest struct {
	VnfcInstanceID   []string       `json:"vnfcInstanceId,omitempty"`
	Cause            string         `json:"cause,omitempty"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
	HealScript       string         `json:"healScript,omitempty"`
}

// OperateVnfRequest changes the operational state.
type OperateVnfRequest struct {
	ChangeStateTo       string         `json:"changeStateTo"`
	StopType            string         `json:"stopType,omitempty"`
	GracefulStopTimeout int            `json:"gracefulStopTimeout,omitempty"`
	AdditionalParams    map[string]any `json:"additionalParams,omitempty"`
}

// Validate reports every problem of the request.
func (r *OperateVnfRequest) Validate() error {
	var errs []error
	if r.ChangeStateTo != "STARTED" && r.ChangeStateTo != "STOPPED" {
		errs = append(errs, fmt.Errorf("changeStateTo: %q is not STARTED or STOPPED", r.ChangeStateTo))
	}
	if r.StopType != "" && r.StopType != "GRACEFUL" && r.StopType != "FORCEFUL" {
		errs = append(errs, fmt.Errorf("stopType: %q is not GRACEFUL or FORCEFUL", r.StopType))
	}
	return errors.Join(errs...)
}

// ChangeExtVnfConnectivityRequest changes external connectivity.
type ChangeExtVnfConnectivityRequest struct {
	ExtVirtualLinks   json.RawMessage `json:"extVirtualLinks"`
	VimConnectionInfo json.RawMessage `json:"vimConnectionInfo,omitempty"`
	AdditionalParams  map[string]any  `json:"additionalParams,omitempty"`
}

// Validate reports every problem of the request.
func (r *ChangeExtVnfConnectivityRequest) Validate() error {
	if len(r.ExtVirtualLinks) == 0 {
		return errors.New("extVirtualLinks: required")
	}
	return nil
}

// ChangeCurrentVnfPkgRequest (v2) moves the VNF to another package.
type ChangeCurrentVnfPkgRequest struct {
	VnfdID            string          `json:"vnfdId"`
	ExtVirtualLinks   json.RawMessage `json:"extVirtualLinks,omitempty"`
	VimConnectionInfo json.RawMessage `json:"vimConnectionInfo,omitempty"`
	AdditionalParams  map[string]any  `json:"additionalParams,omitempty"`
	Extensions        map[string]any  `json:"extensions,omitempty"`
}

// Validate reports every problem of the request.
func (r *ChangeCurrentVnfPkgRequest) Validate() error {
	if r.VnfdID == "" {
		return errors.New("vnfdId: required")
	}
	return nil
}

// VnfInfoModificationRequest is the PATCH body of a VNF instance.
type VnfInfoModificationRequest struct {
	VnfInstanceName           *string         `json:"vnfInstanceName,omitempty"`
	VnfInstanceDescription    *string         `json:"vnfInstanceDescription,omitempty"`
	VnfdID                    *string         `json:"vnfdId,omitempty"`
	VnfPkgID                  *string         `json:"vnfPkgId,omitempty"`
	VnfConfigurableProperties map[string]any  `json:"vnfConfigurableProperties,omitempty"`
	Metadata                  map[string]any  `json:"metadata,omitempty"`
	Extensions                map[string]any  `json:"extensions,omitempty"`
	VimConnectionInfo         json.RawMessage `json:"vimConnectionInfo,omitempty"`
	// VnfcInfoModifications merge into the configurable properties of
	// entries of instantiatedVnfInfo.vnfcInfo.
	VnfcInfoModifications []VnfcInfoModifications `json:"vnfcInfoModifications,omitempty"`
	// VnfcInfoModificationsDeleteIds name vnfcInfo entries whose
	// configurable properties are removed (the entries stay while their
	// VNFCs do). Both versions take it: the v2.6.1 ETSI schemas carry it
	// in changedInfo beside vnfcInfoModifications.
	VnfcInfoModificationsDeleteIds []string `json:"vnfcInfoModificationsDeleteIds,omitempty"`
}

// VnfcInfoModifications is a merge patch of the configurable properties
// of the vnfcInfo entry id.
type VnfcInfoModifications struct {
	ID                         string         `json:"id"`
	VnfcConfigurableProperties map[string]any `json:"vnfcConfigurableProperties"`
}

// Validate reports every problem of the request.
func (r *VnfInfoModificationRequest) Validate() error {
	var errs []error
	for i, m := range r.VnfcInfoModifications {
		if m.ID == "" {
			errs = append(errs, fmt.Errorf("vnfcInfoModifications[%d].id: required", i))
		}
		if m.VnfcConfigurableProperties == nil {
			errs = append(errs, fmt.Errorf("vnfcInfoModifications[%d].vnfcConfigurableProperties: required", i))
		}
	}
	for i, id := range r.VnfcInfoModificationsDeleteIds {
		if id == "" {
			errs = append(errs, fmt.Errorf("vnfcInfoModificationsDeleteIds[%d]: empty", i))
		}
	}
	return errors.Join(errs...)
}

// CancelMode is the body of a cancel task.
type CancelMode struct {
	CancelMode string `json:"cancelMode"`
}

// Validate reports every problem of the request.
func (r *CancelMode) Validate() error {
	if r.CancelMode != "GRACEFUL" && r.CancelMode != "FORCEFUL" {
		return fmt.Errorf("cancelMode: %q is not GRACEFUL or FORCEFUL", r.CancelMode)
	}
	return nil
}
