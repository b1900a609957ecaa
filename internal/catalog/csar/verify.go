package csar

import (
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
)

// expectation is a digest a file must have, as listed by the manifest or by
// a TOSCA.meta file block.
type expectation struct {
	path string
	sum  Checksum
	from string // the listing file
}

// expectations gathers the digests to verify and rejects, before anything is
// extracted, files that are listed but absent.
func expectations(a *archive, l *layout, mf *Manifest) ([]expectation, error) {
	var exps []expectation
	if mf != nil {
		for _, e := range mf.Sources {
			if !e.External {
				exps = append(exps, expectation{path: e.Source, sum: Checksum{e.Algorithm, e.Hash}, from: l.manifest})
			}
		}
	}
	metaExps, err := metaExpectations(l.meta)
	if err != nil {
		return nil, err
	}
	exps = append(exps, metaExps...)
	for _, e := range exps {
		if a.byName[e.path] == nil {
			return nil, newError(KindMissingFile, e.path, "listed in "+e.from+" but not in the package")
		}
	}
	return exps, checkReferenced(a, l, mf)
}

// metaExpectations reads the per-file blocks of TOSCA.meta (Name,
// Algorithm, Hash) that tools predating the SOL 004 manifest write.
func metaExpectations(meta *Meta) ([]expectation, error) {
	if meta == nil {
		return nil, nil
	}
	var exps []expectation
	for i, b := range meta.Blocks {
		if b["Hash"] == "" {
			continue
		}
		name, err := refPath(b["Name"])
		if err != nil {
			return nil, wrapError(KindUnsafePath, MetaPath, fmt.Sprintf("block %d: Name %q", i+1, truncate(b["Name"], 80)), err)
		}
		alg, ok := parseAlgorithm(b["Algorithm"])
		if !ok {
			return nil, newError(KindManifest, MetaPath, fmt.Sprintf("block %d: unsupported algorithm %q", i+1, truncate(b["Algorithm"], 40)))
		}
		h, ok := normalizeHash(alg, b["Hash"])
		if !ok {
			return nil, newError(KindManifest, MetaPath, fmt.Sprintf("block %d: Hash is not a %s digest in hex", i+1, alg))
		}
		exps = append(exps, expectation{path: name, sum: Checksum{alg, h}, from: MetaPath})
	}
	return exps, nil
}

// checkReferenced rejects non-MANO artifacts, signatures and certificates
// the manifest names but the package lacks.
func checkReferenced(a *archive, l *layout, mf *Manifest) error {
	if mf == nil {
		return nil
	}
	var refs []string
	for _, set := range mf.NonMANOArtifactSets {
		refs = append(refs, set...)
	}
	for _, e := range mf.Sources {
		refs = append(refs, e.Signature, e.Certificate)
	}
	for _, r := range refs {
		if r != "" && a.byName[r] == nil {
			return newError(KindMissingFile, r, "named in "+l.manifest+" but not in the package")
		}
	}
	return nil
}

// checkDigests compares every listed digest with the one computed on
// extraction.
func (p *Package) checkDigests(exps []expectation, sums map[string]map[Algorithm]string) error {
	for _, e := range exps {
		if got := sums[e.path][e.sum.Algorithm]; got != e.sum.Hash {
			return newError(KindHashMismatch, e.path, fmt.Sprintf("%s digest differs from %s", e.sum.Algorithm, e.from))
		}
		if i := p.fileIndex(e.path); i >= 0 && p.Files[i].Digest.Hash == "" {
			p.Files[i].Digest = e.sum
		}
	}
	return nil
}

// markNonMANO records which non-MANO artifact set lists each file.
func (p *Package) markNonMANO() {
	if p.Manifest == nil {
		return
	}
	for set, paths := range p.Manifest.NonMANOArtifactSets {
		for _, path := range paths {
			if i := p.fileIndex(path); i >= 0 {
				p.Files[i].NonMANOSet = set
			}
		}
	}
}

func (p *Package) fileIndex(path string) int {
	i := sort.Search(len(p.Files), func(i int) bool { return p.Files[i].Path >= path })
	if i < len(p.Files) && p.Files[i].Path == path {
		return i
	}
	return -1
}

// checkUnlisted reports the files no digest covers, except the files that
// hold the digests and signatures themselves.
func (p *Package) checkUnlisted(l *layout, exps []expectation, strict bool) error {
	covered := map[string]bool{MetaPath: true, l.manifest: true, l.certificate: true}
	for _, e := range exps {
		covered[e.path] = true
	}
	if p.Manifest != nil {
		for _, e := range p.Manifest.Sources {
			covered[e.Signature], covered[e.Certificate] = true, true
		}
	}
	var unlisted []string
	for _, f := range p.Files {
		if !covered[f.Path] {
			unlisted = append(unlisted, f.Path)
		}
	}
	if len(unlisted) == 0 {
		return nil
	}
	if strict {
		return newError(KindUnlistedFile, unlisted[0], fmt.Sprintf("%d file(s) have no digest in the manifest: %s", len(unlisted), truncate(strings.Join(unlisted, ", "), 400)))
	}
	for _, u := range unlisted {
		p.Warnings = append(p.Warnings, Warning{Entry: u, Detail: "file has no digest in the manifest"})
	}
	return nil
}

// verifySignatures checks the manifest's CMS signature and every artifact's
// own signature, and applies the unsigned-package policy.
func verifySignatures(p *Package, opts Options) (SignatureStatus, error) {
	var st SignatureStatus
	v := verifier{roots: opts.TrustedRoots}
	pkgCerts, err := p.certificates(p.CertificatePath)
	if err != nil {
		return st, err
	}
	mf := p.Manifest
	if mf == nil || mf.Signature == nil {
		if opts.RequireSignature {
			return st, newError(KindUnsigned, p.ManifestPath, "the manifest carries no CMS signature and the policy requires one")
		}
	} else {
		signer, err := v.verify(p.ManifestPath, mf.Signature, pkgCerts, signedContent{data: mf.SignedContent})
		if err != nil {
			return st, err
		}
		st.ManifestSigned, st.Signer = true, signer.Subject.String()
	}
	if mf == nil {
		return st, nil
	}
	for _, e := range mf.Sources {
		if e.Signature == "" || e.External {
			continue
		}
		if err := p.verifyArtifact(v, e, pkgCerts); err != nil {
			return st, err
		}
		st.SignedArtifacts = append(st.SignedArtifacts, e.Source)
	}
	return st, nil
}

// verifyArtifact checks the detached signature of one listed file.
func (p *Package) verifyArtifact(v verifier, e ManifestEntry, pkgCerts []*x509.Certificate) error {
	certs := pkgCerts
	if e.Certificate != "" {
		var err error
		if certs, err = p.certificates(e.Certificate); err != nil {
			return err
		}
	}
	sig, err := readExtracted(p.root, e.Signature)
	if err != nil {
		return err
	}
	i := p.fileIndex(e.Source)
	if i < 0 {
		return newError(KindMissingFile, e.Source, "signed file is not in the package")
	}
	f := p.Files[i]
	c := signedContent{root: p.root, name: f.Path, sha256: f.SHA256, size: f.Size}
	if _, err := v.verify(e.Signature, sig, certs, c); err != nil {
		return err
	}
	p.Files[i].Signed = true
	return nil
}

// certificates reads a certificate file of the package, none for "".
func (p *Package) certificates(name string) ([]*x509.Certificate, error) {
	if name == "" {
		return nil, nil
	}
	data, err := readExtracted(p.root, name)
	if err != nil {
		return nil, err
	}
	return parseCertificates(name, data)
}
