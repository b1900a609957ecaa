package grant

// GrantRequest is SOL 003 GrantRequest.
type GrantRequest struct {
	VnfInstanceId         string                `json:"vnfInstanceId"`
	VnfLcmOpOccId         string                `json:"vnfLcmOpOccId"`
	VnfdId                string                `json:"vnfdId"`
	DstVnfdId             string                `json:"dstVnfdId,omitempty"`
	FlavourId             string                `json:"flavourId,omitempty"`
	Operation             string                `json:"operation"`
	IsAutomaticInvocation *bool                 `json:"isAutomaticInvocation"`
	InstantiationLevelId  string                `json:"instantiationLevelId,omitempty"`
	AddResources          []ResourceDefinition  `json:"addResources,omitempty"`
	TempResources         []ResourceDefinition  `json:"tempResources,omitempty"`
	RemoveResources       []ResourceDefinition  `json:"removeResources,omitempty"`
	UpdateResources       []ResourceDefinition  `json:"updateResources,omitempty"`
	PlacementConstraints  []PlacementConstraint `json:"placementConstraints,omitempty"`
	VimConstraints        []VimConstraint       `json:"vimConstraints,omitempty"`
	AdditionalParams      map[string]any        `json:"additionalParams,omitempty"`
	Links                 *GrantRequestLinks    `json:"_links"`
}

// GrantRequestLinks are GrantRequest._links.
type GrantRequestLinks struct {
	VnfLcmOpOcc *Link `json:"vnfLcmOpOcc"`
	VnfInstance *Link `json:"vnfInstance"`
}

// Link is SOL 013 Link.
type Link struct {
	Href string `json:"href"`
}

// ResourceDefinition is SOL 003 ResourceDefinition.
type ResourceDefinition struct {
	Id                 string          `json:"id"`
	Type               string          `json:"type"`
	VduId              string          `json:"vduId,omitempty"`
	VnfdId             string          `json:"vnfdId,omitempty"`
	ResourceTemplateId string          `json:"resourceTemplateId,omitempty"`
	Resource           *ResourceHandle `json:"resource,omitempty"`
}

// ResourceHandle is SOL 003 ResourceHandle.
type ResourceHandle struct {
	VimConnectionId      string `json:"vimConnectionId,omitempty"`
	ResourceProviderId   string `json:"resourceProviderId,omitempty"`
	ResourceId           string `json:"resourceId"`
	VimLevelResourceType string `json:"vimLevelResourceType,omitempty"`
}

// PlacementConstraint is SOL 003 PlacementConstraint.
type PlacementConstraint struct {
	AffinityOrAntiAffinity string                  `json:"affinityOrAntiAffinity"`
	Scope                  string                  `json:"scope"`
	Resource               []ConstraintResourceRef `json:"resource"`
	FallbackBestEffort     bool                    `json:"fallbackBestEffort,omitempty"`
}

// VimConstraint is SOL 003 VimConstraint.
type VimConstraint struct {
	SameResourceGroup bool                    `json:"sameResourceGroup,omitempty"`
	Resource          []ConstraintResourceRef `json:"resource"`
}

// ConstraintResourceRef is SOL 003 ConstraintResourceRef.
type ConstraintResourceRef struct {
	IdType             string `json:"idType"`
	ResourceId         string `json:"resourceId"`
	VimConnectionId    string `json:"vimConnectionId,omitempty"`
	ResourceProviderId string `json:"resourceProviderId,omitempty"`
}

// Grant is SOL 003 Grant.
type Grant struct {
	Id                string                       `json:"id"`
	VnfInstanceId     string                       `json:"vnfInstanceId"`
	VnfLcmOpOccId     string                       `json:"vnfLcmOpOccId"`
	VimConnectionInfo map[string]VimConnectionInfo `json:"vimConnectionInfo,omitempty"`
	// VimConnections is vimConnectionInfo as SOL 003 v2.6.1 spells it.
	VimConnections  []VimConnectionInfo `json:"vimConnections,omitempty"`
	Zones           []ZoneInfo          `json:"zones,omitempty"`
	AddResources    []GrantInfo         `json:"addResources,omitempty"`
	TempResources   []GrantInfo         `json:"tempResources,omitempty"`
	RemoveResources []GrantInfo         `json:"removeResources,omitempty"`
	UpdateResources []GrantInfo         `json:"updateResources,omitempty"`
	VimAssets       *GrantVimAssets     `json:"vimAssets,omitempty"`
	Links           GrantLinks          `json:"_links"`
}

// GrantVimAssets is Grant.vimAssets.
type GrantVimAssets struct {
	ComputeResourceFlavours []VimComputeResourceFlavour `json:"computeResourceFlavours,omitempty"`
	SoftwareImages          []VimSoftwareImage          `json:"softwareImages,omitempty"`
}

// VimComputeResourceFlavour is SOL 003 VimComputeResourceFlavour.
type VimComputeResourceFlavour struct {
	VimConnectionId          string `json:"vimConnectionId,omitempty"`
	ResourceProviderId       string `json:"resourceProviderId,omitempty"`
	VnfdVirtualComputeDescId string `json:"vnfdVirtualComputeDescId"`
	VimFlavourId             string `json:"vimFlavourId"`
}

// VimSoftwareImage is SOL 003 VimSoftwareImage.
type VimSoftwareImage struct {
	VimConnectionId     string `json:"vimConnectionId,omitempty"`
	ResourceProviderId  string `json:"resourceProviderId,omitempty"`
	VnfdSoftwareImageId string `json:"vnfdSoftwareImageId"`
	VimSoftwareImageId  string `json:"vimSoftwareImageId"`
}

// GrantLinks are Grant._links.
type GrantLinks struct {
	Self        Link `json:"self"`
	VnfLcmOpOcc Link `json:"vnfLcmOpOcc"`
	VnfInstance Link `json:"vnfInstance"`
}

// VimConnectionInfo is SOL 003 VimConnectionInfo.
type VimConnectionInfo struct {
	Id            string            `json:"id,omitempty"`
	VimId         string            `json:"vimId,omitempty"`
	VimType       string            `json:"vimType"`
	InterfaceInfo map[string]string `json:"interfaceInfo,omitempty"`
	AccessInfo    map[string]string `json:"accessInfo,omitempty"`
	Extra         map[string]any    `json:"extra,omitempty"`
}

// ZoneInfo is SOL 003 ZoneInfo.
type ZoneInfo struct {
	Id              string `json:"id"`
	ZoneId          string `json:"zoneId"`
	VimConnectionId string `json:"vimConnectionId,omitempty"`
}

// GrantInfo is SOL 003 GrantInfo.
type GrantInfo struct {
	ResourceDefinitionId string `json:"resourceDefinitionId"`
	VimConnectionId      string `json:"vimConnectionId,omitempty"`
	ZoneId               string `json:"zoneId,omitempty"`
}
