package vnfd_test

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// memFS copies a package into memory so the benchmark measures parsing
// and validation, not the disk.
func memFS(b *testing.B, dir string) fstest.MapFS {
	b.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(dir), p)
		out[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkLoad12VDU parses and validates a VNFD of twelve VDUs with its
// imports (a types file and a flavour file, SOL 001 types by URL), then
// builds the typed model.
func BenchmarkLoad12VDU(b *testing.B) {
	fsys := memFS(b, "testdata/vnf_12vdu")
	b.ReportAllocs()
	for b.Loop() {
		d, err := vnfd.Load(b.Context(), fsys, "Definitions/vnfd_top.yaml")
		if err != nil || len(d.Flavours[0].VDUs) != 12 {
			b.Fatalf("load: %v", err)
		}
	}
}

// BenchmarkToscaLoad12VDU is the engine's share: parse and validate only.
func BenchmarkToscaLoad12VDU(b *testing.B) {
	fsys := memFS(b, "testdata/vnf_12vdu")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tosca.Load(b.Context(), fsys, "Definitions/vnfd_top.yaml", tosca.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
