package csar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Package is a checked, extracted SOL 004 package. Its embedded Content
// serves the extracted files; Close releases it (the files stay on disk).
type Package struct {
	*Content

	// Size is the size of the zip file in bytes.
	Size int64
	// Checksum is the SHA-256 of the zip file, computed while reading it.
	Checksum Checksum

	// Meta is the parsed TOSCA.meta, nil for a package without
	// TOSCA-Metadata.
	Meta *Meta
	// TemplateMetadata is the metadata section of the root YAML of a
	// package without TOSCA-Metadata (template_name, template_author...),
	// nil otherwise.
	TemplateMetadata map[string]string
	// EntryDefinitions is the path of the main TOSCA service template.
	EntryDefinitions string
	// OtherDefinitions lists TOSCA.meta's Other-Definitions paths.
	OtherDefinitions []string
	// ManifestPath is the path of the manifest, "" when the package has
	// none (only with Options.ManifestOptional).
	ManifestPath string
	// Manifest is the parsed manifest, nil when ManifestPath is "".
	Manifest *Manifest
	// CertificatePath is the package certificate (ETSI-Entry-Certificate or
	// the .cert beside the manifest), "" when there is none.
	CertificatePath string

	// Files lists every regular file, sorted by path.
	Files []File
	// Signature reports the verified signatures.
	Signature SignatureStatus
	// Warnings lists non-fatal findings, such as files the manifest does
	// not list.
	Warnings []Warning
}

// File is one regular file of a package.
type File struct {
	Path string
	Size int64
	// SHA256 is the hex SHA-256 of the content, computed while extracting.
	SHA256 string
	// Digest is the manifest's (or TOSCA.meta's) digest of the file, which
	// matched; zero when the file is not listed.
	Digest Checksum
	// Signed is set when the file's own CMS signature verified.
	Signed bool
	// NonMANOSet names the manifest's non-MANO artifact set listing the
	// file (VnfPackageArtifactInfo.nonManoArtifactSetId), "" for none.
	NonMANOSet string
}

// File returns the file at path, if the package has it.
func (p *Package) File(path string) (File, bool) {
	i, ok := sort.Find(len(p.Files), func(i int) int { return cmpString(path, p.Files[i].Path) })
	if !ok {
		return File{}, false
	}
	return p.Files[i], true
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Open reads the zip package at zipPath, checks it against opts and SOL 004,
// and extracts it into dir, which must not exist yet (its parent is
// created if needed). The package is streamed from disk, never held in
// memory. On failure dir is removed and the error is a *Error when the
// package is at fault (see KindOf), or a plain error for a local failure
// (disk, ctx).
func Open(ctx context.Context, zipPath, dir string, opts Options) (*Package, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	f, size, err := openZip(zipPath, opts.MaxPackageSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	// The package digest runs beside the extraction, on another core.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sumc := make(chan sumResult, 1)
	go func() { sumc <- sha256Of(ctx, f, size) }()

	pkg, err := extractPackage(ctx, f, size, dir, opts)
	if err != nil {
		cancel()
	}
	sum := <-sumc
	if err == nil && sum.err != nil {
		pkg.discard()
		err = fmt.Errorf("digest package: %w", sum.err)
	}
	if err != nil {
		return nil, err
	}
	pkg.Size, pkg.Checksum = size, Checksum{Algorithm: SHA256, Hash: sum.hash}
	return pkg, nil
}

func openZip(name string, limit int64) (*os.File, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("open package: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("stat package: %w", err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("open package: %s is not a regular file", name)
	}
	if info.Size() > limit {
		f.Close()
		return nil, 0, newError(KindLimit, "", fmt.Sprintf("package size %d exceeds the limit of %d", info.Size(), limit))
	}
	return f, info.Size(), nil
}

type sumResult struct {
	hash string
	err  error
}

func sha256Of(ctx context.Context, r io.ReaderAt, size int64) sumResult {
	h := sha256.New()
	bp := getBuffer()
	defer putBuffer(bp)
	buf := bp[:]
	sr := io.NewSectionReader(r, 0, size)
	for {
		if err := ctx.Err(); err != nil {
			return sumResult{err: err}
		}
		n, err := sr.Read(buf)
		h.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			return sumResult{hash: hex.EncodeToString(h.Sum(nil))}
		}
		if err != nil {
			return sumResult{err: err}
		}
	}
}

// extractPackage runs the checks and the extraction; on failure it leaves
// nothing behind.
func extractPackage(ctx context.Context, r io.ReaderAt, size int64, dir string, opts Options) (*Package, error) {
	a, err := openArchive(r, size, opts)
	if err != nil {
		return nil, err
	}
	m := &meter{ctx: ctx, opts: opts, packageSize: size}
	l, err := detectLayout(a, m, opts)
	if err != nil {
		return nil, err
	}
	mf, err := readManifest(a, l, m)
	if err != nil {
		return nil, err
	}
	exps, err := expectations(a, l, mf)
	if err != nil {
		return nil, err
	}
	content, err := createContent(dir)
	if err != nil {
		return nil, err
	}
	pkg := &Package{
		Content: content, Meta: l.meta, EntryDefinitions: l.entry, OtherDefinitions: l.other,
		ManifestPath: l.manifest, Manifest: mf, CertificatePath: l.certificate, Warnings: l.warnings,
	}
	if err := pkg.fill(a, l, exps, m, opts); err != nil {
		pkg.discard()
		return nil, err
	}
	return pkg, nil
}

// readManifest reads and parses the manifest, nil when there is none.
func readManifest(a *archive, l *layout, m *meter) (*Manifest, error) {
	if l.manifest == "" {
		return nil, nil
	}
	data, err := readSmall(a.byName[l.manifest], m, maxMetaFileSize)
	if err != nil {
		return nil, err
	}
	mf, err := parseManifest(l.manifest, data)
	if err != nil {
		return nil, err
	}
	return mf, mf.checkVNFMetadata(l.manifest)
}

func createContent(dir string) (*Content, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o750); err != nil {
		return nil, fmt.Errorf("create content store: %w", err)
	}
	if err := os.Mkdir(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create package content directory: %w", err)
	}
	c, err := OpenContent(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// discard closes the content and removes the directory.
func (p *Package) discard() {
	p.Close()
	os.RemoveAll(p.Dir())
}

// fill extracts every file, then checks digests, listing and signatures.
func (p *Package) fill(a *archive, l *layout, exps []expectation, m *meter, opts Options) error {
	sums, err := p.extractAll(a, exps, m)
	if err != nil {
		return err
	}
	if err := p.checkDigests(exps, sums); err != nil {
		return err
	}
	p.markNonMANO()
	if err := p.checkUnlisted(l, exps, opts.Strict); err != nil {
		return err
	}
	if p.Signature, err = verifySignatures(p, opts); err != nil {
		return err
	}
	if l.meta == nil {
		p.TemplateMetadata, err = templateMetadata(p.root, p.EntryDefinitions)
	}
	return err
}

// extractAll extracts the files in archive order and returns their
// digests by path.
func (p *Package) extractAll(a *archive, exps []expectation, m *meter) (map[string]map[Algorithm]string, error) {
	algs := make(map[string][]Algorithm)
	for _, e := range exps {
		algs[e.path] = append(algs[e.path], e.sum.Algorithm)
	}
	for dir := range a.dirs { // empty directories too (e.g. ETSI-Entry-Licenses)
		if err := p.root.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create directory %s: %w", dir, err)
		}
	}
	sums := make(map[string]map[Algorithm]string, len(a.files))
	bp := getBuffer()
	defer putBuffer(bp)
	for _, zf := range a.files {
		res, err := extractFile(p.root, zf, algs[zf.Name], m, bp[:])
		if err != nil {
			return nil, err
		}
		sums[zf.Name] = res.sums
		p.Files = append(p.Files, File{Path: zf.Name, Size: res.size, SHA256: res.sums[SHA256]})
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	return sums, nil
}
