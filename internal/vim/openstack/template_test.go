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
		held     map[string]int
		replicas int
		stopped  int
	}{
		{name: "started", replicas: 2},
		{name: "stopped keeps its group size", held: map[string]int{"VDU1": 3}, replicas: 3, stopped: 1},
		{name: "stopped, vdu new to the stack", held: map[string]int{}, replicas: 0, stopped: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := buildStack(testSpec(), r, tt.held)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := buildStack(testSpec(), r, tt.held)
			if !reflect.DeepEqual(b, again) {
				t.Error("buildStack is not deterministic")
			}
			if b.params["replicas_VDU1"] != tt.replicas || b.params["desired_VDU1"] != 2 || b.params["stopped"] != tt.stopped {
				t.Errorf("params %v, want replicas %d, desired 2, stopped %d", b.params, tt.replicas, tt.stopped)
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

// TestBuildStackSecurityGroups: each CP that rules name gets one security group with those
// rules in Neutron's terms, and its port (and no other) refers to that group.
func TestBuildStackSecurityGroups(t *testing.T) {
	t.Parallel()
	r := resolved{flavors: map[string]string{"VDU1": "f1", "VDU2": "f1"}, images: map[string]string{"VDU1": "i1", "VDU2": "i1"}}
	spec := testSpec()
	spec.SecurityGroupRules = []vim.SecurityGroupRule{
		{ID: "ssh", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 22, PortRangeMax: 22, ConnectionPoints: []string{"extcp", "cp1"}},
		{ID: "all-udp", Direction: "ingress", EtherType: "ipv4", Protocol: "udp", PortRangeMax: 65535, ConnectionPoints: []string{"extcp"}},
		{ID: "ping6", Direction: "egress", EtherType: "ipv6", Protocol: "ipv6_icmp", PortRangeMax: 65535, ConnectionPoints: []string{"extcp"}},
	}
	b, err := buildStack(spec, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := b.template["resources"].(map[string]any)
	sg, ok := res["sg_extcp"].(map[string]any)
	if !ok || sg["type"] != "OS::Neutron::SecurityGroup" {
		t.Fatalf("no security group for extcp: %v", res["sg_extcp"])
	}
	props := sg["properties"].(map[string]any)
	if props["name"] != "vnf-inst-1-extcp" {
		t.Errorf("group named %v", props["name"])
	}
	wantRules := []any{
		map[string]any{"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
		map[string]any{"direction": "ingress", "ethertype": "IPv4", "protocol": "udp"},
		map[string]any{"direction": "egress", "ethertype": "IPv6", "protocol": "ipv6-icmp"},
	}
	if !reflect.DeepEqual(props["rules"], wantRules) {
		t.Errorf("rules %v, want %v", props["rules"], wantRules)
	}
	if rules := res["sg_cp1"].(map[string]any)["properties"].(map[string]any)["rules"]; len(rules.([]any)) != 1 {
		t.Errorf("cp1 rules %v, want ssh only", rules)
	}
	if _, ok := res["sg_cp2"]; ok {
		t.Error("cp2, which no rule names, got a security group")
	}
	passed := res["vdu_VDU2"].(map[string]any)["properties"].(map[string]any)["resource_def"].(map[string]any)["properties"].(map[string]any)
	if !reflect.DeepEqual(passed["sg_extcp"], map[string]any{"get_resource": "sg_extcp"}) {
		t.Errorf("vdu2 group passes %v", passed)
	}
	var nested struct {
		Resources map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(b.files["vdu-VDU2.yaml"]), &nested); err != nil {
		t.Fatal(err)
	}
	if got := nested.Resources["port_extcp"].Properties["security_groups"]; !reflect.DeepEqual(got, []any{map[string]any{"get_param": "sg_extcp"}}) {
		t.Errorf("port_extcp security_groups %v", got)
	}
	if got, ok := nested.Resources["port_cp2"].Properties["security_groups"]; ok {
		t.Errorf("port_cp2 security_groups %v, want none (the project's default)", got)
	}

	for _, bad := range []vim.SecurityGroupRule{
		{ID: "dir", Direction: "sideways", EtherType: "ipv4", Protocol: "tcp", ConnectionPoints: []string{"cp1"}},
		{ID: "proto", Direction: "ingress", EtherType: "ipv4", Protocol: "xnet", ConnectionPoints: []string{"cp1"}},
		{ID: "ports", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 90, PortRangeMax: 80, ConnectionPoints: []string{"cp1"}},
	} {
		spec := testSpec()
		spec.SecurityGroupRules = []vim.SecurityGroupRule{bad}
		if _, err := buildStack(spec, r, nil); !errors.Is(err, vim.ErrPermanent) {
			t.Errorf("rule %s: %v, want ErrPermanent", bad.ID, err)
		}
	}
}

// TestBuildStackZones: one zone is the members' zone; with several, each member takes the
// zone of its index modulo their number (Heat evaluates the yaql; the contract and
// acceptance suites run it).
func TestBuildStackZones(t *testing.T) {
	t.Parallel()
	r := resolved{flavors: map[string]string{"VDU1": "f1", "VDU2": "f1"}, images: map[string]string{"VDU1": "i1", "VDU2": "i1"}}
	spec := testSpec()
	spec.VDUs[0].Zones = []string{"az-1", "az-2", "az-3"}
	b, err := buildStack(spec, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	server := func(file string) map[string]any {
		var nested struct {
			Resources map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"resources"`
		}
		if err := json.Unmarshal([]byte(b.files[file]), &nested); err != nil {
			t.Fatal(err)
		}
		return nested.Resources["server"].Properties
	}
	want := map[string]any{"yaql": map[string]any{
		"expression": "$.data.zones[int($.data.index) mod len($.data.zones)]",
		"data":       map[string]any{"zones": []any{"az-1", "az-2", "az-3"}, "index": map[string]any{"get_param": "index"}},
	}}
	if got := server("vdu-VDU1.yaml")["availability_zone"]; !reflect.DeepEqual(got, want) {
		t.Errorf("vdu1 availability_zone %v, want %v", got, want)
	}
	if got, ok := server("vdu-VDU2.yaml")["availability_zone"]; ok {
		t.Errorf("vdu2, granted no zone, has availability_zone %v", got)
	}
	spec.VDUs[0].Zones = []string{"az-2"}
	if b, err = buildStack(spec, r, nil); err != nil {
		t.Fatal(err)
	}
	if got := server("vdu-VDU1.yaml")["availability_zone"]; got != "az-2" {
		t.Errorf("vdu1 with one zone: availability_zone %v, want az-2", got)
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

// TestBuildStackVolumes: each instance of a VDU with block storage gets, in its nested
// template, a Cinder volume per storage (size rounded up to GiB, from the storage's image
// when it has one), named after its server and attached to it; other VDUs get none, and a
// storage that is not block storage, or unknown, is ErrPermanent.
func TestBuildStackVolumes(t *testing.T) {
	t.Parallel()
	r := resolved{flavors: map[string]string{"VDU1": "f1", "VDU2": "f1"}, images: map[string]string{"VDU1": "i1", "VDU2": "i1"},
		volumeImages: map[string]string{"data": "img-data"}}
	spec := testSpec()
	spec.Storages = []vim.Storage{{ID: "root", Kind: vim.BlockStorage, SizeBytes: 1<<30 + 1, PerVNFC: true},
		{ID: "data", Kind: vim.BlockStorage, SizeBytes: 1 << 20}, {ID: "share", Kind: vim.FileStorage, SizeBytes: 1 << 30}}
	spec.VDUs[0].Storages = []string{"root", "data"}
	b, err := buildStack(spec, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	var nested struct {
		Resources map[string]struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(b.files["vdu-VDU1.yaml"]), &nested); err != nil {
		t.Fatal(err)
	}
	index := map[string]any{"get_param": "index"}
	vnfc := map[string]any{"list_join": []any{"-", []any{"vnf-inst-1", "VDU1", index}}}
	for _, tt := range []struct {
		id    string
		size  float64
		image any
	}{{id: "root", size: 2}, {id: "data", size: 1, image: "img-data"}} {
		vol := nested.Resources["volume_"+tt.id]
		if vol.Type != "OS::Cinder::Volume" {
			t.Fatalf("volume_%s is %q, want OS::Cinder::Volume: %s", tt.id, vol.Type, b.files["vdu-VDU1.yaml"])
		}
		want := map[string]any{
			"name": map[string]any{"list_join": []any{"-", []any{"vnf-inst-1", "VDU1", index, tt.id}}},
			"size": tt.size,
			"metadata": map[string]any{"cadenza_vnf": "inst-1", "cadenza_vdu": "VDU1", "cadenza_storage": tt.id,
				"cadenza_vnfc": vnfc},
		}
		if tt.image != nil {
			want["image"] = tt.image
		}
		if !reflect.DeepEqual(vol.Properties, want) {
			t.Errorf("volume_%s properties\n%v, want\n%v", tt.id, vol.Properties, want)
		}
		att := nested.Resources["attach_"+tt.id]
		wantAtt := map[string]any{"instance_uuid": map[string]any{"get_resource": "server"},
			"volume_id": map[string]any{"get_resource": "volume_" + tt.id}}
		if att.Type != "OS::Cinder::VolumeAttachment" || !reflect.DeepEqual(att.Properties, wantAtt) {
			t.Errorf("attach_%s: %s %v, want an attachment %v", tt.id, att.Type, att.Properties, wantAtt)
		}
	}
	if got := nested.Resources["server"].Properties["name"]; !reflect.DeepEqual(got, vnfc) {
		t.Errorf("server name %v, want %v (the volumes' VNFC)", got, vnfc)
	}
	if strings.Contains(b.files["vdu-VDU2.yaml"], "OS::Cinder") {
		t.Errorf("vdu2, which mounts no storage, got volumes: %s", b.files["vdu-VDU2.yaml"])
	}

	for _, bad := range []string{"share", "missing"} {
		spec := testSpec()
		spec.Storages = []vim.Storage{{ID: "share", Kind: vim.FileStorage, SizeBytes: 1 << 30}}
		spec.VDUs[1].Storages = []string{bad}
		if _, err := buildStack(spec, r, nil); !errors.Is(err, vim.ErrPermanent) || !strings.Contains(err.Error(), bad) {
			t.Errorf("storage %s: %v, want ErrPermanent naming it", bad, err)
		}
	}
}
