package csar_test

import (
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

func TestOpenRejectsInconsistentPackages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(t *testing.T, b *pkgBuilder)
		opts   csar.Options
		kind   csar.Kind
		entry  string
	}{
		{
			name:   "hash mismatch",
			mutate: func(t *testing.T, b *pkgBuilder) { b.replace("Scripts/install.sh", []byte("#!/bin/sh\nrm -rf /\n")) },
			kind:   csar.KindHashMismatch,
			entry:  "Scripts/install.sh",
		},
		{
			name: "hash mismatch with SHA-512",
			mutate: func(t *testing.T, b *pkgBuilder) {
				img := b.get("Files/images/vm.qcow2")
				img[0] ^= 1
			},
			kind:  csar.KindHashMismatch,
			entry: "Files/images/vm.qcow2",
		},
		{
			name:   "listed file missing",
			mutate: func(t *testing.T, b *pkgBuilder) { b.remove("Scripts/install.sh") },
			kind:   csar.KindMissingFile,
			entry:  "Scripts/install.sh",
		},
		{
			name:   "manifest missing",
			mutate: func(t *testing.T, b *pkgBuilder) { b.remove("vnf.mf") },
			kind:   csar.KindStructure,
			entry:  csar.MetaPath,
		},
		{
			name:   "entry definitions missing",
			mutate: func(t *testing.T, b *pkgBuilder) { b.remove("Definitions/vnfd_top.yaml") },
			kind:   csar.KindStructure,
			entry:  csar.MetaPath,
		},
		{
			name:   "licenses missing",
			mutate: func(t *testing.T, b *pkgBuilder) { b.remove("Licenses/LICENSE.txt") },
			kind:   csar.KindStructure,
			entry:  csar.MetaPath,
		},
		{
			name: "TOSCA.meta lacks Entry-Definitions",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.replace(csar.MetaPath, []byte("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: x\n"))
			},
			kind:  csar.KindStructure,
			entry: csar.MetaPath,
		},
		{
			name: "TOSCA.meta escapes the package",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.replace(csar.MetaPath, []byte("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: x\nEntry-Definitions: ../../etc/passwd\n"))
			},
			kind:  csar.KindUnsafePath,
			entry: csar.MetaPath,
		},
		{
			name:   "TOSCA.meta unparsable",
			mutate: func(t *testing.T, b *pkgBuilder) { b.replace(csar.MetaPath, []byte("just some words\n")) },
			kind:   csar.KindManifest,
			entry:  csar.MetaPath,
		},
		{
			name: "manifest metadata incomplete",
			mutate: func(t *testing.T, b *pkgBuilder) {
				mf := strings.Replace(string(b.get("vnf.mf")), "  vnf_provider_id: Company\n", "", 1)
				b.replace("vnf.mf", []byte(mf))
			},
			kind:  csar.KindStructure,
			entry: "vnf.mf",
		},
		{
			name: "manifest Source escapes the package",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.replace("vnf.mf", append(b.get("vnf.mf"), "\nSource: ../x\nAlgorithm: SHA-256\nHash: "+digest("SHA-256", nil)+"\n"...))
			},
			kind:  csar.KindUnsafePath,
			entry: "vnf.mf",
		},
		{
			name: "manifest with unsupported algorithm",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.replace("vnf.mf", []byte(strings.Replace(string(b.get("vnf.mf")), "SHA-256", "MD5", 1)))
			},
			kind:  csar.KindManifest,
			entry: "vnf.mf",
		},
		{
			name: "non-MANO artifact missing",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.replace("vnf.mf", append(b.get("vnf.mf"), "\nnon_mano_artifact_sets:\n  prv.onap:\n    Source: Files/onap/missing.yaml\n"...))
			},
			kind:  csar.KindMissingFile,
			entry: "Files/onap/missing.yaml",
		},
		{
			name:   "unsigned package refused by policy",
			mutate: func(t *testing.T, b *pkgBuilder) {},
			opts:   csar.Options{RequireSignature: true},
			kind:   csar.KindUnsigned,
			entry:  "vnf.mf",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := vmPackage(t)
			tt.mutate(t, b)
			p, dir, err := openPkg(t, b.write(t), tt.opts)
			checkRejected(t, p, dir, err, tt.kind, tt.entry)
		})
	}
}

func TestOpenRejectsWithoutTOSCAMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(b *pkgBuilder)
		kind   csar.Kind
	}{
		{name: "no root YAML", mutate: func(b *pkgBuilder) { b.remove("vnfd.yaml") }, kind: csar.KindStructure},
		{name: "two root YAMLs", mutate: func(b *pkgBuilder) { b.add("other.yml", []byte("a: b\n")) }, kind: csar.KindStructure},
		{name: "no same-named manifest", mutate: func(b *pkgBuilder) { b.remove("vnfd.mf") }, kind: csar.KindStructure},
		{name: "root YAML unparsable", mutate: func(b *pkgBuilder) {
			b.replace("vnfd.yaml", []byte("metadata: [unclosed\n"))
			b.setManifest(t, "vnfd.mf", nil, nil)
		}, kind: csar.KindManifest},
		{name: "YAML bomb in the root YAML", mutate: func(b *pkgBuilder) {
			b.replace("vnfd.yaml", []byte(yamlBomb))
			b.setManifest(t, "vnfd.mf", nil, nil)
		}, kind: csar.KindManifest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := singleYAMLPackage(t)
			tt.mutate(b)
			p, dir, err := openPkg(t, b.write(t), csar.Options{})
			checkRejected(t, p, dir, err, tt.kind, "")
		})
	}
}

// yamlBomb is the billion laughs attack aimed at the metadata section.
const yamlBomb = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
metadata: {x: *i}
`
