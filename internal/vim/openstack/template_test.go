package openstack

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

func testSpec() *vim.Spec {
	c := &vim.Compute{VirtualCPUs: 1, MemoryBytes: 64 << 20}
	return &vim.Spec{VNFInstanceID: "inst-1",
		VDUs:         []vim.VDU{{ID: "VDU1", Replicas: 2, Compute: c, Zones: []string{"az-2"}}, {ID: "VDU2", Replicas: 1, Compute: c}},
		VirtualLinks: []vim.VirtualLink{{ID: "vl1"}, {ID: "ext", Network: "net-ext-id"}},
		ConnectionPoints: []vim.ConnectionPoint{{ID: "cp1", VDUs: []string{"VDU1"}, VirtualLink: "vl1"},
			{ID: "cp2", VDUs: []string{"VDU2"}, VirtualLink: "vl1"}, {ID: "extcp", VDUs: []string{"VDU2"}, VirtualLink: "ext", External: true}},
		PlacementRules: []vim.PlacementRule{{ID: "anti", Scope: vim.ScopeNode, VDUs: []string{"VDU1", "VDU2"}}}}
}

func TestBuildStack(t *testing.T) {
	t.Parallel()
	r := resolved{flavors: map[string]string{"VDU1": "f1", "VDU2": "f1"}, images: map[string]string{"VDU1": "i1", "VDU2": "i1"}}
	tests := []struct {
		name     string
		stopped  bool
		replicas int
	}{
		{name: "started", replicas: 2},
		{name: "stopped keeps desired", stopped: true, replicas: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := buildStack(testSpec(), r, tt.stopped)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := buildStack(testSpec(), r, tt.stopped)
			if !reflect.DeepEqual(b, again) {
				t.Error("buildStack is not deterministic")
			}
			if b.params["replicas_VDU1"] != tt.replicas || b.params["desired_VDU1"] != 2 {
				t.Errorf("params %v, want replicas %d, desired 2", b.params, tt.replicas)
			}
			raw, _ := json.Marshal(b.template)
			for _, want := range []string{`"OS::Nova::ServerGroup"`, `"anti-affinity"`, `"net_vl1"`, `"subnet_vl1"`, `"vdu-VDU1.yaml"`} {
				if !strings.Contains(string(raw), want) {
					t.Errorf("template lacks %s: %s", want, raw)
				}
			}
			if strings.Contains(string(raw), `"net_ext"`) {
				t.Error("an external link got a network of its own")
			}
			vdu2 := b.files["vdu-VDU2.yaml"]
			for _, want := range []string{`"net-ext-id"`, `"port_extcp"`, `"port_cp2"`, `"group"`} {
				if !strings.Contains(vdu2, want) {
					t.Errorf("vdu2 template lacks %s: %s", want, vdu2)
				}
			}
			if !strings.Contains(b.files["vdu-VDU1.yaml"], `"availability_zone":"az-2"`) {
				t.Errorf("vdu1 not placed in its zone: %s", b.files["vdu-VDU1.yaml"])
			}
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		kind   error
	}{
		{name: "not found", status: http.StatusNotFound, kind: vim.ErrNotFound},
		{name: "conflict", status: http.StatusConflict, kind: vim.ErrConflict},
		{name: "bad request", status: http.StatusBadRequest, kind: vim.ErrPermanent},
		{name: "forbidden", status: http.StatusForbidden, kind: vim.ErrPermanent},
		{name: "gateway timeout", status: http.StatusGatewayTimeout, kind: vim.ErrTimeout},
		{name: "unavailable", status: http.StatusServiceUnavailable, kind: vim.ErrTransient},
		{name: "too many", status: http.StatusTooManyRequests, kind: vim.ErrTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := classify("op", gophercloud.ErrUnexpectedResponseCode{Actual: tt.status, URL: "http://x"})
			if vim.KindOf(err) != tt.kind {
				t.Errorf("kind %v, want %v", vim.KindOf(err), tt.kind)
			}
			var ce gophercloud.ErrUnexpectedResponseCode
			if errors.As(err, &ce) {
				t.Error("a gophercloud type is reachable through errors.As")
			}
		})
	}
}
