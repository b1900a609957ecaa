package lcm

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// TestPlanVirtualMachines plans the VNF of Vdu.Compute VDUs: images from the
// package, virtual links, placement rules and the request's external links.
func TestPlanVirtualMachines(t *testing.T) {
	t.Parallel()
	pkg, err := LoadPackageDir(t.Context(), "../../testdata/packages/vnf-openstack", "Definitions/vnf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fl := pkg.VNFD.Flavour("default")
	levels, err := InitialLevels(fl, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ext     string
		wantErr error
		extNet  string
	}{
		{name: "no external link"},
		{name: "external link", ext: `[{"id":"ext1","resourceId":"net-1","extCps":[{"cpdId":"web_ext_cp"}]}]`, extNet: "net-1"},
		{name: "external link without network", ext: `[{"id":"ext1"}]`, wantErr: ErrInvalid},
		{name: "garbage", ext: `{`, wantErr: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec, err := Plan(PlanInput{VNFInstanceID: "i1", Flavour: fl, Levels: levels, Package: pkg.Content,
				ExtVirtualLinks: json.RawMessage(tt.ext)})
			if tt.wantErr != nil || err != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if len(spec.VDUs) != 3 || spec.Package == nil {
				t.Fatalf("spec %+v: want three VDUs and the package", spec)
			}
			web := spec.VDU("web").Compute
			if web == nil || web.ImageFile != "Files/images/tiny.img" || web.DiskFormat != "raw" || web.MemoryBytes != 64<<20 || web.DiskBytes != 1<<30 {
				t.Errorf("web compute %+v", web)
			}
			if len(spec.PlacementRules) != 1 || spec.PlacementRules[0].Affinity || spec.PlacementRules[0].Scope != vim.ScopeNode {
				t.Errorf("placement rules %+v, want one node anti-affinity rule", spec.PlacementRules)
			}
			links := map[string]vim.VirtualLink{}
			for _, l := range spec.VirtualLinks {
				links[l.ID] = l
			}
			if links["internal_vl"].CIDR != "192.168.10.0/24" || links["db_vl"].ID == "" || links["ext1"].Network != tt.extNet {
				t.Errorf("virtual links %+v", spec.VirtualLinks)
			}
			for _, cp := range spec.ConnectionPoints {
				if cp.ID == "web_ext_cp" && (!cp.External || (tt.extNet != "") != (cp.VirtualLink == "ext1")) {
					t.Errorf("external cp %+v", cp)
				}
				if cp.ID == "db_cp" && cp.VirtualLink != "db_vl" {
					t.Errorf("db cp %+v", cp)
				}
			}
		})
	}
}
