package grant

import (
	"errors"
	"strings"
	"testing"
)

// TestRequestProblems: every operation that changes resources is granted
// with the resource kinds SOL 003 defines, and what is not is named.
func TestRequestProblems(t *testing.T) {
	t.Parallel()
	base := func(op string) Request {
		return Request{VNFInstanceID: "i", VNFLcmOpOccID: "o", VNFDID: "d", Operation: op,
			OpOccHref: "/o", InstanceHref: "/i"}
	}
	with := func(r Request, f func(*Request)) Request { f(&r); return r }
	tests := []struct {
		name    string
		req     Request
		wantErr []string
	}{
		{name: "heal recreates", req: with(base("HEAL"), func(r *Request) {
			r.RemoveResources = []ResourceDefinition{{ID: "c1", Type: Compute, ResourceID: "srv-1"}}
			r.AddResources = []ResourceDefinition{{ID: "c1-healed", Type: Compute}}
		})},
		{name: "change flavour adds and removes", req: with(base("CHANGE_FLAVOUR"), func(r *Request) {
			r.AddResources = []ResourceDefinition{{ID: "web-1", Type: Compute}, {ID: "vl-a", Type: VL}}
			r.RemoveResources = []ResourceDefinition{{ID: "db-a", Type: Compute}, {ID: "vl-b", Type: VL}}
		})},
		{name: "change ext conn updates link ports", req: with(base("CHANGE_EXT_CONN"), func(r *Request) {
			r.UpdateResources = []ResourceDefinition{{ID: "linkport-cp", Type: LinkPort, ResourceID: "port-1"}}
			r.AddResources = []ResourceDefinition{{ID: "linkport-cp2", Type: LinkPort}}
		})},
		{name: "operate with no resources", req: base("OPERATE")},
		{name: "modify info is not granted", req: base("MODIFY_INFO"),
			wantErr: []string{`operation: "MODIFY_INFO" is not an LCM operation that is granted`}},
		{name: "unknown kind, and an id in two lists", req: with(base("HEAL"), func(r *Request) {
			r.RemoveResources = []ResourceDefinition{{ID: "c1", Type: Compute}}
			r.AddResources = []ResourceDefinition{{ID: "c1", Type: "PORT"}}
		}), wantErr: []string{`addResources[0].type: "PORT" is not one of`, `removeResources[0].id: "c1" is used twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.req.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err %v, want ErrInvalid", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %v, want %q", err, w)
				}
			}
		})
	}
}
