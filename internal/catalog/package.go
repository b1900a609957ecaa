package catalog

import "time"

// OnboardingState is where a package is in its onboarding.
type OnboardingState string

// Onboarding states.
const (
	Created    OnboardingState = "CREATED"
	Uploading  OnboardingState = "UPLOADING"
	Processing OnboardingState = "PROCESSING"
	Onboarded  OnboardingState = "ONBOARDED"
	Error      OnboardingState = "ERROR"
)

// OperationalState says whether an onboarded package may be used.
type OperationalState string

// Operational states.
const (
	Enabled  OperationalState = "ENABLED"
	Disabled OperationalState = "DISABLED"
)

// UsageState says whether VNF instances use the package.
type UsageState string

// Usage states.
const (
	InUse    UsageState = "IN_USE"
	NotInUse UsageState = "NOT_IN_USE"
)

// Package is the catalogue's record of one VNF package. Its JSON names are
// the SOL 005 attribute names, because filters address stored documents by
// those names.
type Package struct {
	ID                 string           `json:"id"`
	VNFDID             string           `json:"vnfdId,omitempty"`
	VNFProvider        string           `json:"vnfProvider,omitempty"`
	VNFProductName     string           `json:"vnfProductName,omitempty"`
	VNFSoftwareVersion string           `json:"vnfSoftwareVersion,omitempty"`
	VNFDVersion        string           `json:"vnfdVersion,omitempty"`
	Checksum           *Checksum        `json:"checksum,omitempty"`
	SoftwareImages     []SoftwareImage  `json:"softwareImages,omitempty"`
	Artifacts          []Artifact       `json:"additionalArtifacts,omitempty"`
	OnboardingState    OnboardingState  `json:"onboardingState"`
	OperationalState   OperationalState `json:"operationalState"`
	UsageState         UsageState       `json:"usageState"`
	UserDefinedData    map[string]any   `json:"userDefinedData,omitempty"`
	// FailureDetail says, readably, why onboarding ended in ERROR.
	FailureDetail string `json:"onboardingFailureDetail,omitempty"`
	// Entry is the VNFD's entry definitions file, and VNFDFiles every file
	// of the VNFD (entry first), as paths in the package.
	Entry     string   `json:"entryDefinitions,omitempty"`
	VNFDFiles []string `json:"vnfdFiles,omitempty"`
	// ManifestPath and CertificatePath locate the manifest and the package
	// certificate in the package ("" when absent).
	ManifestPath    string    `json:"manifestPath,omitempty"`
	CertificatePath string    `json:"certificatePath,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
}

// Checksum is an algorithm and the hex digest it produced.
type Checksum struct {
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

// SoftwareImage describes an image a VDU's sw_image_data names.
type SoftwareImage struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Provider        string            `json:"provider"`
	Version         string            `json:"version"`
	Checksum        Checksum          `json:"checksum"`
	ContainerFormat string            `json:"containerFormat"`
	DiskFormat      string            `json:"diskFormat"`
	CreatedAt       time.Time         `json:"createdAt"`
	MinDisk         int64             `json:"minDisk"`
	MinRAM          int64             `json:"minRam"`
	Size            int64             `json:"size"`
	UserMetadata    map[string]string `json:"userMetadata,omitempty"`
	ImagePath       string            `json:"imagePath"`
}

// Artifact is a file of the package other than the descriptors and images.
type Artifact struct {
	Path     string            `json:"artifactPath"`
	Checksum Checksum          `json:"checksum"`
	Metadata map[string]string `json:"metadata,omitempty"`
}
