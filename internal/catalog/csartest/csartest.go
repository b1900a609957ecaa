// Package csartest builds SOL 004 VNF packages from source directories, for
// tests and for scripts that drive the servers with real packages. A source
// directory is laid out as the package is; the builder adds the manifest
// (every file with its SHA-256), points TOSCA.meta at it, packs each
// directory named NAME.tgz.d into a gzipped tarball NAME.tgz (Helm charts),
// and can sign the manifest with a CMS signature.
package csartest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ManifestName is the manifest the builder writes at the package root.
const ManifestName = "manifest.mf"

// Options shape a built package.
type Options struct {
	// Provider, Product and Version fill the manifest's metadata.
	Provider, Product, Version string
	// Signer, if set, signs the manifest and its certificate chain goes
	// into the package as ETSI-Entry-Certificate.
	Signer *Signer
	// Mutate, if set, may change the files (path to content) before the
	// manifest is computed, e.g. to break a package on purpose.
	Mutate func(files map[string][]byte)
	// AfterManifest, if set, may change the files after the manifest is
	// computed, e.g. to make a hash mismatch.
	AfterManifest func(files map[string][]byte)
}

// Build reads the package source in dir and returns the zip.
func Build(dir string, opts Options) ([]byte, error) {
	files, err := readTree(dir)
	if err != nil {
		return nil, err
	}
	if opts.Mutate != nil {
		opts.Mutate(files)
	}
	if err := addManifest(files, opts); err != nil {
		return nil, err
	}
	if opts.AfterManifest != nil {
		opts.AfterManifest(files)
	}
	return zipFiles(files)
}

// BuildFile is Build writing the zip to out.
func BuildFile(dir, out string, opts Options) error {
	data, err := Build(dir, opts)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// readTree reads every file under dir, packing NAME.tgz.d directories.
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && strings.HasSuffix(d.Name(), ".tgz.d"):
			data, err := tarball(p)
			if err != nil {
				return err
			}
			files[strings.TrimSuffix(rel, ".d")] = data
			return fs.SkipDir
		case d.IsDir():
			return nil
		}
		data, err := os.ReadFile(p)
		files[rel] = data
		return err
	})
	return files, err
}

// tarball packs dir as a gzipped tar whose entries sit under one top
// directory named as dir without .tgz.d (the layout of a Helm chart).
func tarball(dir string) ([]byte, error) {
	top := strings.TrimSuffix(filepath.Base(dir), ".tgz.d")
	if i := strings.LastIndex(top, "-"); i > 0 {
		top = top[:i] // web-0.1.0 -> web, as helm package names it
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		hdr := &tar.Header{Name: path.Join(top, filepath.ToSlash(rel)), Mode: 0o644, Size: int64(len(data))}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func addManifest(files map[string][]byte, opts Options) error {
	meta, ok := files["TOSCA-Metadata/TOSCA.meta"]
	if !ok {
		return fmt.Errorf("source has no TOSCA-Metadata/TOSCA.meta")
	}
	extra := "ETSI-Entry-Manifest: " + ManifestName + "\n"
	if opts.Signer != nil {
		files["Files/Certificates/signer.cert"] = opts.Signer.ChainPEM()
		extra += "ETSI-Entry-Certificate: Files/Certificates/signer.cert\n"
	}
	files["TOSCA-Metadata/TOSCA.meta"] = append(bytes.TrimRight(meta, "\n"), []byte("\n"+extra)...)
	mf := manifest(files, opts)
	if opts.Signer != nil {
		sig, err := opts.Signer.Sign(mf)
		if err != nil {
			return err
		}
		mf = append(mf, pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: sig})...)
	}
	files[ManifestName] = mf
	return nil
}

func manifest(files map[string][]byte, opts Options) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "metadata:\n  vnf_provider_id: %s\n  vnf_product_name: %s\n  vnf_release_date_time: 2026-11-01T10:00:00+00:00\n  vnf_package_version: %s\n  compatible_specification_versions: 2.6.1\n",
		or(opts.Provider, "Cadenza"), or(opts.Product, "Sample"), or(opts.Version, "1.0"))
	for _, name := range sortedNames(files) {
		if name == "TOSCA-Metadata/TOSCA.meta" || name == ManifestName {
			continue
		}
		sum := sha256.Sum256(files[name])
		fmt.Fprintf(&b, "\nSource: %s\nAlgorithm: SHA-256\nHash: %s\n", name, hex.EncodeToString(sum[:]))
	}
	return []byte(b.String())
}

func zipFiles(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedNames(files) {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
