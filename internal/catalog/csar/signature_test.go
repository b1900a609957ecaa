package csar_test

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

// withMetaKey appends a key to block 0 of TOSCA.meta.
func withMetaKey(b *pkgBuilder, line string) {
	b.replace(csar.MetaPath, append(b.get(csar.MetaPath), line+"\n"...))
}

const (
	imagePath = "Files/images/vm.qcow2"
	imageSig  = "Files/images/vm.qcow2.sig.cms"
	imageCert = "Files/images/signer.cert"
)

// signImage gives the image its own detached signature by p and rewrites
// the manifest to reference it.
func signImage(t *testing.T, b *pkgBuilder, p *pki, content []byte) {
	t.Helper()
	signImageWith(t, b, p, content, signStyle{})
}

func signImageWith(t *testing.T, b *pkgBuilder, p *pki, content []byte, style signStyle) {
	t.Helper()
	sig := pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: p.signWith(t, content, style)})
	b.add(imageSig, sig).add(imageCert, certPEM(p.leaf))
	b.setManifest(t, "vnf.mf", map[string]string{imagePath: "SHA-512"},
		manifestExtra{imagePath: {"Signature: " + imageSig, "Certificate: " + imageCert}})
}

func TestOpenSignedPackages(t *testing.T) {
	t.Parallel()
	trusted := newPKI(t, "Trusted")
	tests := []struct {
		name      string
		build     func(t *testing.T, roots *x509.CertPool) *pkgBuilder
		signer    string
		artifacts []string
	}{
		{
			name: "manifest signed, certificate in the CMS",
			build: func(t *testing.T, _ *x509.CertPool) *pkgBuilder {
				b := vmPackage(t)
				b.signManifest(t, "vnf.mf", trusted, false)
				return b
			},
			signer: "Trusted package signer",
		},
		{
			name: "manifest signed, chain in ETSI-Entry-Certificate",
			build: func(t *testing.T, roots *x509.CertPool) *pkgBuilder {
				p := newPKI(t, "Chained")
				roots.AddCert(p.ca)
				inter := p.intermediate(t)
				b := vmPackage(t)
				b.add("Files/Certificates/package.cert", certPEM(p.leaf, inter))
				withMetaKey(b, "ETSI-Entry-Certificate: Files/Certificates/package.cert")
				b.setManifest(t, "vnf.mf", map[string]string{imagePath: "SHA-512"}, nil)
				b.signManifest(t, "vnf.mf", p, true)
				return b
			},
			signer: "intermediate-issued signer",
		},
		{
			name: "manifest and image signed",
			build: func(t *testing.T, _ *x509.CertPool) *pkgBuilder {
				b := vmPackage(t)
				signImage(t, b, trusted, b.get(imagePath))
				b.signManifest(t, "vnf.mf", trusted, false)
				return b
			},
			signer:    "Trusted package signer",
			artifacts: []string{imagePath},
		},
		{
			name: "image signature embeds the image",
			build: func(t *testing.T, _ *x509.CertPool) *pkgBuilder {
				b := vmPackage(t)
				signImageWith(t, b, trusted, b.get(imagePath), signStyle{embed: true})
				b.signManifest(t, "vnf.mf", trusted, false)
				return b
			},
			signer:    "Trusted package signer",
			artifacts: []string{imagePath},
		},
		{
			name: "image signed without signed attributes",
			build: func(t *testing.T, _ *x509.CertPool) *pkgBuilder {
				b := vmPackage(t)
				signImageWith(t, b, trusted, b.get(imagePath), signStyle{noAttrs: true})
				b.signManifest(t, "vnf.mf", trusted, false)
				return b
			},
			signer:    "Trusted package signer",
			artifacts: []string{imagePath},
		},
		{
			name: "single YAML package signed, certificate beside the manifest",
			build: func(t *testing.T, _ *x509.CertPool) *pkgBuilder {
				b := singleYAMLPackage(t)
				b.add("vnfd.cert", certPEM(trusted.leaf))
				b.setManifest(t, "vnfd.mf", nil, nil)
				b.signManifest(t, "vnfd.mf", trusted, true)
				return b
			},
			signer: "Trusted package signer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			roots := trusted.roots()
			b := tt.build(t, roots)
			p, _, err := openPkg(t, b.write(t), csar.Options{TrustedRoots: roots, RequireSignature: true, Strict: true})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !p.Signature.ManifestSigned || !strings.Contains(p.Signature.Signer, tt.signer) {
				t.Errorf("Signature = %+v, want signer %q", p.Signature, tt.signer)
			}
			if strings.Join(p.Signature.SignedArtifacts, ",") != strings.Join(tt.artifacts, ",") {
				t.Errorf("SignedArtifacts = %v, want %v", p.Signature.SignedArtifacts, tt.artifacts)
			}
			for _, a := range tt.artifacts {
				if f, _ := p.File(a); !f.Signed {
					t.Errorf("%s not marked signed", a)
				}
			}
		})
	}
}

func TestOpenRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	trusted, rogue := newPKI(t, "Trusted"), newPKI(t, "Rogue")
	tests := []struct {
		name  string
		build func(t *testing.T) *pkgBuilder
		opts  csar.Options
		kind  csar.Kind
		entry string
	}{
		{
			name: "manifest changed after signing",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				b.signManifest(t, "vnf.mf", trusted, false)
				b.replace("vnf.mf", []byte(strings.Replace(string(b.get("vnf.mf")), "vnf_package_version: 1.0", "vnf_package_version: 9.9", 1)))
				return b
			},
			kind:  csar.KindSignature,
			entry: "vnf.mf",
		},
		{
			name: "certificate from an untrusted root",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				b.signManifest(t, "vnf.mf", rogue, false)
				return b
			},
			kind:  csar.KindUntrusted,
			entry: "vnf.mf",
		},
		{
			name: "no trusted root configured",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				b.signManifest(t, "vnf.mf", trusted, false)
				return b
			},
			opts:  csar.Options{TrustedRoots: nil},
			kind:  csar.KindUntrusted,
			entry: "vnf.mf",
		},
		{
			name: "signer certificate nowhere",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				b.signManifest(t, "vnf.mf", trusted, true)
				return b
			},
			kind:  csar.KindSignature,
			entry: "vnf.mf",
		},
		{
			name: "garbage in the CMS block",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				garbage := pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: []byte("\x30\x03\x02\x01\x01garbage")})
				b.replace("vnf.mf", append(b.get("vnf.mf"), garbage...))
				return b
			},
			kind:  csar.KindSignature,
			entry: "vnf.mf",
		},
		{
			name: "image signature over other content",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				signImage(t, b, trusted, []byte("another image"))
				return b
			},
			kind:  csar.KindSignature,
			entry: imageSig,
		},
		{
			name: "image signature embeds other content",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				signImageWith(t, b, trusted, []byte("another image"), signStyle{embed: true})
				return b
			},
			kind:  csar.KindSignature,
			entry: imageSig,
		},
		{
			name: "image signed without attributes over other content",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				signImageWith(t, b, trusted, []byte("another image"), signStyle{noAttrs: true})
				return b
			},
			kind:  csar.KindSignature,
			entry: imageSig,
		},
		{
			name: "image signed by an untrusted root",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				signImage(t, b, rogue, b.get(imagePath))
				return b
			},
			kind:  csar.KindUntrusted,
			entry: imageSig,
		},
		{
			name: "manifest certificate file is not a certificate",
			build: func(t *testing.T) *pkgBuilder {
				b := vmPackage(t)
				b.add("cert.pem", []byte("not a certificate"))
				withMetaKey(b, "ETSI-Entry-Certificate: cert.pem")
				b.setManifest(t, "vnf.mf", map[string]string{imagePath: "SHA-512"}, nil)
				b.signManifest(t, "vnf.mf", trusted, true)
				return b
			},
			kind:  csar.KindSignature,
			entry: "cert.pem",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			if tt.name != "no trusted root configured" {
				opts.TrustedRoots = trusted.roots()
			}
			p, dir, err := openPkg(t, tt.build(t).write(t), opts)
			checkRejected(t, p, dir, err, tt.kind, tt.entry)
		})
	}
}
