package lcm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

func TestPlan(t *testing.T) {
	t.Parallel()
	pkg, err := LoadPackageDir(t.Context(), manifestsCNF, manifestsEntry)
	if err != nil {
		t.Fatal(err)
	}
	fl := pkg.VNFD.Flavour("default")
	tests := []struct {
		name      string
		level     string
		params    map[string]any
		wantErr   error
		replicas  int
		manifests int
	}{
		{name: "default level from manifests", params: manifests, replicas: 1, manifests: 1},
		{name: "level_2", level: "level_2", params: manifests, replicas: 3, manifests: 1},
		{name: "namespace", params: map[string]any{ParamNamespace: "ns1"}, replicas: 1},
		{name: "unknown level", level: "level_9", wantErr: ErrInvalid},
		{name: "manifests not a list", params: map[string]any{ParamManifests: "x.yaml"}, wantErr: ErrInvalid},
		{name: "manifest outside the package", params: map[string]any{ParamManifests: []any{"../x.yaml"}}, wantErr: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			levels, err := InitialLevels(fl, tt.level)
			var spec *vim.Spec
			if err == nil {
				spec, err = Plan(PlanInput{VNFInstanceID: "i1", Flavour: fl, Levels: levels, Package: pkg.Content, AdditionalParams: tt.params})
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(spec.VDUs) != 1 || spec.VDUs[0].Replicas != tt.replicas || spec.VDUs[0].Name != "web" {
				t.Fatalf("VDUs %+v, want web with %d replicas", spec.VDUs, tt.replicas)
			}
			if got := spec.VDUs[0].Containers; len(got) != 1 || got[0].Image != "registry.example.com/nginx:1.25" || got[0].Requests.MilliCPU != 100 {
				t.Errorf("containers %+v", got)
			}
			if n := 0; spec.Artifacts != nil {
				n = len(spec.Artifacts.Manifests)
				if n != tt.manifests {
					t.Errorf("%d manifests, want %d", n, tt.manifests)
				}
			} else if tt.manifests > 0 {
				t.Error("no artifacts")
			}
			if ns, _ := tt.params[ParamNamespace].(string); spec.Namespace != ns {
				t.Errorf("namespace %q, want %q", spec.Namespace, ns)
			}
		})
	}
}

func TestGracePeriod(t *testing.T) {
	t.Parallel()
	// Each case's start time is taken when the case runs: parallel tests
	// may wait for a free slot longer than the 60 s timeout.
	tests := []struct {
		name  string
		age   time.Duration // how long ago the operation started
		req   Request
		waits bool
	}{
		{"forceful terminate", 0, Request{Terminate: &TerminateRequest{Type: Forceful, GracefulTimeout: 60}}, false},
		{"graceful terminate", 0, Request{Terminate: &TerminateRequest{Type: Graceful, GracefulTimeout: 60}}, true},
		{"graceful terminate already waited", time.Hour, Request{Terminate: &TerminateRequest{Type: Graceful, GracefulTimeout: 60}}, false},
		{"graceful stop", 0, Request{Operate: &OperateRequest{ChangeStateTo: Stopped, StopType: Graceful, GracefulTimeout: 60}}, true},
		{"start", 0, Request{Operate: &OperateRequest{ChangeStateTo: Started, StopType: Graceful, GracefulTimeout: 60}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			cancel() // a wait returns the context's error at once
			op := OpOcc{StartTime: time.Now().Add(-tt.age), Request: tt.req}
			err := gracePeriod(ctx, &op)
			if waited := err != nil; waited != tt.waits {
				t.Fatalf("waited %v, want %v", waited, tt.waits)
			}
		})
	}
}

// TestPlanGrantedAssets: the grant's flavour and image reach a VDU's compute, and an image
// granted for a storage (keyed by its id) reaches that storage; what the grant names not,
// stays empty.
func TestPlanGrantedAssets(t *testing.T) {
	t.Parallel()
	img := &vnfd.SwImage{Name: "data", DiskFormat: "qcow2", ContainerFormat: "bare"}
	fl := &vnfd.Flavour{ID: "df",
		VDUs: []*vnfd.VDU{
			{ID: "vm", Kind: vnfd.VDUCompute, InitialInstances: 1, VirtualCompute: &vnfd.VirtualCompute{NumVirtualCPU: 1}, SwImage: img, Storages: []string{"data", "scratch"}},
		},
		Storages: []*vnfd.VirtualStorage{
			{ID: "data", Kind: vnfd.BlockStorage, SizeBytes: 1 << 30, SwImage: img},
			{ID: "scratch", Kind: vnfd.BlockStorage, SizeBytes: 1 << 30},
		}}
	assets := &VIMAssets{Flavours: map[string]string{"vm": "flv-1"}, Images: map[string]string{"vm": "img-vm", "data": "img-data"}}
	spec, err := Plan(PlanInput{VNFInstanceID: "i1", Flavour: fl, VIMAssets: assets})
	if err != nil {
		t.Fatal(err)
	}
	if c := spec.VDUs[0].Compute; c == nil || c.VIMFlavourID != "flv-1" || c.VIMImageID != "img-vm" {
		t.Errorf("compute %+v, want flavour flv-1 and image img-vm", c)
	}
	got := map[string]string{}
	for _, s := range spec.Storages {
		got[s.ID] = s.VIMImageID
	}
	if got["data"] != "img-data" || got["scratch"] != "" || len(got) != 2 {
		t.Errorf("storage images %v, want data: img-data and scratch none", got)
	}
}
