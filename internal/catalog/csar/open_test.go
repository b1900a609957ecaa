package csar_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

func openPkg(t *testing.T, zipPath string, opts csar.Options) (*csar.Package, string, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store", "pkg")
	p, err := csar.Open(t.Context(), zipPath, dir, opts)
	if err == nil {
		t.Cleanup(func() { p.Close() })
	}
	return p, dir, err
}

func TestOpenVMPackageWithTOSCAMetadata(t *testing.T) {
	t.Parallel()
	b := vmPackage(t)
	zipBytes := b.bytes(t)
	p, dir, err := openPkg(t, writeTemp(t, zipBytes), csar.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	sum := sha256.Sum256(zipBytes)
	if p.Checksum.Algorithm != csar.SHA256 || p.Checksum.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("Checksum = %+v, want SHA-256 of the zip", p.Checksum)
	}
	if p.Size != int64(len(zipBytes)) || p.Dir() != dir {
		t.Errorf("Size, Dir = %d, %q", p.Size, p.Dir())
	}
	if p.EntryDefinitions != "Definitions/vnfd_top.yaml" || p.ManifestPath != "vnf.mf" {
		t.Errorf("EntryDefinitions, ManifestPath = %q, %q", p.EntryDefinitions, p.ManifestPath)
	}
	if p.Meta == nil || p.Meta.CSARVersion != "1.1" || p.Meta.CreatedBy != "Company" || p.Meta.EntryLicenses != "Licenses" {
		t.Errorf("Meta = %+v", p.Meta)
	}
	if got := strings.Join(p.OtherDefinitions, ","); got != "Definitions/vnfd_df_simple.yaml" {
		t.Errorf("OtherDefinitions = %q", got)
	}
	md := p.Manifest.Metadata
	if md.VNFProviderID != "Company" || md.VNFProductName != "Sample VNF" || md.VNFPackageVersion != "1.0" ||
		md.VNFDID != vnfMetadata["vnfd_id"] || strings.Join(md.CompatibleSpecificationVersions, "|") != "2.6.1|2.7.1" {
		t.Errorf("manifest metadata = %+v", md)
	}
	if p.Signature.ManifestSigned || len(p.Warnings) != 0 {
		t.Errorf("Signature = %+v, Warnings = %v", p.Signature, p.Warnings)
	}
	checkFiles(t, p, b)
}

// checkFiles compares the package's files, digests and extracted content
// with what the builder wrote.
func checkFiles(t *testing.T, p *csar.Package, b *pkgBuilder) {
	t.Helper()
	if len(p.Files) != len(b.files) {
		t.Fatalf("%d files, want %d", len(p.Files), len(b.files))
	}
	for _, zf := range b.files {
		f, ok := p.File(zf.name)
		if !ok {
			t.Errorf("file %s missing", zf.name)
			continue
		}
		if f.Size != int64(len(zf.data)) || f.SHA256 != digest("SHA-256", zf.data) {
			t.Errorf("%s: size %d sha256 %s", zf.name, f.Size, f.SHA256)
		}
		got, err := fs.ReadFile(p.FS(), zf.name)
		if err != nil || !bytes.Equal(got, zf.data) {
			t.Errorf("%s: extracted content differs (%v)", zf.name, err)
		}
	}
	img, _ := p.File("Files/images/vm.qcow2")
	if img.Path != "" && img.Digest.Algorithm != csar.SHA512 {
		t.Errorf("image digest = %+v, want the manifest's SHA-512", img.Digest)
	}
}

func TestOpenSingleYAMLPackage(t *testing.T) {
	t.Parallel()
	b := singleYAMLPackage(t)
	p, _, err := openPkg(t, b.write(t), csar.Options{Strict: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if p.Meta != nil || p.EntryDefinitions != "vnfd.yaml" || p.ManifestPath != "vnfd.mf" {
		t.Errorf("Meta, EntryDefinitions, ManifestPath = %v, %q, %q", p.Meta, p.EntryDefinitions, p.ManifestPath)
	}
	want := map[string]string{"template_name": "sample-vnf", "template_author": "Company", "template_version": "1.0"}
	for k, v := range want {
		if p.TemplateMetadata[k] != v {
			t.Errorf("TemplateMetadata[%s] = %q, want %q", k, p.TemplateMetadata[k], v)
		}
	}
	checkFiles(t, p, b)
}

func TestOpenReportsUnlistedFiles(t *testing.T) {
	t.Parallel()
	b := vmPackage(t).add("Files/extra.txt", []byte("not in the manifest"))
	p, _, err := openPkg(t, b.write(t), csar.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Entry != "Files/extra.txt" {
		t.Errorf("Warnings = %v, want one for Files/extra.txt", p.Warnings)
	}
	_, _, err = openPkg(t, b.write(t), csar.Options{Strict: true})
	if csar.KindOf(err) != csar.KindUnlistedFile {
		t.Errorf("strict Open error = %v, want %s", err, csar.KindUnlistedFile)
	}
}

func TestOpenVerifiesTOSCAMetaDigestBlocks(t *testing.T) {
	t.Parallel()
	script := []byte("#!/bin/sh\n")
	meta := "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: Tool\nEntry-Definitions: vnfd.yaml\n\n" +
		"Name: Scripts/a.sh\nContent-Type: text/x-sh\nAlgorithm: SHA-256\nHash: " + digest("SHA-256", script) + "\n"
	build := func(content []byte) string {
		b := &pkgBuilder{}
		b.add("TOSCA-Metadata/TOSCA.meta", []byte(meta)).add("vnfd.yaml", []byte("tosca_definitions_version: tosca_simple_yaml_1_2\n")).add("Scripts/a.sh", content)
		return b.write(t)
	}
	opts := csar.Options{ManifestOptional: true}
	p, _, err := openPkg(t, build(script), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if f, _ := p.File("Scripts/a.sh"); f.Digest.Algorithm != csar.SHA256 {
		t.Errorf("Scripts/a.sh digest = %+v", f.Digest)
	}
	_, _, err = openPkg(t, build([]byte("tampered")), opts)
	if csar.KindOf(err) != csar.KindHashMismatch {
		t.Errorf("tampered Open error = %v, want %s", err, csar.KindHashMismatch)
	}
}

// rawZip writes entries with full control of the headers, for archives
// zip.Writer users would not make on purpose.
func rawZip(t *testing.T, entries ...zfile) string {
	t.Helper()
	b := &pkgBuilder{files: entries}
	for i := range b.files {
		if b.files[i].method == 0 && b.files[i].mode == 0 {
			b.files[i].method = zip.Deflate
		}
	}
	return b.write(t)
}

func TestOpenRejectsHostilePackages(t *testing.T) {
	t.Parallel()
	valid := vmPackage(t).bytes(t)
	zeros := make([]byte, 8<<20)
	tests := []struct {
		name  string
		zip   func(t *testing.T) string
		opts  csar.Options
		kind  csar.Kind
		entry string
	}{
		{
			name: "non-zip bytes",
			zip:  func(t *testing.T) string { return writeTemp(t, []byte("this is not a zip file at all")) },
			kind: csar.KindNotZip,
		},
		{
			name: "empty file",
			zip:  func(t *testing.T) string { return writeTemp(t, nil) },
			kind: csar.KindNotZip,
		},
		{
			name: "truncated zip",
			zip:  func(t *testing.T) string { return writeTemp(t, valid[:len(valid)/2]) },
			kind: csar.KindCorrupt,
		},
		{
			name: "corrupted entry data",
			zip: func(t *testing.T) string {
				bad := bytes.Clone(valid)
				i := bytes.Index(bad, []byte("Files/images/vm.qcow2")) // local header of the stored image
				for j := i + 1000; j < i+1010; j++ {
					bad[j] ^= 0xff
				}
				return writeTemp(t, bad)
			},
			kind: csar.KindCorrupt,
		},
		{
			name:  "path traversal",
			zip:   func(t *testing.T) string { return rawZip(t, zfile{name: "../evil.sh", data: []byte("x")}) },
			kind:  csar.KindUnsafePath,
			entry: "../evil.sh",
		},
		{
			name:  "path traversal inside",
			zip:   func(t *testing.T) string { return rawZip(t, zfile{name: "Files/../../evil.sh", data: []byte("x")}) },
			kind:  csar.KindUnsafePath,
			entry: "Files/../../evil.sh",
		},
		{
			name:  "absolute path",
			zip:   func(t *testing.T) string { return rawZip(t, zfile{name: "/etc/cron.d/evil", data: []byte("x")}) },
			kind:  csar.KindUnsafePath,
			entry: "/etc/cron.d/evil",
		},
		{
			name:  "drive letter",
			zip:   func(t *testing.T) string { return rawZip(t, zfile{name: "C:/evil", data: []byte("x")}) },
			kind:  csar.KindUnsafePath,
			entry: "C:/evil",
		},
		{
			name:  "backslash",
			zip:   func(t *testing.T) string { return rawZip(t, zfile{name: "..\\evil", data: []byte("x")}) },
			kind:  csar.KindUnsafePath,
			entry: "..\\evil",
		},
		{
			name: "name too long",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "Files/" + strings.Repeat("a", 300), data: []byte("x")})
			},
			kind: csar.KindUnsafePath,
		},
		{
			name: "symlink entry",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "Files/link", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777})
			},
			kind:  csar.KindEntryType,
			entry: "Files/link",
		},
		{
			name: "device entry",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "Files/dev", mode: fs.ModeDevice | fs.ModeCharDevice | 0o600})
			},
			kind:  csar.KindEntryType,
			entry: "Files/dev",
		},
		{
			name: "named pipe entry",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "Files/fifo", mode: fs.ModeNamedPipe | 0o600})
			},
			kind:  csar.KindEntryType,
			entry: "Files/fifo",
		},
		{
			name: "duplicate entry",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "vnfd.yaml", data: []byte("a")}, zfile{name: "vnfd.yaml", data: []byte("b")})
			},
			kind:  csar.KindDuplicate,
			entry: "vnfd.yaml",
		},
		{
			name: "case-variant duplicate",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "Files/A.txt", data: []byte("a")}, zfile{name: "files/a.TXT", data: []byte("b")})
			},
			kind:  csar.KindDuplicate,
			entry: "files/a.TXT",
		},
		{
			name: "file collides with directory",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "Files", data: []byte("a")}, zfile{name: "Files/b.txt", data: []byte("b")})
			},
			kind:  csar.KindDuplicate,
			entry: "Files",
		},
		{
			name: "zip bomb",
			zip: func(t *testing.T) string {
				return rawZip(t, zfile{name: "vnfd.yaml", data: []byte("x")}, zfile{name: "Files/bomb.bin", data: zeros})
			},
			kind:  csar.KindBomb,
			entry: "Files/bomb.bin",
		},
		{
			name:  "header understates the inflated size",
			zip:   func(t *testing.T) string { return writeTemp(t, lyingZip(t, zeros[:1<<20], 4096)) },
			opts:  csar.Options{ManifestOptional: true},
			kind:  csar.KindCorrupt,
			entry: "Files/big.bin",
		},
		{
			name: "too many entries",
			zip:  func(t *testing.T) string { return writeTemp(t, valid) },
			opts: csar.Options{MaxEntries: 3},
			kind: csar.KindLimit,
		},
		{
			name:  "huge file",
			zip:   func(t *testing.T) string { return writeTemp(t, valid) },
			opts:  csar.Options{MaxFileSize: 32 << 10},
			kind:  csar.KindLimit,
			entry: "Files/images/vm.qcow2",
		},
		{
			name: "total size",
			zip:  func(t *testing.T) string { return writeTemp(t, valid) },
			opts: csar.Options{MaxTotalSize: 40 << 10},
			kind: csar.KindLimit,
		},
		{
			name: "package size",
			zip:  func(t *testing.T) string { return writeTemp(t, valid) },
			opts: csar.Options{MaxPackageSize: 1024},
			kind: csar.KindLimit,
		},
		{
			name: "encrypted entry",
			zip:  func(t *testing.T) string { return writeTemp(t, encryptedZip(t)) },
			kind: csar.KindEntryType,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, dir, err := openPkg(t, tt.zip(t), tt.opts)
			checkRejected(t, p, dir, err, tt.kind, tt.entry)
		})
	}
}

// checkRejected asserts a typed rejection and that nothing was left on disk.
func checkRejected(t *testing.T, p *csar.Package, dir string, err error, kind csar.Kind, entry string) {
	t.Helper()
	if p != nil || err == nil {
		t.Fatalf("Open succeeded, want %s", kind)
	}
	var ce *csar.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *csar.Error", err, err)
	}
	if ce.Kind != kind {
		t.Errorf("kind = %s, want %s (%v)", ce.Kind, kind, err)
	}
	if entry != "" && ce.Entry != entry {
		t.Errorf("entry = %q, want %q", ce.Entry, entry)
	}
	if ce.Detail == "" || !strings.Contains(err.Error(), string(kind)) {
		t.Errorf("message %q lacks a detail or the kind", err)
	}
	if _, statErr := os.Stat(dir); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("content directory left behind after rejection: %v", statErr)
	}
}

// lyingZip stores data deflated under a header claiming size bytes.
func lyingZip(t *testing.T, data []byte, size uint64) []byte {
	t.Helper()
	var deflated, plain bytes.Buffer
	zw := zip.NewWriter(&plain)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
	w.Write(data)
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := zr.File[0].OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(&deflated, raw)
	var out bytes.Buffer
	zw = zip.NewWriter(&out)
	for _, f := range []struct {
		name string
		h    zip.FileHeader
		data []byte
	}{
		{"vnfd.yaml", zip.FileHeader{Name: "vnfd.yaml", Method: zip.Store, CRC32: 0, CompressedSize64: 0, UncompressedSize64: 0}, nil},
		{"Files/big.bin", zip.FileHeader{Name: "Files/big.bin", Method: zip.Deflate, CRC32: zr.File[0].CRC32, CompressedSize64: uint64(deflated.Len()), UncompressedSize64: size}, deflated.Bytes()},
	} {
		h := f.h
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	zw.Close()
	return out.Bytes()
}

// encryptedZip flags its only entry as encrypted.
func encryptedZip(t *testing.T) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "vnfd.yaml", Method: zip.Store, Flags: 0x1, CompressedSize64: 4, UncompressedSize64: 4})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("abcd"))
	zw.Close()
	return out.Bytes()
}

func TestOpenManifestVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		mutate   func(t *testing.T, b *pkgBuilder)
		warnings []string
		check    func(t *testing.T, p *csar.Package)
	}{
		{
			name: "empty licenses directory",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.remove("Licenses/LICENSE.txt")
				b.files = append(b.files, zfile{name: "Licenses/", method: zip.Store})
				b.setManifest(t, "vnf.mf", map[string]string{imagePath: "SHA-512"}, nil)
			},
			check: func(t *testing.T, p *csar.Package) {
				if info, err := fs.Stat(p.FS(), "Licenses"); err != nil || !info.IsDir() {
					t.Errorf("Licenses directory not extracted: %v", err)
				}
			},
		},
		{
			name: "TOSCA.meta without ETSI-Entry-Manifest uses the root manifest",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.replace(csar.MetaPath, []byte(strings.Replace(string(b.get(csar.MetaPath)), "ETSI-Entry-Manifest: vnf.mf\n", "", 1)))
			},
			warnings: []string{csar.MetaPath},
		},
		{
			name: "external image and non-MANO artifacts",
			mutate: func(t *testing.T, b *pkgBuilder) {
				b.add("Files/onap/onap.yaml", []byte("onap: true\n"))
				b.setManifest(t, "vnf.mf", nil, nil)
				extra := "\nSource: https://images.example.com/vm2.qcow2\n\nnon_mano_artifact_sets:\n  prv.happy-nfv.onap:\n    Source: Files/onap/onap.yaml\n"
				b.replace("vnf.mf", append(b.get("vnf.mf"), extra...))
			},
			check: func(t *testing.T, p *csar.Package) {
				if f, _ := p.File("Files/onap/onap.yaml"); f.NonMANOSet != "prv.happy-nfv.onap" {
					t.Errorf("non-MANO set of Files/onap/onap.yaml = %q", f.NonMANOSet)
				}
				if src := p.Manifest.Sources[len(p.Manifest.Sources)-1]; !src.External {
					t.Errorf("last Source %+v not external", src)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := vmPackage(t)
			tt.mutate(t, b)
			p, _, err := openPkg(t, b.write(t), csar.Options{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			var got []string
			for _, w := range p.Warnings {
				got = append(got, w.Entry)
			}
			if strings.Join(got, ",") != strings.Join(tt.warnings, ",") {
				t.Errorf("warnings = %v, want entries %v", p.Warnings, tt.warnings)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}
