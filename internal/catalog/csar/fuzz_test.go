package csar_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

// FuzzOpen feeds arbitrary bytes to Open as a package file. Whatever the
// input, Open must not panic, must reject with a typed error, and must
// leave nothing behind when it rejects.
func FuzzOpen(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "packages", "*.zip"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed packages in testdata/packages: %v", err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	opts := csar.Options{MaxEntries: 64, MaxFileSize: 1 << 20, MaxTotalSize: 4 << 20, MaxPackageSize: 4 << 20, ManifestOptional: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		zipPath := filepath.Join(t.TempDir(), "in.zip")
		if err := os.WriteFile(zipPath, data, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "out")
		p, err := csar.Open(t.Context(), zipPath, dir, opts)
		if err == nil {
			p.Close()
			return
		}
		if csar.KindOf(err) == "" {
			t.Fatalf("untyped error for package input: %v", err)
		}
		if _, statErr := os.Stat(dir); !errors.Is(statErr, fs.ErrNotExist) {
			t.Fatalf("rejected package left %s behind", dir)
		}
	})
}
