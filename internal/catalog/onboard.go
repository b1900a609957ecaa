package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// ErrInvalidPackage means the uploaded bytes are not an acceptable package:
// the API answers it 4xx where it can still say so synchronously.
var ErrInvalidPackage = errors.New("invalid package")

// ErrTooLarge means an upload exceeded the configured package size.
var ErrTooLarge = errors.New("package too large")

// Files of a package under its directory in the content store.
const (
	zipName    = "package.zip"
	contentDir = "content"
)

// zipPath is where package id's uploaded zip is kept.
func (s *Service) zipPath(id string) string { return filepath.Join(s.opts.Dir, id, zipName) }

// ContentDir is where package id's files are extracted.
func (s *Service) ContentDir(id string) string { return filepath.Join(s.opts.Dir, id, contentDir) }

// Upload stores the zip read from r as package id's content and schedules
// its onboarding. The package must be CREATED: it is UPLOADING while the
// bytes arrive and goes back to CREATED if they cannot be stored (so the
// client may try again), then PROCESSING until the onboarding job ends it
// in ONBOARDED or ERROR.
func (s *Service) Upload(ctx context.Context, id string, r io.Reader) error {
	if _, err := s.setState(ctx, id, Created, Uploading); err != nil {
		return err
	}
	if err := s.receive(ctx, id, r); err != nil {
		return err
	}
	return s.scheduleProcessing(context.WithoutCancel(ctx), id)
}

// receive spools r as package id's zip; on failure the package goes back
// from UPLOADING to CREATED.
func (s *Service) receive(ctx context.Context, id string, r io.Reader) error {
	err := s.spool(ctx, id, r)
	if err == nil {
		return nil
	}
	if _, rerr := s.setState(context.WithoutCancel(ctx), id, Uploading, Created); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// scheduleProcessing moves package id to PROCESSING and inserts its
// onboarding job in the same transaction: neither happens without the other.
func (s *Service) scheduleProcessing(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(ctx context.Context) error {
		if _, err := s.setState(ctx, id, Uploading, Processing); err != nil {
			return err
		}
		_, err := s.jobs.InsertTx(ctx, ProcessArgs{PackageID: id}, nil)
		return err
	})
}

func (s *Service) spool(ctx context.Context, id string, r io.Reader) error {
	dir := filepath.Join(s.opts.Dir, id)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("package %s: create content dir: %w", id, err)
	}
	tmp := s.zipPath(id) + ".part"
	_ = os.Remove(tmp) // a crashed earlier upload's leftovers
	if _, err := csar.Spool(ctx, r, tmp, s.maxPackageSize()); err != nil {
		_ = os.Remove(tmp)
		if csar.KindOf(err) == csar.KindLimit {
			return fmt.Errorf("package %s: %w: %v", id, ErrTooLarge, err)
		}
		return fmt.Errorf("package %s: store upload: %w", id, err)
	}
	return os.Rename(tmp, s.zipPath(id))
}

// maxPackageSize is the largest zip an upload may send.
func (s *Service) maxPackageSize() int64 {
	if s.opts.CSAR.MaxPackageSize <= 0 {
		return csar.DefaultMaxPackageSize
	}
	return s.opts.CSAR.MaxPackageSize
}

// setState moves package id from one onboarding state to another, or fails
// with ErrStateConflict if it is not in from.
func (s *Service) setState(ctx context.Context, id string, from, to OnboardingState) (Package, error) {
	it, err := s.packages.Update(ctx, id, 0, func(p *Package) error {
		if p.OnboardingState != from {
			return fmt.Errorf("package %s is %s, not %s: %w", id, p.OnboardingState, from, ErrStateConflict)
		}
		p.OnboardingState = to
		return nil
	})
	return it.Doc, err
}

// Process checks the uploaded content of package id and records what it
// learns: ONBOARDED with the VNFD's facts, or ERROR with a readable detail.
// It does nothing unless the package is PROCESSING, and can be run again
// after a crash: it starts from the stored zip each time. finish (may be
// nil) runs in the transaction of the final state change, so the job that
// called Process completes with it.
func (s *Service) Process(ctx context.Context, id string, finish func(ctx context.Context) error) error {
	it, err := s.packages.Get(ctx, id)
	if err != nil {
		return err
	}
	if it.Doc.OnboardingState != Processing {
		return s.finishAlone(ctx, finish)
	}
	facts, perr := s.inspect(ctx, id)
	if perr != nil && !isPackageFault(perr) {
		return perr // local trouble (disk, cancelled): leave PROCESSING for a retry
	}
	return s.db.Tx(ctx, func(ctx context.Context) error {
		it, err := s.packages.Update(ctx, id, 0, func(p *Package) error {
			if p.OnboardingState != Processing {
				return fmt.Errorf("package %s left PROCESSING: %w", id, ErrStateConflict)
			}
			if perr != nil {
				p.OnboardingState, p.FailureDetail = Error, perr.Error()
				return nil
			}
			facts.apply(p)
			return s.applyUsage(ctx, p)
		})
		if err != nil {
			return err
		}
		if it.Doc.OnboardingState == Onboarded {
			if err := s.emit(ctx, EventOnboarded, it.Doc); err != nil {
				return err
			}
		}
		if finish == nil {
			return nil
		}
		return finish(ctx)
	})
}

func (s *Service) finishAlone(ctx context.Context, finish func(ctx context.Context) error) error {
	if finish == nil {
		return nil
	}
	return s.db.Tx(ctx, finish)
}

// isPackageFault tells a defect of the package from a failure here.
func isPackageFault(err error) bool {
	return csar.KindOf(err) != "" || errors.Is(err, ErrInvalidPackage)
}

// inspect opens, checks and reads package id's zip.
func (s *Service) inspect(ctx context.Context, id string) (*facts, error) {
	dir := s.ContentDir(id)
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("package %s: clear content: %w", id, err)
	}
	pkg, err := csar.Open(ctx, s.zipPath(id), dir, s.opts.CSAR)
	if err != nil {
		return nil, err
	}
	defer pkg.Close()
	d, err := vnfd.Load(ctx, pkg.FS(), pkg.EntryDefinitions)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: VNFD: %v", ErrInvalidPackage, err)
	}
	if err := s.checkUniqueVNFD(ctx, id, d.ID); err != nil {
		return nil, err
	}
	return factsOf(pkg, d), nil
}

// checkUniqueVNFD refuses a second onboarded package with the same vnfdId:
// VNFMs fetch packages by vnfdId, so it must name one package.
func (s *Service) checkUniqueVNFD(ctx context.Context, id, vnfdID string) error {
	other, err := s.ByVNFDID(ctx, vnfdID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID != id:
		return fmt.Errorf("%w: vnfdId %s is already onboarded as package %s", ErrInvalidPackage, vnfdID, other.ID)
	}
	return nil
}

// facts is what onboarding learns of a package.
type facts struct {
	vnfd      *vnfd.VNFD
	manifest  string
	cert      string
	checksum  Checksum
	images    []SoftwareImage
	artifacts []Artifact
}

func factsOf(pkg *csar.Package, d *vnfd.VNFD) *facts {
	f := &facts{vnfd: d, manifest: pkg.ManifestPath, cert: pkg.CertificatePath, checksum: Checksum{Algorithm: string(pkg.Checksum.Algorithm), Hash: pkg.Checksum.Hash}}
	imagePaths := map[string]bool{}
	now := time.Now().UTC()
	for _, fl := range d.Flavours {
		for _, im := range flavourImages(fl) {
			if slices.ContainsFunc(f.images, func(x SoftwareImage) bool { return x.ID == im.ID }) {
				continue
			}
			im.CreatedAt = now
			if file, ok := pkg.File(im.ImagePath); ok {
				im.Size = file.Size
				imagePaths[file.Path] = true
			} else if im.ref != "" {
				im.ImagePath = im.ref // an image outside the package, such as a registry reference
			}
			f.images = append(f.images, im.SoftwareImage)
		}
	}
	f.artifacts = additionalArtifacts(pkg, d, imagePaths)
	return f
}

func (f *facts) apply(p *Package) {
	d := f.vnfd
	p.OnboardingState = Onboarded
	p.FailureDetail = ""
	p.VNFDID, p.VNFProvider, p.VNFProductName = d.ID, d.Provider, d.ProductName
	p.VNFSoftwareVersion, p.VNFDVersion = d.SoftwareVersion, d.DescriptorVersion
	p.Checksum = &f.checksum
	p.SoftwareImages, p.Artifacts = f.images, f.artifacts
	p.Entry, p.VNFDFiles = d.Template.Entry, d.Template.Files
	p.ManifestPath, p.CertificatePath = f.manifest, f.cert
}

// image is a software image as onboarding first sees it.
type image struct {
	SoftwareImage
	// ref is the artifact's file as written, used when it is not a file of
	// the package.
	ref string
}

// flavourImages lists the software images the VDUs and containers of a
// flavour name.
func flavourImages(fl *vnfd.Flavour) []image {
	var out []image
	add := func(id, defaultFormat string, im *vnfd.SwImage) {
		if im == nil {
			return
		}
		si := image{SoftwareImage: SoftwareImage{ID: id, Name: im.Name, Provider: im.Provider, Version: im.Version,
			Checksum:        Checksum{Algorithm: im.ChecksumAlgorithm, Hash: im.ChecksumHash},
			ContainerFormat: strings.ToUpper(im.ContainerFormat), DiskFormat: strings.ToUpper(im.DiskFormat),
			MinDisk: im.MinDiskBytes >> 30, MinRAM: im.MinRAMBytes >> 20, Size: im.SizeBytes}}
		// A VDU whose image has no sw_image_data says no formats; the
		// schema wants them: the neutral values for its kind stand in.
		if si.DiskFormat == "" {
			si.DiskFormat = "RAW"
		}
		if si.ContainerFormat == "" {
			si.ContainerFormat = defaultFormat
		}
		if si.Name == "" {
			si.Name = id
		}
		if im.Artifact != nil {
			si.ImagePath, si.ref = im.Artifact.Path, im.Artifact.File
		}
		out = append(out, si)
	}
	for _, vdu := range fl.VDUs {
		add(vdu.ID, "BARE", vdu.SwImage)
	}
	for _, c := range fl.Containers {
		add(c.ID, "DOCKER", c.SwImage)
	}
	return out
}

// additionalArtifacts are the package's files that are neither descriptors
// nor TOSCA-Metadata nor the manifest nor software images.
func additionalArtifacts(pkg *csar.Package, d *vnfd.VNFD, images map[string]bool) []Artifact {
	skip := map[string]bool{pkg.ManifestPath: true, pkg.CertificatePath: true}
	for _, f := range d.Template.Files {
		skip[f] = true
	}
	var out []Artifact
	for _, f := range pkg.Files {
		if skip[f.Path] || images[f.Path] || strings.HasPrefix(f.Path, "TOSCA-Metadata/") {
			continue
		}
		a := Artifact{Path: f.Path, Checksum: Checksum{Algorithm: "SHA-256", Hash: f.SHA256}}
		if f.Digest.Hash != "" {
			a.Checksum = Checksum{Algorithm: string(f.Digest.Algorithm), Hash: f.Digest.Hash}
		}
		if f.NonMANOSet != "" {
			a.Metadata = map[string]string{"nonManoArtifactSetId": f.NonMANOSet}
		}
		out = append(out, a)
	}
	return out
}
