package csar

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/smallstep/pkcs7"
)

// SignatureStatus reports the CMS signatures of a package. Only signatures
// that verified and chained to a trusted root appear here: any other
// signature rejects the package.
type SignatureStatus struct {
	// ManifestSigned is set when the manifest carries a valid signature.
	ManifestSigned bool
	// Signer is the subject of the manifest signer's certificate.
	Signer string
	// SignedArtifacts lists the files whose own detached signature
	// verified, in manifest order.
	SignedArtifacts []string
}

// signedContent is what a detached signature covers: bytes in memory, or a
// file in the content directory that is streamed, never loaded whole.
type signedContent struct {
	data   []byte
	root   *os.Root
	name   string
	sha256 string
	size   int64
}

// verifier checks CMS signed-data against the configured trusted roots.
type verifier struct {
	roots *x509.CertPool
}

// verify checks that sig (DER or PEM CMS signed-data) signs content, with
// the signer certificate taken from the CMS or from extra, and that every
// signer chains to a trusted root. It returns the first signer's
// certificate.
func (v verifier) verify(entry string, sig []byte, extra []*x509.Certificate, content signedContent) (*x509.Certificate, error) {
	p7, err := parseCMS(entry, sig)
	if err != nil {
		return nil, err
	}
	p7.Certificates = append(p7.Certificates, extra...)
	if err := attachContent(entry, p7, content); err != nil {
		return nil, err
	}
	if err := guard(p7.Verify); err != nil {
		return nil, wrapError(KindSignature, entry, "signature does not verify", err)
	}
	return v.checkChains(entry, p7)
}

// guard runs a call into the third-party CMS code, turning a panic into an
// error: its ASN.1 handling sees bytes from outside, and a hostile package
// must not take the server down.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed CMS structure (%v)", r)
		}
	}()
	return f()
}

// parseCMS decodes CMS signed-data.
func parseCMS(entry string, sig []byte) (*pkcs7.PKCS7, error) {
	der := sig
	if block, _ := pem.Decode(sig); block != nil {
		der = block.Bytes
	}
	var p7 *pkcs7.PKCS7
	err := guard(func() (err error) {
		p7, err = pkcs7.Parse(der)
		return err
	})
	if err != nil {
		return nil, wrapError(KindSignature, entry, "malformed CMS signed-data", err)
	}
	if len(p7.Signers) == 0 {
		return nil, newError(KindSignature, entry, "CMS signed-data has no signer")
	}
	return p7, nil
}

// attachContent gives p7 the content its signature covers. Content embedded
// in the CMS must be the signed file itself.
func attachContent(entry string, p7 *pkcs7.PKCS7, c signedContent) error {
	if len(p7.Content) > 0 {
		return checkEmbedded(entry, p7.Content, c)
	}
	if c.root == nil {
		p7.Content = c.data
		return nil
	}
	if !needsWholeContent(p7) {
		p7.Hasher = fileHasher{root: c.root, name: c.name}
		return nil
	}
	if c.size > maxMetaFileSize {
		return newError(KindSignature, entry, fmt.Sprintf("a signature without signed attributes is supported only over files up to %d bytes", maxMetaFileSize))
	}
	data, err := readExtracted(c.root, c.name)
	if err != nil {
		return err
	}
	p7.Content = data
	return nil
}

func checkEmbedded(entry string, embedded []byte, c signedContent) error {
	if c.root == nil && bytes.Equal(embedded, c.data) {
		return nil
	}
	sum := sha256.Sum256(embedded)
	if c.root != nil && hex.EncodeToString(sum[:]) == c.sha256 {
		return nil
	}
	return newError(KindSignature, entry, "content embedded in the signature differs from the signed file")
}

// needsWholeContent reports whether a signer signs the content directly
// rather than signed attributes holding its digest.
func needsWholeContent(p7 *pkcs7.PKCS7) bool {
	for _, s := range p7.Signers {
		if len(s.AuthenticatedAttributes) == 0 {
			return true
		}
	}
	return false
}

// fileHasher lets the CMS library digest an extracted file by streaming it.
type fileHasher struct {
	root *os.Root
	name string
}

// Hash digests the file; the reader the library passes holds no content.
func (h fileHasher) Hash(alg crypto.Hash, _ io.Reader) ([]byte, error) {
	if !alg.Available() {
		return nil, fmt.Errorf("digest algorithm %v is not available", alg)
	}
	f, err := h.root.Open(h.name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", h.name, err)
	}
	defer f.Close()
	d := alg.New()
	if _, err := io.Copy(d, f); err != nil {
		return nil, fmt.Errorf("read %s: %w", h.name, err)
	}
	return d.Sum(nil), nil
}

// checkChains verifies every signer's certificate against the trusted
// roots, with the other certificates as intermediates.
func (v verifier) checkChains(entry string, p7 *pkcs7.PKCS7) (*x509.Certificate, error) {
	if v.roots == nil {
		return nil, newError(KindUntrusted, entry, "package is signed but no trusted root CA is configured")
	}
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		inter.AddCert(c)
	}
	var first *x509.Certificate
	for _, s := range p7.Signers {
		var ee *x509.Certificate
		if ias := s.IssuerAndSerialNumber; ias.SerialNumber != nil {
			ee = findCertificate(p7.Certificates, ias.IssuerName.FullBytes, ias.SerialNumber.Bytes())
		}
		if ee == nil {
			return nil, newError(KindSignature, entry, "no certificate for the signer")
		}
		opts := x509.VerifyOptions{Roots: v.roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
		if _, err := ee.Verify(opts); err != nil {
			return nil, wrapError(KindUntrusted, entry, fmt.Sprintf("signer %q does not chain to a trusted root", ee.Subject), err)
		}
		if first == nil {
			first = ee
		}
	}
	return first, nil
}

func findCertificate(certs []*x509.Certificate, issuer, serial []byte) *x509.Certificate {
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, issuer) && bytes.Equal(c.SerialNumber.Bytes(), serial) {
			return c
		}
	}
	return nil
}

// parseCertificates reads PEM certificates, or DER ones when the data holds
// no PEM block.
func parseCertificates(entry string, data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, wrapError(KindSignature, entry, "certificate cannot be parsed", err)
		}
		certs = append(certs, c)
	}
	if len(certs) > 0 {
		return certs, nil
	}
	certs, err := x509.ParseCertificates(data)
	if err != nil || len(certs) == 0 {
		return nil, wrapError(KindSignature, entry, "file holds no certificate", errors.Join(err))
	}
	return certs, nil
}
