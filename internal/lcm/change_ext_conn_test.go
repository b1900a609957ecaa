package lcm

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// The VNF of virtual machines, whose VduCp web_ext_cp is an external CP.
const (
	vmVNF      = "../../testdata/packages/vnf-openstack"
	vmVNFEntry = "Definitions/vnf.yaml"
)

// specRecorder is a driver that keeps the last spec it was asked to deploy.
type specRecorder struct {
	vim.Driver
	mu   sync.Mutex
	last *vim.Spec
}

func (d *specRecorder) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	d.mu.Lock()
	d.last = spec
	d.mu.Unlock()
	return d.Driver.Deploy(ctx, h, spec)
}

// externals are the spec's external links (ID to network) and the link of
// each of its external CPs.
func (d *specRecorder) externals() (links, cps map[string]string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	links, cps = map[string]string{}, map[string]string{}
	for _, l := range d.last.VirtualLinks {
		if l.Network != "" {
			links[l.ID] = l.Network
		}
	}
	for _, cp := range d.last.ConnectionPoints {
		if cp.External {
			cps[cp.ID] = cp.VirtualLink
		}
	}
	return links, cps
}

// TestChangeExtConnMergesLinks: the driver is given the instance's external
// links merged with the request's (same id replaced, new id added), the
// external CP follows its link to the new network, and the instance records
// the merged list.
func TestChangeExtConnMergesLinks(t *testing.T) {
	t.Parallel()
	rec := &specRecorder{}
	b := setupOn(t, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), true, func(o *Options) {
		o.Drivers = DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return rec, nil })
	})
	rec.Driver = b.drv
	p := b.pkgs.add(t, vmVNF, vmVNFEntry)
	it, err := b.svc.Create(t.Context(), CreateRequest{VNFDID: p.VNFD.ID})
	if err != nil {
		t.Fatal(err)
	}
	id := it.ID
	b.ends(t, Completed)(b.svc.Instantiate(t.Context(), id, InstantiateRequest{FlavourID: "default",
		ExtVirtualLinks: json.RawMessage(`[{"id":"ext","resourceId":"net-a","extCps":[{"cpdId":"web_ext_cp"}]},
			{"id":"mgmt","resourceId":"net-m","vimConnectionId":"v1"}]`)}, nil))
	links, cps := rec.externals()
	if want := map[string]string{"ext": "net-a", "mgmt": "net-m"}; !reflect.DeepEqual(links, want) {
		t.Fatalf("instantiate deployed external links %v, want %v", links, want)
	}
	if cps["web_ext_cp"] != "ext" {
		t.Fatalf("instantiate put web_ext_cp on %q, want ext", cps["web_ext_cp"])
	}

	deploys := b.drv.Count("Deploy")
	b.ends(t, Completed)(b.svc.ChangeExtConn(t.Context(), id, ChangeExtConnRequest{
		ExtVirtualLinks: json.RawMessage(`[{"id":"ext","resourceId":"net-b","extCps":[{"cpdId":"web_ext_cp"}]},
			{"id":"extra","resourceId":"net-c"}]`)}, nil))
	if b.drv.Count("Deploy") != deploys+1 {
		t.Fatalf("change_ext_conn deployed %d times, want once", b.drv.Count("Deploy")-deploys)
	}
	links, cps = rec.externals()
	if want := map[string]string{"ext": "net-b", "mgmt": "net-m", "extra": "net-c"}; !reflect.DeepEqual(links, want) {
		t.Errorf("change_ext_conn deployed external links %v, want %v", links, want)
	}
	if cps["web_ext_cp"] != "ext" {
		t.Errorf("change_ext_conn put web_ext_cp on %q, want ext", cps["web_ext_cp"])
	}
	var got []map[string]any
	if err := json.Unmarshal(b.instance(t, id).Instantiated.ExtVirtualLinks, &got); err != nil {
		t.Fatal(err)
	}
	var ids, nets []string
	for _, l := range got {
		ids, nets = append(ids, l["id"].(string)), append(nets, l["resourceId"].(string))
	}
	if !reflect.DeepEqual(ids, []string{"ext", "mgmt", "extra"}) || !reflect.DeepEqual(nets, []string{"net-b", "net-m", "net-c"}) {
		t.Errorf("instance records links %v on %v, want [ext mgmt extra] on [net-b net-m net-c]", ids, nets)
	}
	if got[1]["vimConnectionId"] != "v1" {
		t.Errorf("the kept link lost its fields: %v", got[1])
	}

	// A CP the request moves to another link leaves the link it was on.
	b.ends(t, Completed)(b.svc.ChangeExtConn(t.Context(), id, ChangeExtConnRequest{
		ExtVirtualLinks: json.RawMessage(`[{"id":"extra","resourceId":"net-c","extCps":[{"cpdId":"web_ext_cp"}]}]`)}, nil))
	if _, cps = rec.externals(); cps["web_ext_cp"] != "extra" {
		t.Errorf("web_ext_cp on %q, want extra", cps["web_ext_cp"])
	}
	if err := json.Unmarshal(b.instance(t, id).Instantiated.ExtVirtualLinks, &got); err != nil {
		t.Fatal(err)
	}
	if ext := got[0]["extCps"].([]any); got[0]["id"] != "ext" || len(ext) != 0 {
		t.Errorf("link %v still lists the moved CP", got[0])
	}

	// Links without an id are refused before an operation starts.
	_, err = b.svc.ChangeExtConn(t.Context(), id, ChangeExtConnRequest{ExtVirtualLinks: json.RawMessage(`[{"resourceId":"net-d"}]`)}, nil)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("link without id: %v, want ErrInvalid", err)
	}
}

// TestMergeExtLinks covers the merge on its own.
func TestMergeExtLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, cur, req, want string
		err                  error
	}{
		{name: "empty request keeps the links", cur: `[{"id":"a"}]`, req: `[]`, want: `[{"id":"a"}]`},
		{name: "no links yet", cur: ``, req: `[{"id":"a","resourceId":"n"}]`, want: `[{"id":"a","resourceId":"n"}]`},
		{name: "replace and add", cur: `[{"id":"a","resourceId":"n1"},{"id":"b","resourceId":"n2"}]`,
			req:  `[{"id":"c","resourceId":"n3"},{"id":"a","resourceId":"n4"}]`,
			want: `[{"id":"a","resourceId":"n4"},{"id":"b","resourceId":"n2"},{"id":"c","resourceId":"n3"}]`},
		{name: "moved cp", cur: `[{"extCps":[{"cpdId":"x"},{"cpdId":"y"}],"id":"a"}]`, req: `[{"extCps":[{"cpdId":"x"}],"id":"b"}]`,
			want: `[{"extCps":[{"cpdId":"y"}],"id":"a"},{"extCps":[{"cpdId":"x"}],"id":"b"}]`},
		{name: "no id", cur: `[]`, req: `[{"resourceId":"n"}]`, err: ErrInvalid},
		{name: "id twice", cur: `[]`, req: `[{"id":"a"},{"id":"a"}]`, err: ErrInvalid},
		{name: "not a list", cur: `[]`, req: `{"id":"a"}`, err: ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mergeExtLinks(json.RawMessage(tc.cur), json.RawMessage(tc.req))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("got %s (%v), want %s", got, err, tc.want)
			}
		})
	}
}
