package vnfpkgm

import (
	"errors"
	"fmt"

	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// VnfPkgInfo is SOL 005 §9.5.2.5.
type VnfPkgInfo struct {
	ID                       string                    `json:"id"`
	VnfdID                   string                    `json:"vnfdId,omitempty"`
	VnfProvider              string                    `json:"vnfProvider,omitempty"`
	VnfProductName           string                    `json:"vnfProductName,omitempty"`
	VnfSoftwareVersion       string                    `json:"vnfSoftwareVersion,omitempty"`
	VnfdVersion              string                    `json:"vnfdVersion,omitempty"`
	Checksum                 *Checksum                 `json:"checksum,omitempty"`
	SoftwareImages           []VnfPackageSoftwareImage `json:"softwareImages,omitempty"`
	AdditionalArtifacts      []VnfPackageArtifactInfo  `json:"additionalArtifacts,omitempty"`
	OnboardingState          string                    `json:"onboardingState"`
	OperationalState         string                    `json:"operationalState"`
	UsageState               string                    `json:"usageState"`
	UserDefinedData          map[string]any            `json:"userDefinedData,omitempty"`
	OnboardingFailureDetails *sol013.ProblemDetails    `json:"onboardingFailureDetails,omitempty"`
	Links                    VnfPkgInfoLinks           `json:"_links"`
}

// Checksum is SOL 005 §9.5.3.3 (ChecksumData).
type Checksum struct {
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

// VnfPackageSoftwareImage is SOL 005 §9.5.3.2 (VnfPackageSoftwareImageInfo).
type VnfPackageSoftwareImage struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Provider        string            `json:"provider"`
	Version         string            `json:"version"`
	Checksum        Checksum          `json:"checksum"`
	ContainerFormat string            `json:"containerFormat"`
	DiskFormat      string            `json:"diskFormat"`
	CreatedAt       string            `json:"createdAt"`
	MinDisk         int64             `json:"minDisk"`
	MinRAM          int64             `json:"minRam"`
	Size            int64             `json:"size"`
	UserMetadata    map[string]string `json:"userMetadata,omitempty"`
	ImagePath       string            `json:"imagePath"`
}

// VnfPackageArtifactInfo is SOL 005 §9.5.3.3.
type VnfPackageArtifactInfo struct {
	ArtifactPath string            `json:"artifactPath"`
	Checksum     Checksum          `json:"checksum"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

// Link is SOL 013's Link type.
type Link struct {
	Href string `json:"href"`
}

// VnfPkgInfoLinks are the _links of a VnfPkgInfo.
type VnfPkgInfoLinks struct {
	Self           Link  `json:"self"`
	Vnfd           *Link `json:"vnfd,omitempty"`
	PackageContent Link  `json:"packageContent"`
}

// CreateVnfPkgInfoRequest is SOL 005 §9.5.2.2.
type CreateVnfPkgInfoRequest struct {
	UserDefinedData map[string]any `json:"userDefinedData,omitempty"`
}

// VnfPkgInfoModifications is SOL 005 §9.5.2.3: the body of PATCH and of its
// answer.
type VnfPkgInfoModifications struct {
	OperationalState *string        `json:"operationalState,omitempty"`
	UserDefinedData  map[string]any `json:"userDefinedData,omitempty"`
}

// Validate reports every problem of the request.
func (m *VnfPkgInfoModifications) Validate() error {
	var errs []error
	if m.OperationalState == nil && m.UserDefinedData == nil {
		errs = append(errs, errors.New("at least one of operationalState and userDefinedData is required"))
	}
	if s := m.OperationalState; s != nil && *s != "ENABLED" && *s != "DISABLED" {
		errs = append(errs, fmt.Errorf("operationalState: %q is not ENABLED or DISABLED", *s))
	}
	return errors.Join(errs...)
}

// selection: a list leaves out these complex attributes unless asked (SOL
// 005 §9.4.2.3.2), and always keeps _links, which VnfPkgInfo requires.
var selection = sol013.Selection{
	Defaults:  [][]string{{"softwareImages"}, {"additionalArtifacts"}, {"userDefinedData"}, {"checksum"}},
	Mandatory: [][]string{{"_links"}},
}

// UploadVnfPkgFromUriRequest is SOL 005 §9.5.2.4.
type UploadVnfPkgFromUriRequest struct {
	AddressInformation string `json:"addressInformation"`
	AuthType           string `json:"authType,omitempty"`
	UserName           string `json:"userName,omitempty"`
	Password           string `json:"password,omitempty"`
}

// Validate reports every problem of the request.
func (r *UploadVnfPkgFromUriRequest) Validate() error {
	var errs []error
	if r.AddressInformation == "" {
		errs = append(errs, errors.New("addressInformation is required"))
	}
	if r.AuthType != "" && r.AuthType != "BASIC" {
		errs = append(errs, fmt.Errorf("authType %q: only BASIC is supported", r.AuthType))
	}
	return errors.Join(errs...)
}
