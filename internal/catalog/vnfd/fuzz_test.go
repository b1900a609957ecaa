package vnfd_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// FuzzFromTemplate builds the model of arbitrary (valid) templates: it must
// return a model or located errors, never panic.
func FuzzFromTemplate(f *testing.F) {
	for _, p := range []string{"testdata/sample_cnf/Definitions/cnf.yaml", "testdata/sample_vnf/Definitions/sample_df_scalable.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	types, err := os.ReadFile("testdata/sample_vnf/Definitions/sample_vnfd_types.yaml")
	if err != nil {
		f.Fatal(err)
	}
	limits := tosca.Limits{MaxFileSize: 64 << 10, MaxNodes: 20_000, MaxAliasNodes: 2_000, MaxDepth: 40}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"Definitions/vnfd.yaml": {Data: data}, "Definitions/sample_vnfd_types.yaml": {Data: types}}
		st, err := tosca.Load(t.Context(), fsys, "Definitions/vnfd.yaml", tosca.Options{Limits: limits})
		if err != nil {
			return
		}
		d, err := vnfd.FromTemplate(st)
		if (d == nil) == (err == nil) {
			t.Fatalf("model %v with error %v", d != nil, err)
		}
	})
}
