package csar

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Manifest is a parsed SOL 004 manifest (.mf) file.
type Manifest struct {
	Metadata ManifestMetadata
	// Sources lists the Source blocks in file order.
	Sources []ManifestEntry
	// NonMANOArtifactSets maps a set name (e.g. prv.happy-nfv.onap) to the
	// paths listed in it.
	NonMANOArtifactSets map[string][]string
	// Signature is the DER of the CMS block ending the manifest, nil when
	// the manifest is unsigned.
	Signature []byte
	// SignedContent is the part of the manifest the CMS signature covers:
	// every byte before the "-----BEGIN CMS-----" line.
	SignedContent []byte
}

// ManifestMetadata is the metadata block of a manifest. All keeps every key
// verbatim; the fields are the SOL 004 VNF package keys.
type ManifestMetadata struct {
	All                             map[string]string
	VNFProviderID                   string
	VNFProductName                  string
	VNFReleaseDateTime              string
	VNFPackageVersion               string
	VNFDID                          string
	CompatibleSpecificationVersions []string
}

// ManifestEntry is one Source block of a manifest.
type ManifestEntry struct {
	Source    string
	Algorithm Algorithm
	Hash      string
	// Signature and Certificate name a detached CMS signature of the file
	// and the certificate of its signer, when the artifact is signed on its
	// own.
	Signature   string
	Certificate string
	// External is set when Source is a URI outside the package; its digest
	// cannot be checked at onboarding.
	External bool
}

// Manifest metadata keys of a VNF package (SOL 004 clause 4.3.2).
const (
	KeyVNFProviderID      = "vnf_provider_id"
	KeyVNFProductName     = "vnf_product_name"
	KeyVNFReleaseDateTime = "vnf_release_date_time"
	KeyVNFPackageVersion  = "vnf_package_version"
	KeyVNFDID             = "vnfd_id"
	KeyCompatibleVersions = "compatible_specification_versions"
)

const (
	cmsBegin = "-----BEGIN CMS-----"
	cmsEnd   = "-----END CMS-----"
)

type manifestSection int

const (
	sectionNone manifestSection = iota
	sectionMetadata
	sectionEntry
	sectionNonMANO
)

// manifestParser holds the state of parseManifest.
type manifestParser struct {
	name    string
	m       *Manifest
	hasMeta bool
	section manifestSection
	entry   *ManifestEntry
	set     string
	sources map[string]bool
}

// parseManifest parses the manifest named name (for error messages).
func parseManifest(name string, data []byte) (*Manifest, error) {
	text, sig, err := splitSignature(data)
	if err != nil {
		return nil, wrapError(KindManifest, name, "cannot parse the CMS block", err)
	}
	p := &manifestParser{
		name:    name,
		m:       &Manifest{NonMANOArtifactSets: map[string][]string{}, Signature: sig},
		sources: map[string]bool{},
	}
	p.m.Metadata.All = map[string]string{}
	if sig != nil {
		p.m.SignedContent = text
	}
	for i, line := range splitLines(text) {
		if err := p.line(line); err != nil {
			return nil, lineError(name, i+1, err)
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.m, nil
}

// lineError places err at a line of the manifest, keeping the Kind of a
// rejection already classified.
func lineError(name string, line int, err error) error {
	var e *Error
	if errors.As(err, &e) {
		e.Detail = fmt.Sprintf("line %d: %s", line, e.Detail)
		return e
	}
	return wrapError(KindManifest, name, fmt.Sprintf("line %d", line), err)
}

// splitSignature separates the manifest text from the trailing CMS block.
func splitSignature(data []byte) ([]byte, []byte, error) {
	idx := indexLine(data, cmsBegin)
	if idx < 0 {
		if bytes.Contains(data, []byte(cmsEnd)) {
			return nil, nil, errors.New("end of a CMS block without its beginning")
		}
		return data, nil, nil
	}
	block, rest := pem.Decode(data[idx:])
	if block == nil {
		return nil, nil, errors.New("malformed PEM block")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, nil, errors.New("text follows the CMS block")
	}
	return data[:idx], block.Bytes, nil
}

// indexLine returns the offset of the first line equal to want (ignoring
// trailing white space), or -1.
func indexLine(data []byte, want string) int {
	off := 0
	for off <= len(data) {
		end := bytes.IndexByte(data[off:], '\n')
		line := data[off:]
		if end >= 0 {
			line = data[off : off+end]
		}
		if string(bytes.TrimRight(line, " \t\r")) == want {
			return off
		}
		if end < 0 {
			return -1
		}
		off += end + 1
	}
	return -1
}

func (p *manifestParser) line(line string) error {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	key, value, err := splitKeyValue(trimmed)
	if err != nil {
		return err
	}
	indented := line[0] == ' ' || line[0] == '\t'
	if indented && p.section != sectionNone {
		return p.inSection(key, value)
	}
	return p.topLevel(key, value)
}

func (p *manifestParser) topLevel(key, value string) error {
	switch key {
	case "metadata":
		if p.hasMeta {
			return errors.New("metadata block repeated")
		}
		p.section, p.hasMeta = sectionMetadata, true
	case "non_mano_artifact_sets":
		p.section, p.set = sectionNonMANO, ""
	case "Source":
		return p.startEntry(value)
	default:
		switch p.section {
		case sectionEntry:
			return p.entryKey(key, value)
		case sectionMetadata:
			// SOL 004's own example writes the metadata keys unindented.
			return p.inSection(key, value)
		}
		return fmt.Errorf("unexpected key %q", key)
	}
	if value != "" {
		return fmt.Errorf("key %s: expected a block, got a value", key)
	}
	return nil
}

func (p *manifestParser) inSection(key, value string) error {
	switch p.section {
	case sectionMetadata:
		if _, dup := p.m.Metadata.All[key]; dup {
			return fmt.Errorf("metadata key %q repeated", key)
		}
		p.m.Metadata.All[key] = value
		return nil
	case sectionNonMANO:
		return p.nonMANO(key, value)
	}
	if key == "Source" {
		return p.startEntry(value)
	}
	return p.entryKey(key, value)
}

func (p *manifestParser) nonMANO(key, value string) error {
	switch {
	case key == "Source" && p.set == "":
		return errors.New("non-MANO Source outside a set")
	case key == "Source":
		src, err := p.path("Source", value)
		if err != nil {
			return err
		}
		p.m.NonMANOArtifactSets[p.set] = append(p.m.NonMANOArtifactSets[p.set], src)
	case value == "":
		if _, dup := p.m.NonMANOArtifactSets[key]; dup {
			return fmt.Errorf("non-MANO artifact set %q repeated", key)
		}
		p.set = key
		p.m.NonMANOArtifactSets[key] = nil
	default:
		return fmt.Errorf("unexpected key %q in non_mano_artifact_sets", key)
	}
	return nil
}

func (p *manifestParser) startEntry(value string) error {
	if err := p.closeEntry(); err != nil {
		return err
	}
	e := ManifestEntry{Source: value, External: strings.Contains(value, "://")}
	if !e.External {
		src, err := p.path("Source", value)
		if err != nil {
			return err
		}
		e.Source = src
	}
	if p.sources[e.Source] {
		return fmt.Errorf("file %q listed more than once", e.Source)
	}
	p.sources[e.Source] = true
	p.entry, p.section = &e, sectionEntry
	return nil
}

func (p *manifestParser) entryKey(key, value string) error {
	e := p.entry
	var err error
	switch key {
	case "Algorithm":
		alg, ok := parseAlgorithm(value)
		if !ok {
			return fmt.Errorf("unsupported algorithm %q", truncate(value, 40))
		}
		err = setOnce(&e.Algorithm, alg, key)
	case "Hash":
		err = setOnce(&e.Hash, value, key)
	case "Signature":
		err = p.setPath(&e.Signature, key, value)
	case "Certificate":
		err = p.setPath(&e.Certificate, key, value)
	}
	return err // other keys in a Source block are vendor extensions: ignored
}

func (p *manifestParser) setPath(dst *string, key, value string) error {
	clean, err := p.path(key, value)
	if err != nil {
		return err
	}
	return setOnce(dst, clean, key)
}

func setOnce[T ~string](dst *T, v T, key string) error {
	if *dst != "" {
		return fmt.Errorf("key %s repeated in a Source block", key)
	}
	*dst = v
	return nil
}

// path validates a path the manifest refers to.
func (p *manifestParser) path(key, value string) (string, error) {
	clean, err := refPath(value)
	if err != nil {
		return "", wrapError(KindUnsafePath, p.name, fmt.Sprintf("%s %q", key, truncate(value, 80)), err)
	}
	return clean, nil
}

// refPath validates a package-relative path found in TOSCA.meta or the
// manifest, accepting a leading "./".
func refPath(value string) (string, error) {
	clean := strings.TrimPrefix(value, "./")
	if clean == "" || strings.ContainsAny(clean, "\\\x00") || hasDriveLetter(clean) || !fs.ValidPath(clean) || clean == "." {
		return "", errors.New("not a relative path inside the package")
	}
	return clean, nil
}

// closeEntry checks the Source block being read, if any.
func (p *manifestParser) closeEntry() error {
	e := p.entry
	if e == nil {
		return nil
	}
	p.entry = nil
	if e.External && e.Algorithm == "" && e.Hash == "" {
		p.m.Sources = append(p.m.Sources, *e)
		return nil
	}
	if e.Algorithm == "" || e.Hash == "" {
		return fmt.Errorf("entry for %q lacks Algorithm or Hash", e.Source)
	}
	h, ok := normalizeHash(e.Algorithm, e.Hash)
	if !ok {
		return fmt.Errorf("entry for %q: Hash is not a %s digest in hex", e.Source, e.Algorithm)
	}
	e.Hash = h
	p.m.Sources = append(p.m.Sources, *e)
	return nil
}

func (p *manifestParser) finish() error {
	if err := p.closeEntry(); err != nil {
		return wrapError(KindManifest, p.name, "at end of file", err)
	}
	md := &p.m.Metadata
	md.VNFProviderID = md.All[KeyVNFProviderID]
	md.VNFProductName = md.All[KeyVNFProductName]
	md.VNFReleaseDateTime = md.All[KeyVNFReleaseDateTime]
	md.VNFPackageVersion = md.All[KeyVNFPackageVersion]
	md.VNFDID = md.All[KeyVNFDID]
	for _, v := range strings.Split(md.All[KeyCompatibleVersions], ",") {
		if v = strings.TrimSpace(v); v != "" {
			md.CompatibleSpecificationVersions = append(md.CompatibleSpecificationVersions, v)
		}
	}
	return nil
}

// checkVNFMetadata reports the mandatory VNF package metadata keys the
// manifest lacks (SOL 004 clause 4.3.2).
func (m *Manifest) checkVNFMetadata(name string) error {
	var missing []string
	for _, k := range []string{KeyVNFProviderID, KeyVNFProductName, KeyVNFReleaseDateTime, KeyVNFPackageVersion} {
		if m.Metadata.All[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return newError(KindStructure, name, "manifest metadata lacks "+strings.Join(missing, ", "))
	}
	return nil
}
