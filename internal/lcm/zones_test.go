package lcm

import (
	"context"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// zoneGranter grants every added resource, alternating between two zones.
type zoneGranter struct{}

func (zoneGranter) Grant(_ context.Context, req GrantRequest) (Grant, error) {
	g := Grant{ID: uuid.NewString(), Zones: map[string]string{}}
	for i, r := range req.AddResources {
		g.Zones[r.ID] = []string{"zone-a", "zone-b"}[i%2]
	}
	return g, nil
}

// zoneRecorder is a driver that records the zones of each VDU it is asked
// to deploy.
type zoneRecorder struct {
	vim.Driver
	mu    sync.Mutex
	zones []map[string][]string
}

func (d *zoneRecorder) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	z := map[string][]string{}
	for _, v := range spec.VDUs {
		z[v.ID] = v.Zones
	}
	d.mu.Lock()
	d.zones = append(d.zones, z)
	d.mu.Unlock()
	return d.Driver.Deploy(ctx, h, spec)
}

func (d *zoneRecorder) last() map[string][]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.zones[len(d.zones)-1]
}

// TestGrantedZones: the zones a grant places an instantiation's resources
// in confine the VDUs' instances, and a later scale keeps them rather than
// moving the running instances to the zone of the one it adds.
func TestGrantedZones(t *testing.T) {
	t.Parallel()
	rec := &zoneRecorder{}
	b := setupOn(t, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), true, func(o *Options) {
		o.Granter = zoneGranter{}
		o.Drivers = DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return rec, nil })
	})
	rec.Driver = b.drv
	id := b.create(t)
	op, err := b.svc.Instantiate(t.Context(), id, InstantiateRequest{FlavourID: "default", InstantiationLevelID: "level_2",
		AdditionalParams: manifests}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.wait(t, op.ID); got.State != Completed {
		t.Fatalf("instantiate ended %s: %+v", got.State, got.Error)
	}
	want := map[string][]string{"web": {"zone-a", "zone-b"}}
	if got := rec.last(); !reflect.DeepEqual(got, want) {
		t.Errorf("instantiate deployed zones %v, want %v", got, want)
	}
	if got := b.instance(t, id).Instantiated.Zones; !reflect.DeepEqual(got, want) {
		t.Errorf("instance keeps zones %v, want %v", got, want)
	}
	op, err = b.svc.Scale(t.Context(), id, ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.wait(t, op.ID); got.State != Completed {
		t.Fatalf("scale ended %s: %+v", got.State, got.Error)
	}
	if got := rec.last(); !reflect.DeepEqual(got, want) {
		t.Errorf("scale deployed zones %v, want the instantiation's %v", got, want)
	}
}

func TestZonesByVDU(t *testing.T) {
	added := []GrantResource{{ID: "w0", VDUID: "web"}, {ID: "w1", VDUID: "web"}, {ID: "w2", VDUID: "web"},
		{ID: "d0", VDUID: "db"}, {ID: "vl", TemplateID: "net"}}
	zones := map[string]string{"w0": "b", "w1": "a", "w2": "b", "vl": "a"}
	got := zonesByVDU(added, zones)
	want := map[string][]string{"web": {"a", "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("zonesByVDU = %v, want %v", got, want)
	}
	if got := zonesByVDU(added, nil); got != nil {
		t.Errorf("no zones granted: %v, want nil", got)
	}
}
