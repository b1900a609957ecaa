package lcm

import (
	"testing"
)

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
	tests := []struct {
		name       string
		op         OpOcc
		inst       VNFInstance
		add        []string
		remove     []string
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.inst.ID, tt.inst.VNFDID, tt.op.ID = "i", manifestsVNFD, "o"
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
			if got := ids(req.RemoveResources, ""); !equal(got, tt.remove) {
				t.Errorf("remove %v, want %v", got, tt.remove)
			}
			if req.InstantiationLevelID != tt.wantLevel || req.OpOccID != "o" || req.VNFDID != manifestsVNFD {
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
