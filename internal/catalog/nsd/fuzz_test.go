package nsd_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/nsd"
	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// FuzzFromTemplate builds the model of arbitrary (valid) templates: it must
// return a model or located errors, never panic.
func FuzzFromTemplate(f *testing.F) {
	data, err := os.ReadFile("testdata/sample_ns/Definitions/sample_nsd.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	limits := tosca.Limits{MaxFileSize: 64 << 10, MaxNodes: 20_000, MaxAliasNodes: 2_000, MaxDepth: 40}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"nsd.yaml": {Data: data}}
		st, err := tosca.Load(t.Context(), fsys, "nsd.yaml", tosca.Options{Limits: limits})
		if err != nil {
			return
		}
		d, err := nsd.FromTemplate(st)
		if (d == nil) == (err == nil) {
			t.Fatalf("model %v with error %v", d != nil, err)
		}
	})
}
