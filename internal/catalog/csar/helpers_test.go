package csar_test

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"hash"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// zfile is one entry of a zip the tests write.
type zfile struct {
	name   string
	data   []byte
	method uint16
	mode   fs.FileMode
	// sha256 is the digest of data given in advance, for content streamed
	// rather than held in data.
	sha256 string
}

// pkgBuilder assembles a package in memory, then writes it as a zip.
type pkgBuilder struct {
	files []zfile
}

func (b *pkgBuilder) add(name string, data []byte) *pkgBuilder {
	b.files = append(b.files, zfile{name: name, data: data, method: zip.Deflate})
	return b
}

func (b *pkgBuilder) addStored(name string, data []byte) *pkgBuilder {
	b.files = append(b.files, zfile{name: name, data: data, method: zip.Store})
	return b
}

func (b *pkgBuilder) get(name string) []byte {
	for _, f := range b.files {
		if f.name == name {
			return f.data
		}
	}
	return nil
}

func (b *pkgBuilder) replace(name string, data []byte) *pkgBuilder {
	for i := range b.files {
		if b.files[i].name == name {
			b.files[i].data = data
		}
	}
	return b
}

func (b *pkgBuilder) remove(name string) *pkgBuilder {
	var kept []zfile
	for _, f := range b.files {
		if f.name != name {
			kept = append(kept, f)
		}
	}
	b.files = kept
	return b
}

// bytes returns the zip encoding of the package.
func (b *pkgBuilder) bytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range b.files {
		h := &zip.FileHeader{Name: f.name, Method: f.method}
		if f.mode != 0 {
			h.SetMode(f.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatalf("zip header %s: %v", f.name, err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatalf("zip write %s: %v", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("zip close: %v", err)
	}
	return buf.Bytes()
}

// write stores the zip in a temporary file and returns its path.
func (b *pkgBuilder) write(t testing.TB) string {
	t.Helper()
	return writeTemp(t, b.bytes(t))
}

func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pkg.zip")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const vnfdTop = `tosca_definitions_version: tosca_simple_yaml_1_2
description: Sample VM VNF
imports:
  - etsi_nfv_sol001_common_types.yaml
  - etsi_nfv_sol001_vnfd_types.yaml
  - vnfd_df_simple.yaml
topology_template:
  substitution_mappings:
    node_type: company.provider.VNF
`

const vnfdDF = `tosca_definitions_version: tosca_simple_yaml_1_2
topology_template:
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.Vdu.Compute
      artifacts:
        sw_image:
          type: tosca.artifacts.nfv.SwImage
          file: ../Files/images/vm.qcow2
`

var vnfMetadata = map[string]string{
	"vnf_provider_id":                   "Company",
	"vnf_product_name":                  "Sample VNF",
	"vnf_release_date_time":             "2026-11-20T10:00:00+00:00",
	"vnf_package_version":               "1.0",
	"vnfd_id":                           "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177",
	"compatible_specification_versions": "2.6.1,2.7.1",
}

// vmPackage is a VM VNF package with TOSCA-Metadata and an unsigned
// manifest listing every file (the image with SHA-512, the rest SHA-256).
func vmPackage(t testing.TB) *pkgBuilder {
	t.Helper()
	b := &pkgBuilder{}
	b.add("TOSCA-Metadata/TOSCA.meta", []byte(strings.Join([]string{
		"TOSCA-Meta-File-Version: 1.0",
		"CSAR-Version: 1.1",
		"Created-By: Company",
		"Entry-Definitions: Definitions/vnfd_top.yaml",
		"ETSI-Entry-Manifest: vnf.mf",
		"ETSI-Entry-Change-Log: ChangeLog.txt",
		"ETSI-Entry-Licenses: Licenses",
		"Other-Definitions: Definitions/vnfd_df_simple.yaml",
		"",
	}, "\n")))
	b.add("Definitions/vnfd_top.yaml", []byte(vnfdTop))
	b.add("Definitions/vnfd_df_simple.yaml", []byte(vnfdDF))
	b.addStored("Files/images/vm.qcow2", randomBytes(t, 64<<10))
	b.add("Scripts/install.sh", []byte("#!/bin/sh\necho installed\n"))
	b.add("ChangeLog.txt", []byte("1.0: first release\n"))
	b.add("Licenses/LICENSE.txt", []byte("Apache-2.0\n"))
	b.setManifest(t, "vnf.mf", map[string]string{"Files/images/vm.qcow2": "SHA-512"}, nil)
	return b
}

// singleYAMLPackage is a package without TOSCA-Metadata: a root YAML, its
// same-named manifest and an artifact.
func singleYAMLPackage(t testing.TB) *pkgBuilder {
	t.Helper()
	b := &pkgBuilder{}
	b.add("vnfd.yaml", []byte(`tosca_definitions_version: tosca_simple_yaml_1_2
metadata:
  template_name: sample-vnf
  template_author: Company
  template_version: "1.0"
topology_template: {}
`))
	b.add("Artifacts/config.json", []byte(`{"key":"value"}`))
	b.setManifest(t, "vnfd.mf", nil, nil)
	return b
}

// manifestExtra adds lines to a manifest's Source blocks, by path.
type manifestExtra map[string][]string

// setManifest (re)writes the manifest listing every other file, with the
// algorithm of algs (SHA-256 by default) and extra lines per Source.
func (b *pkgBuilder) setManifest(t testing.TB, name string, algs map[string]string, extra manifestExtra) {
	t.Helper()
	b.remove(name)
	b.add(name, b.manifestText(name, algs, extra))
}

func (b *pkgBuilder) manifestText(name string, algs map[string]string, extra manifestExtra) []byte {
	var sb strings.Builder
	sb.WriteString("metadata:\n")
	for _, k := range []string{"vnf_provider_id", "vnf_product_name", "vnf_release_date_time", "vnf_package_version", "vnfd_id", "compatible_specification_versions"} {
		fmt.Fprintf(&sb, "  %s: %s\n", k, vnfMetadata[k])
	}
	for _, f := range b.files {
		if f.name == name || f.name == "TOSCA-Metadata/TOSCA.meta" || strings.HasSuffix(f.name, "/") {
			continue
		}
		alg := algs[f.name]
		if alg == "" {
			alg = "SHA-256"
		}
		sum := f.sha256
		if sum == "" || alg != "SHA-256" {
			sum = digest(alg, f.data)
		}
		fmt.Fprintf(&sb, "\nSource: %s\nAlgorithm: %s\nHash: %s\n", f.name, alg, sum)
		for _, l := range extra[f.name] {
			sb.WriteString(l + "\n")
		}
	}
	return []byte(sb.String())
}

func digest(alg string, data []byte) string {
	var h hash.Hash
	switch alg {
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		h = sha256.New()
	}
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// pki is a CA and a signer certificate issued by it.
type pki struct {
	ca      *x509.Certificate
	caKey   crypto.Signer
	leaf    *x509.Certificate
	leafKey crypto.Signer
}

func (p *pki) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.ca)
	return pool
}

func newPKI(t testing.TB, name string) *pki {
	t.Helper()
	p := &pki{}
	p.ca, p.caKey = newCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: name + " Root CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}, nil, nil)
	p.leaf, p.leafKey = newCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: name + " package signer"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}, p.ca, p.caKey)
	return p
}

// intermediate replaces the signer with one issued by a new intermediate
// CA and returns the intermediate.
func (p *pki) intermediate(t testing.TB) *x509.Certificate {
	t.Helper()
	inter, interKey := newCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Intermediate CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}, p.ca, p.caKey)
	p.leaf, p.leafKey = newCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "intermediate-issued signer"}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, inter, interKey)
	return inter
}

var serial atomic.Int64

func newCert(t testing.TB, tmpl, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano() + serial.Add(1))
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// sign returns a detached CMS signature (DER) of content by p's signer.
func (p *pki) sign(t testing.TB, content []byte) []byte {
	t.Helper()
	return p.signWith(t, content, signStyle{})
}

// signStyle varies how a CMS signature is made.
type signStyle struct {
	embed   bool // keep the content inside the CMS
	noAttrs bool // sign the content itself, without signed attributes
}

func (p *pki) signWith(t testing.TB, content []byte, style signStyle) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if style.noAttrs {
		err = sd.SignWithoutAttr(p.leaf, p.leafKey, pkcs7.SignerInfoConfig{})
	} else {
		err = sd.AddSigner(p.leaf, p.leafKey, pkcs7.SignerInfoConfig{})
	}
	if err != nil {
		t.Fatal(err)
	}
	if !style.embed {
		sd.Detach()
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// signManifest appends a CMS block signing the manifest's current text.
func (b *pkgBuilder) signManifest(t testing.TB, name string, p *pki, stripCerts bool) {
	t.Helper()
	text := b.get(name)
	sig := p.sign(t, text)
	if stripCerts {
		sig = withoutCertificates(t, sig)
	}
	signed := append(append([]byte{}, text...), pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: sig})...)
	b.replace(name, signed)
}

func certPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// withoutCertificates re-encodes CMS signed-data without its certificate
// set, so the verifier must find the signer in the package's certificate.
func withoutCertificates(t testing.TB, der []byte) []byte {
	t.Helper()
	var outer struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue // [0] EXPLICIT signed-data
	}
	if _, err := asn1.Unmarshal(der, &outer); err != nil {
		t.Fatal(err)
	}
	var elems []asn1.RawValue
	if _, err := asn1.Unmarshal(outer.Content.Bytes, &elems); err != nil {
		t.Fatal(err)
	}
	var kept []asn1.RawValue
	for _, e := range elems {
		if !(e.Class == asn1.ClassContextSpecific && e.Tag == 0) {
			kept = append(kept, e)
		}
	}
	inner, err := asn1.Marshal(kept)
	if err != nil {
		t.Fatal(err)
	}
	outer.Content = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}
	out, err := asn1.Marshal(outer)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
