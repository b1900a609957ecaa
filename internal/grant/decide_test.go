package grant

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

func computes(ids ...string) []ResourceDefinition {
	var out []ResourceDefinition
	for _, id := range ids {
		out = append(out, ResourceDefinition{ID: id, Type: Compute})
	}
	return out
}

func TestZonesFor(t *testing.T) {
	t.Parallel()
	zones := []string{"a", "b"}
	tests := []struct {
		name    string
		req     Request
		zones   []string
		want    map[string]string
		wantErr string
	}{
		{name: "no zones", req: Request{AddResources: computes("x")}, want: map[string]string{}},
		{name: "first zone", req: Request{AddResources: computes("x", "y")}, zones: zones,
			want: map[string]string{"x": "a", "y": "a"}},
		{name: "anti-affinity spreads", zones: zones, req: Request{AddResources: computes("x", "y"),
			PlacementConstraints: []PlacementConstraint{{AffinityOrAntiAffinity: "ANTI_AFFINITY", Scope: "ZONE", ResourceIDs: []string{"x", "y"}}}},
			want: map[string]string{"x": "a", "y": "b"}},
		{name: "anti-affinity beyond the zones", zones: zones, req: Request{AddResources: computes("x", "y", "z"),
			PlacementConstraints: []PlacementConstraint{{AffinityOrAntiAffinity: "ANTI_AFFINITY", Scope: "ZONE", ResourceIDs: []string{"x", "y", "z"}}}},
			wantErr: "anti-affinity of 3 resources across zones, but the VIM has 2 zones"},
		{name: "best effort wraps around", zones: zones, req: Request{AddResources: computes("x", "y", "z"),
			PlacementConstraints: []PlacementConstraint{{AffinityOrAntiAffinity: "ANTI_AFFINITY", Scope: "ZONE", FallbackBestEffort: true, ResourceIDs: []string{"x", "y", "z"}}}},
			want: map[string]string{"x": "a", "y": "b", "z": "a"}},
		{name: "affinity follows the first", zones: zones, req: Request{AddResources: computes("x", "y", "z"),
			PlacementConstraints: []PlacementConstraint{
				{AffinityOrAntiAffinity: "ANTI_AFFINITY", Scope: "ZONE", ResourceIDs: []string{"x", "y"}},
				{AffinityOrAntiAffinity: "AFFINITY", Scope: "ZONE", ResourceIDs: []string{"y", "z"}}}},
			want: map[string]string{"x": "a", "y": "b", "z": "b"}},
		{name: "other scopes are the VIM's", zones: zones, req: Request{AddResources: computes("x", "y"),
			PlacementConstraints: []PlacementConstraint{{AffinityOrAntiAffinity: "ANTI_AFFINITY", Scope: "NFVI_NODE", ResourceIDs: []string{"x", "y"}}}},
			want: map[string]string{"x": "a", "y": "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := zonesFor(&tt.req, tt.zones)
			if tt.wantErr != "" {
				var rej *RejectedError
				if !errors.As(err, &rej) || !strings.Contains(rej.Reason, tt.wantErr) {
					t.Fatalf("err %v, want rejection %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("zones %v, err %v, want %v", got, err, tt.want)
			}
			for id, z := range tt.want {
				if got[id] != z {
					t.Errorf("%s in %q, want %q", id, got[id], z)
				}
			}
		})
	}
}

func TestQuota(t *testing.T) {
	t.Parallel()
	v := vimreg.VIM{ID: "v", Quota: &vimreg.Quota{Compute: 3, Storage: 1, LinkPort: 1}}
	linkPort := func(id, resourceID string) []ResourceDefinition {
		return []ResourceDefinition{{ID: id, Type: LinkPort, ResourceID: resourceID}}
	}
	tests := []struct {
		name    string
		before  Usage
		req     Request
		wantErr []string
	}{
		{name: "within", req: Request{AddResources: computes("a", "b", "c")}},
		{name: "over", before: Usage{Compute: 2}, req: Request{AddResources: computes("a", "b")},
			wantErr: []string{"compute quota of VIM v is 3: 2 in use, the request would make it 4"}},
		{name: "every type over is named", before: Usage{Compute: 3, Storage: 1},
			req:     Request{AddResources: append(computes("a"), ResourceDefinition{ID: "s", Type: Storage})},
			wantErr: []string{"compute quota", "storage quota"}},
		{name: "removal frees", before: Usage{Compute: 3},
			req: Request{AddResources: computes("a"), RemoveResources: computes("old")}},
		{name: "already over, shrinking is allowed", before: Usage{Compute: 5},
			req: Request{RemoveResources: computes("old")}},
		{name: "heal recreating at full quota", before: Usage{Compute: 3},
			req: Request{Operation: "HEAL", AddResources: computes("c1-healed"), RemoveResources: computes("c1")}},
		{name: "updates are not charged", before: Usage{LinkPort: 1},
			req: Request{Operation: "CHANGE_EXT_CONN", UpdateResources: linkPort("lp", "port-1")}},
		{name: "a new link port is charged", before: Usage{LinkPort: 1},
			req:     Request{Operation: "CHANGE_EXT_CONN", AddResources: linkPort("lp", "")},
			wantErr: []string{"link port quota of VIM v is 1: 1 in use, the request would make it 2"}},
		{name: "unbounded types", before: Usage{VirtualLink: 100},
			req: Request{AddResources: []ResourceDefinition{{ID: "l", Type: VL}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkQuota(v, tt.before, tt.before.apply(&tt.req))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, w := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err %v, want %q", err, w)
				}
			}
		})
	}
}

func TestPreferredVIM(t *testing.T) {
	t.Parallel()
	known := func(id string) bool { return id == "core" || id == "edge" }
	tests := []struct {
		name             string
		vims             map[string]string
		wantConn, wantID string
	}{
		{name: "none named", vims: nil},
		{name: "unknown only", vims: map[string]string{"c": "elsewhere"}},
		{name: "first known by connection id", vims: map[string]string{"b": "edge", "a": "nowhere", "c": "core"},
			wantConn: "b", wantID: "edge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, id := preferredVIM(&Request{VIMs: tt.vims}, known)
			if conn != tt.wantConn || id != tt.wantID {
				t.Fatalf("got %s/%s, want %s/%s", conn, id, tt.wantConn, tt.wantID)
			}
		})
	}
}

// TestUsageApply: additions are charged, removals credited (never below
// zero), and updates leave the usage as it is.
func TestUsageApply(t *testing.T) {
	t.Parallel()
	before := Usage{Compute: 2, VirtualLink: 1, LinkPort: 1}
	tests := []struct {
		name string
		req  Request
		want Usage
	}{
		{name: "heal", req: Request{AddResources: computes("c-healed"), RemoveResources: computes("c")}, want: before},
		{name: "change flavour", want: Usage{Compute: 3, LinkPort: 1},
			req: Request{AddResources: computes("a", "b"), RemoveResources: append(computes("c"),
				ResourceDefinition{ID: "vl-x", Type: VL}, ResourceDefinition{ID: "vl-y", Type: VL})}},
		{name: "change ext conn", want: Usage{Compute: 2, VirtualLink: 1, LinkPort: 2},
			req: Request{UpdateResources: []ResourceDefinition{{ID: "lp1", Type: LinkPort}},
				AddResources: []ResourceDefinition{{ID: "lp2", Type: LinkPort}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := before.apply(&tt.req); got != tt.want {
				t.Fatalf("usage %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestPlaceAssets: a grant carries the VIM's flavours and images for the
// descriptors of what the request adds or changes, the VNFD's own entries
// before those for every VNFD, and none for what it removes.
func TestPlaceAssets(t *testing.T) {
	t.Parallel()
	req := Request{VNFDID: "d",
		AddResources: []ResourceDefinition{{ID: "web-0", Type: Compute, VDUID: "web", ResourceTemplateID: "web"},
			{ID: "web-0-data", Type: Storage, VDUID: "web", ResourceTemplateID: "data"}},
		UpdateResources: []ResourceDefinition{{ID: "app-0", Type: Compute, VDUID: "app"}},
		RemoveResources: []ResourceDefinition{{ID: "db-0", Type: Compute, VDUID: "db"}}}
	tests := []struct {
		name string
		vim  vimreg.VIM
		want *VIMAssets
	}{
		{name: "the request's descriptors", vim: vimreg.VIM{ID: "v",
			Flavours: map[string]string{"web": "m1", "d/app": "m2", "app": "m-any", "other/web": "mx", "db": "m3"},
			Images:   map[string]string{"web": "img-w", "data": "img-s", "db": "img-d"}},
			want: &VIMAssets{
				ComputeFlavours: []FlavourAsset{{"c", "app", "m2"}, {"c", "web", "m1"}},
				SoftwareImages:  []ImageAsset{{"c", "data", "img-s"}, {"c", "web", "img-w"}}}},
		{name: "a VIM without assets", vim: vimreg.VIM{ID: "v"}},
		{name: "assets of other descriptors only", vim: vimreg.VIM{ID: "v", Flavours: map[string]string{"db": "m3"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := Grant{Request: req, ConnectionID: "c"}
			if err := place(&g, tt.vim); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g.VIMAssets, tt.want) {
				t.Fatalf("assets %+v, want %+v", g.VIMAssets, tt.want)
			}
		})
	}
}
