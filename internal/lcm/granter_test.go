package lcm

import (
	"cmp"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Package sources of virtual machine VNFs, relative to this directory.
const (
	vmPkgDir   = "../../testdata/packages/vnf-openstack"
	vmPkgEntry = "Definitions/vnf.yaml"
	vmPkgVNFD  = "6f1d2c3b-4a59-4e8f-9b7a-1c2d3e4f5a60"
	twoFlavour = "two-flavour-vm-vnfd"
)

// addTwoFlavours registers, under twoFlavour, the VM VNF with a second
// flavour "lite": its default flavour without the db VDU and db_vl.
func addTwoFlavours(t testing.TB, b *testBundle) {
	t.Helper()
	p := b.pkgs.add(t, vmPkgDir, vmPkgEntry)
	def := p.VNFD.Flavour("default")
	lite := &vnfd.Flavour{ID: "lite", ScalingAspects: def.ScalingAspects, InstantiationLevels: def.InstantiationLevels,
		DefaultInstantiationLevel: def.DefaultInstantiationLevel, VduCPs: def.VduCPs, ExtCPs: def.ExtCPs}
	for _, v := range def.VDUs {
		if v.ID != "db" {
			lite.VDUs = append(lite.VDUs, v)
		}
	}
	for _, vl := range def.VirtualLinks {
		if vl.ID != "db_vl" {
			lite.VirtualLinks = append(lite.VirtualLinks, vl)
		}
	}
	d := *p.VNFD
	d.ID, d.Flavours = twoFlavour, []*vnfd.Flavour{def, lite}
	b.pkgs.mu.Lock()
	defer b.pkgs.mu.Unlock()
	b.pkgs.pkgs[twoFlavour] = &Package{VNFD: &d, Content: p.Content}
}

// TestGrantRequest: the resources an operation asks for follow from the
// VNFD and the request, and credentials never leave in a grant request.
func TestGrantRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	vnfcs := []VNFCResource{{ID: "w1", VDUID: "web", ResourceID: "pod-1"}, {ID: "w2", VDUID: "web", ResourceID: "pod-2"},
		{ID: "w3", VDUID: "web", ResourceID: "pod-3"}}
	running := &InstantiatedInfo{FlavourID: "default", ScaleStatus: map[string]int{"web_aspect": 2}, VNFCs: vnfcs,
		VIMConnectionID: "edge", VirtualStorages: []VirtualStorageInfo{{ID: "s1", DescID: "data", ResourceID: "pvc-1"}}}
	secretConn := map[string]VIMConnectionInfo{"edge": {ID: "edge", VIMID: "edge", VIMType: "kubernetes",
		AccessInfo: map[string]string{"bearer_token": "t0ken"}}}
	addTwoFlavours(t, b)
	vm := &InstantiatedInfo{FlavourID: "default", ScaleStatus: map[string]int{"web_aspect": 0}, VIMConnectionID: "core",
		VNFCs: []VNFCResource{{ID: "web-a", VDUID: "web", ResourceID: "srv-w"}, {ID: "app-a", VDUID: "app", ResourceID: "srv-a"},
			{ID: "db-a", VDUID: "db", ResourceID: "srv-d"}},
		VirtualLinks: []VirtualLinkInfo{{ID: "web_ext_cp", VLDID: "web_ext_cp", ResourceID: "port-ext"},
			{ID: "db_vl", VLDID: "db_vl", ResourceID: "net-db"}},
		ExtCPs: []ExtCPInfo{{ID: "web_ext_cp", CPDID: "web_ext_cp"}}}
	lite := &InstantiatedInfo{FlavourID: "lite", ScaleStatus: map[string]int{"web_aspect": 0}, VIMConnectionID: "core",
		VNFCs: []VNFCResource{{ID: "web-a", VDUID: "web"}, {ID: "app-a", VDUID: "app"}}}
	extLinks := func(cps ...string) json.RawMessage {
		var ext []map[string]any
		for _, cp := range cps {
			ext = append(ext, map[string]any{"id": "ext-" + cp, "resourceId": "net-new",
				"extCps": []map[string]any{{"cpdId": cp}}})
		}
		raw, _ := json.Marshal(ext)
		return raw
	}
	tests := []struct {
		name string
		op   OpOcc
		inst VNFInstance
		// vnfd is the instance's VNFD; empty: the manifests CNF.
		vnfd string
		// add lists the added computes; addOther the other additions.
		add, addOther []string
		remove        []string
		// update lists the updated resources as ID=resourceID.
		update     []string
		wantErr    bool
		wantLevel  string
		wantVIMIDs []string
	}{
		{name: "instantiate at level_2", inst: VNFInstance{},
			op: OpOcc{Operation: OpInstantiate, Request: Request{Instantiate: &InstantiateRequest{FlavourID: "default",
				InstantiationLevelID: "level_2", VIMConnections: secretConn}}},
			add: []string{"web-0", "web-1", "web-2"}, wantLevel: "level_2", wantVIMIDs: []string{"edge"}},
		{name: "scale out one step", inst: VNFInstance{Instantiated: running, VIMConnections: secretConn},
			op:  OpOcc{Operation: OpScale, Request: Request{Scale: &ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 1}}},
			add: []string{"web-3"}, wantVIMIDs: []string{"edge"}},
		{name: "scale in two steps", inst: VNFInstance{Instantiated: running},
			op:     OpOcc{Operation: OpScale, Request: Request{Scale: &ScaleRequest{Type: ScaleIn, AspectID: "web_aspect", NumberOfSteps: 2}}},
			remove: []string{"w3", "w2"}},
		{name: "scale to level", inst: VNFInstance{Instantiated: running},
			op:     OpOcc{Operation: OpScaleToLevel, Request: Request{ScaleToLevel: &ScaleToLevelRequest{InstantiationLevelID: "level_1"}}},
			remove: []string{"w3", "w2"}},
		{name: "terminate removes everything", inst: VNFInstance{Instantiated: running},
			op:     OpOcc{Operation: OpTerminate, Request: Request{Terminate: &TerminateRequest{Type: Forceful}}},
			remove: []string{"w1", "w2", "w3", "s1"}},
		{name: "scale beyond the aspect", inst: VNFInstance{Instantiated: running},
			op:      OpOcc{Operation: OpScale, Request: Request{Scale: &ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 9}}},
			wantErr: true},
		{name: "operate changes nothing", inst: VNFInstance{Instantiated: running},
			op: OpOcc{Operation: OpOperate}},
		{name: "heal recreates the named vnfc", inst: VNFInstance{Instantiated: running},
			op:  OpOcc{Operation: OpHeal, Request: Request{Heal: &HealRequest{VNFCIDs: []string{"w2"}}}},
			add: []string{"w2-healed"}, remove: []string{"w2"}},
		{name: "heal without names recreates every vnfc", inst: VNFInstance{Instantiated: running},
			op:  OpOcc{Operation: OpHeal, Request: Request{Heal: &HealRequest{}}},
			add: []string{"w1-healed", "w2-healed", "w3-healed"}, remove: []string{"w1", "w2", "w3"}},
		{name: "change flavour drops a vdu and its link", vnfd: twoFlavour, inst: VNFInstance{Instantiated: vm},
			op:     OpOcc{Operation: OpChangeFlavour, Request: Request{ChangeFlavour: &ChangeFlavourRequest{FlavourID: "lite"}}},
			remove: []string{"db-a", "vl-db_vl"}},
		{name: "change flavour grows vdus and adds a link", vnfd: twoFlavour, inst: VNFInstance{Instantiated: lite},
			op: OpOcc{Operation: OpChangeFlavour, Request: Request{ChangeFlavour: &ChangeFlavourRequest{FlavourID: "default",
				InstantiationLevelID: "level_2"}}},
			add: []string{"web-1", "web-2", "db-0"}, addOther: []string{"vl-db_vl"}, wantLevel: "level_2"},
		{name: "change flavour to an unknown one", vnfd: twoFlavour, inst: VNFInstance{Instantiated: vm},
			op:      OpOcc{Operation: OpChangeFlavour, Request: Request{ChangeFlavour: &ChangeFlavourRequest{FlavourID: "huge"}}},
			wantErr: true},
		{name: "change ext conn moves the ports the instance holds", vnfd: vmPkgVNFD, inst: VNFInstance{Instantiated: vm},
			op: OpOcc{Operation: OpChangeExtConn, Request: Request{ChangeExtConn: &ChangeExtConnRequest{
				ExtVirtualLinks: extLinks("web_ext_cp", "db_cp", "nope"), VIMConnections: secretConn}}},
			update: []string{"linkport-web_ext_cp=port-ext"}, wantVIMIDs: []string{"edge"}},
		{name: "change ext conn connecting a new external cp adds its port", vnfd: twoFlavour, inst: VNFInstance{Instantiated: lite},
			op: OpOcc{Operation: OpChangeExtConn, Request: Request{ChangeExtConn: &ChangeExtConnRequest{
				ExtVirtualLinks: extLinks("web_ext_cp")}}},
			addOther: []string{"linkport-web_ext_cp"}},
		{name: "change ext conn with malformed links", vnfd: vmPkgVNFD, inst: VNFInstance{Instantiated: vm},
			op: OpOcc{Operation: OpChangeExtConn, Request: Request{ChangeExtConn: &ChangeExtConnRequest{
				ExtVirtualLinks: json.RawMessage(`{"id":1}`)}}},
			wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.inst.ID, tt.inst.VNFDID, tt.op.ID = "i", cmp.Or(tt.vnfd, manifestsVNFD), "o"
			req, err := b.svc.grantRequest(t.Context(), tt.op, tt.inst)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := ids(req.AddResources, ResourceCompute); !equal(got, tt.add) {
				t.Errorf("add %v, want %v", got, tt.add)
			}
			other := slices.DeleteFunc(slices.Clone(req.AddResources), func(r GrantResource) bool { return r.Type == ResourceCompute })
			if got := ids(other, ""); !equal(got, tt.addOther) {
				t.Errorf("other additions %v, want %v", got, tt.addOther)
			}
			if got := ids(req.RemoveResources, ""); !equal(got, tt.remove) {
				t.Errorf("remove %v, want %v", got, tt.remove)
			}
			var upd []string
			for _, r := range req.UpdateResources {
				upd = append(upd, r.ID+"="+r.ResourceID)
			}
			if !equal(upd, tt.update) {
				t.Errorf("update %v, want %v", upd, tt.update)
			}
			if req.InstantiationLevelID != tt.wantLevel || req.OpOccID != "o" || req.VNFDID != tt.inst.VNFDID {
				t.Errorf("request %+v", req)
			}
			if len(req.VIMConnections) != len(tt.wantVIMIDs) {
				t.Fatalf("vim connections %v", req.VIMConnections)
			}
			for _, c := range req.VIMConnections {
				if c.AccessInfo != nil {
					t.Fatal("a grant request carries credentials")
				}
			}
			if tt.inst.VIMConnections != nil && tt.inst.VIMConnections["edge"].AccessInfo == nil {
				t.Fatal("the instance's credentials were cleared")
			}
		})
	}
}

// ids lists the IDs of rs of type typ ("" for every type).
func ids(rs []GrantResource, typ string) []string {
	var out []string
	for _, r := range rs {
		if typ == "" || r.Type == typ {
			out = append(out, r.ID)
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// assetGranter grants every request and gives, for each VDU whose
// computes it adds, a flavour and an image named after the VDU and the
// operation.
type assetGranter struct{}

func (assetGranter) Grant(_ context.Context, req GrantRequest) (Grant, error) {
	g := Grant{ID: uuid.NewString()}
	for _, r := range req.AddResources {
		if r.Type != ResourceCompute {
			continue
		}
		if g.VIMAssets == nil {
			g.VIMAssets = &VIMAssets{Flavours: map[string]string{}, Images: map[string]string{}}
		}
		g.VIMAssets.Flavours[r.VDUID] = "flv-" + r.VDUID + "@" + string(req.Operation)
		g.VIMAssets.Images[r.VDUID] = "img-" + r.VDUID + "@" + string(req.Operation)
	}
	return g, nil
}

// assetRecorder is a driver that records, for each Deploy, the VIM
// flavour and image of every virtual machine VDU of the spec.
type assetRecorder struct {
	vim.Driver
	mu      sync.Mutex
	deploys []map[string][2]string
}

func (d *assetRecorder) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	got := map[string][2]string{}
	for _, v := range spec.VDUs {
		if v.Compute != nil {
			got[v.ID] = [2]string{v.Compute.VIMFlavourID, v.Compute.VIMImageID}
		}
	}
	d.mu.Lock()
	d.deploys = append(d.deploys, got)
	d.mu.Unlock()
	return d.Driver.Deploy(ctx, h, spec)
}

func (d *assetRecorder) last() map[string][2]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deploys[len(d.deploys)-1]
}

// TestGrantedAssets: the flavours and images a grant gives land in the
// spec the driver deploys; a later grant's are added to them, so a
// flavour change deploys the VDUs it keeps with the instantiation's
// assets and the VDU it adds with its own, and the instance keeps them.
func TestGrantedAssets(t *testing.T) {
	t.Parallel()
	rec := &assetRecorder{}
	b := setupOn(t, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), true, func(o *Options) {
		o.Granter = assetGranter{}
		o.Drivers = DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return rec, nil })
	})
	rec.Driver = b.drv
	addTwoFlavours(t, b)
	inst, err := b.svc.Create(t.Context(), CreateRequest{VNFDID: twoFlavour})
	if err != nil {
		t.Fatal(err)
	}
	op, err := b.svc.Instantiate(t.Context(), inst.ID, InstantiateRequest{FlavourID: "lite"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.wait(t, op.ID); got.State != Completed {
		t.Fatalf("instantiate ended %s: %+v", got.State, got.Error)
	}
	web, app := [2]string{"flv-web@INSTANTIATE", "img-web@INSTANTIATE"}, [2]string{"flv-app@INSTANTIATE", "img-app@INSTANTIATE"}
	if got, want := rec.last(), map[string][2]string{"web": web, "app": app}; !reflect.DeepEqual(got, want) {
		t.Fatalf("instantiate deployed assets %v, want %v", got, want)
	}
	op, err = b.svc.ChangeFlavour(t.Context(), inst.ID, ChangeFlavourRequest{FlavourID: "default"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.wait(t, op.ID); got.State != Completed {
		t.Fatalf("change flavour ended %s: %+v", got.State, got.Error)
	}
	db := [2]string{"flv-db@CHANGE_FLAVOUR", "img-db@CHANGE_FLAVOUR"}
	if got, want := rec.last(), map[string][2]string{"web": web, "app": app, "db": db}; !reflect.DeepEqual(got, want) {
		t.Fatalf("change flavour deployed assets %v, want %v", got, want)
	}
	a := b.instance(t, inst.ID).Instantiated.VIMAssets
	if a == nil || a.Flavours["web"] != web[0] || a.Images["db"] != db[1] || len(a.Flavours) != 3 {
		t.Fatalf("instance keeps assets %+v", a)
	}
}

func TestWithAssets(t *testing.T) {
	t.Parallel()
	a := &VIMAssets{Flavours: map[string]string{"web": "f1", "app": "f2"}}
	b := &VIMAssets{Flavours: map[string]string{"web": "f3"}, Images: map[string]string{"web": "i3"}}
	got := withAssets(a, b)
	want := &VIMAssets{Flavours: map[string]string{"web": "f3", "app": "f2"}, Images: map[string]string{"web": "i3"}}
	if !reflect.DeepEqual(got, want) || a.Flavours["web"] != "f1" {
		t.Fatalf("withAssets = %+v (a now %+v), want %+v", got, a, want)
	}
	if withAssets(nil, &VIMAssets{}) != nil {
		t.Fatal("no assets should be nil")
	}
}
