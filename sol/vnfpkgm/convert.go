package vnfpkgm

import (
	"net/http"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// toWire converts a catalogue record; prefix is the API's URI prefix.
func toWire(prefix string, it store.Item[catalog.Package]) VnfPkgInfo {
	p := it.Doc
	self := prefix + "/vnf_packages/" + p.ID
	w := VnfPkgInfo{
		ID:                 p.ID,
		VnfdID:             p.VNFDID,
		VnfProvider:        p.VNFProvider,
		VnfProductName:     p.VNFProductName,
		VnfSoftwareVersion: p.VNFSoftwareVersion,
		VnfdVersion:        p.VNFDVersion,
		OnboardingState:    string(p.OnboardingState),
		OperationalState:   string(p.OperationalState),
		UsageState:         string(p.UsageState),
		UserDefinedData:    p.UserDefinedData,
		Links: VnfPkgInfoLinks{
			Self:           Link{Href: self},
			PackageContent: Link{Href: self + "/package_content"},
		},
	}
	if p.Checksum != nil {
		w.Checksum = &Checksum{Algorithm: p.Checksum.Algorithm, Hash: p.Checksum.Hash}
	}
	for _, im := range p.SoftwareImages {
		w.SoftwareImages = append(w.SoftwareImages, imageToWire(im))
	}
	for _, a := range p.Artifacts {
		w.AdditionalArtifacts = append(w.AdditionalArtifacts, VnfPackageArtifactInfo{
			ArtifactPath: a.Path, Checksum: Checksum(a.Checksum), Metadata: a.Metadata})
	}
	if p.OnboardingState == catalog.Onboarded {
		w.Links.Vnfd = &Link{Href: self + "/vnfd"}
	}
	if p.FailureDetail != "" {
		w.OnboardingFailureDetails = &sol013.ProblemDetails{Status: http.StatusBadRequest,
			Title: "Onboarding failed", Detail: p.FailureDetail}
	}
	return w
}

func imageToWire(im catalog.SoftwareImage) VnfPackageSoftwareImage {
	return VnfPackageSoftwareImage{
		ID: im.ID, Name: im.Name, Provider: im.Provider, Version: im.Version,
		Checksum:        Checksum(im.Checksum),
		ContainerFormat: im.ContainerFormat, DiskFormat: im.DiskFormat,
		CreatedAt: im.CreatedAt.Format(time.RFC3339), MinDisk: im.MinDisk, MinRAM: im.MinRAM,
		Size: im.Size, UserMetadata: im.UserMetadata, ImagePath: im.ImagePath,
	}
}
