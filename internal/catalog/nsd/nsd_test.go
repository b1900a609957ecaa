package nsd_test

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/nsd"
	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

func TestLoadSampleNS(t *testing.T) {
	t.Parallel()
	d, err := nsd.Load(t.Context(), os.DirFS("testdata/sample_ns"), "Definitions/sample_nsd.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	fw, web := d.VNF("FIREWALL"), d.VNF("WEB")
	if fw == nil || web == nil {
		t.Fatalf("VNFs: %+v", d.VNFs)
	}
	fg := d.VNFFGs[0]
	nfp := d.NFPs[0]
	wan := d.VirtualLink("WAN_VL")
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "ns", got: [5]string{d.ID, d.Designer, d.Name, d.FlavourID, d.NodeType}, want: [5]string{"3c8d2a52-6a4f-4b63-9d0e-2f2c1f1b0a77", "Cadenza", "Sample NS", "default", "cadenza.ns.Sample"}},
		{name: "priority", got: d.Priority, want: 1},
		{name: "vnfd ids", got: [2]string{fw.VNFDID, web.VNFDID}, want: [2]string{"6f3a3d2e-5d1b-4c0e-9a51-7e4e1c2b9a10", "0c6f5e6a-7b2d-4f0b-8d7f-0a1b2c3d4e5f"}},
		{name: "fw profile", got: fw.Profile, want: nsd.VnfProfile{InstantiationLevel: "instantiation_level_1", MinInstances: 1, MaxInstances: 2}},
		{name: "web target scale", got: web.Profile.TargetScaleLevels, want: map[string]int{"web": 0}},
		{name: "fw links", got: fw.VirtualLinks, want: map[string]string{"left": "WAN_VL", "right": "LAN_VL"}},
		{name: "web to level", got: web.ScaleLevels, want: map[string]map[int]int{"web_tier": {0: 1, 1: 2}}},
		{name: "web levels", got: web.InstantiationLevels, want: map[string]int{"small": 1, "large": 2}},
		{name: "fw levels", got: fw.InstantiationLevels, want: map[string]int{"small": 1, "large": 1}},
		{name: "pnf", got: *d.PNFs[0], want: nsd.PNF{ID: "ROUTER", PNFDID: "7e7e7e7e-0000-4000-8000-000000000001", Name: "Edge router", Provider: "Cadenza", Version: "1.0", FunctionDescription: "Edge router", InvariantID: "7e7e7e7e-0000-4000-8000-000000000002", CountryCode: "FR", VirtualLinks: map[string]string{"virtual_link": "WAN_VL"}}},
		{name: "sap", got: *d.SAPs[0], want: nsd.SAP{ID: "SAP_WAN", LayerProtocols: []string{"ipv4"}, InternalVirtualLink: "WAN_VL"}},
		{name: "ext links", got: d.ExtVirtualLinks, want: map[string][2]string{"sap_link": {"SAP_WAN", "external_virtual_link"}}},
		{name: "wan qos", got: [3]any{wan.Latency, wan.PacketDelayVariation, wan.QoSPriority}, want: [3]any{10 * time.Millisecond, time.Millisecond, 1}},
		{name: "wan bitrate", got: wan.MaxBitrate, want: nsd.Bitrate{Root: 1e9}},
		{name: "lan to level", got: d.VirtualLink("LAN_VL").ScaleLevels, want: map[string]map[int]nsd.Bitrate{"web_tier": {0: {Root: 1e8}, 1: {Root: 2e8}}}},
		{name: "lan levels", got: d.VirtualLink("LAN_VL").InstantiationLevels, want: map[string]nsd.Bitrate{"small": {Root: 1e8}, "large": {Root: 2e8}}},
		{name: "aspect", got: *d.ScalingAspect("web_tier"), want: nsd.ScalingAspect{ID: "web_tier", Name: "web_tier", Description: "Scale the web VNF", Levels: map[int]string{0: "one web", 1: "two webs"}}},
		{name: "default level", got: d.DefaultInstantiationLevel, want: "small"},
		{name: "vnffg", got: [2]any{fg.Description, fg.NFPs}, want: [2]any{"Firewall then web", []string{"HTTP_PATH"}}},
		{name: "nfp positions", got: nfp.Positions, want: []string{"POS_FW", "POS_WEB"}},
		{name: "nfp rule", got: [3]any{nfp.Rules[0].Protocol, nfp.Rules[0].DestinationPortRange, nfp.Rules[0].EtherType}, want: [3]any{"tcp", [2]int{80, 443}, "ipv4"}},
		{name: "position", got: *d.Positions[0], want: nsd.NfpPosition{ID: "POS_FW", ForwardingBehaviour: "all", Elements: []string{"FW_IN", "FW_OUT"}}},
		{name: "element", got: d.Elements[0].ProfileElements, want: [][2]string{{"FIREWALL", "left_forwarding"}}},
		{name: "forwarding", got: *d.Forwardings[0], want: nsd.Forwarding{ID: "WAN_FWD", VirtualLink: "WAN_VL"}},
		{name: "anti affinity", got: *d.PlacementRules[0], want: nsd.PlacementRule{ID: "spread", Scope: "zone", Targets: []string{"FIREWALL", "WEB"}}},
		{name: "security", got: *d.SecurityGroupRules[0], want: nsd.SecurityGroupRule{ID: "wan_ssh", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 22, PortRangeMax: 22, Targets: []string{"SAP_WAN"}}},
		{name: "monitoring", got: d.Monitoring[0].Parameters["cpu"].PerformanceMetric, want: "v_cpu_usage_mean_vnf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

func TestNSDInconsistencies(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/sample_ns/Definitions/sample_nsd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		old, new string
		// doc replaces the sample when set.
		doc  string
		path string
	}{
		{name: "mapping of unknown aspect", old: "aspect: web_tier\n          number_of_instances", new: "aspect: db_tier\n          number_of_instances", path: "policies.web_to_level.properties.aspect"},
		{name: "mapping of unknown scale level", old: "            1: 2\n", new: "            7: 2\n", path: "policies.web_to_level.properties.number_of_instances.7"},
		{name: "mapping of unknown instantiation level", old: "            small: 1\n            large: 2\n", new: "            tiny: 1\n            large: 2\n", path: "policies.vnf_levels.properties.number_of_instances.tiny"},
		{name: "unknown default level", old: "default_level: small", new: "default_level: huge", path: "policies.ns_levels.properties.default_level"},
		{name: "VNFFG without NFP", old: "members: [ HTTP_PATH, ", new: "members: [ ", path: "groups.web_chain.members"},
		{name: "no NS node", doc: "tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_nsd_types.yaml\ntopology_template:\n  node_templates:\n    S: {type: tosca.nodes.nfv.Sap, properties: {layer_protocols: [ipv4]}}\n", path: "topology_template.node_templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := tt.doc
			if doc == "" {
				doc = strings.Replace(string(data), tt.old, tt.new, 1)
				if doc == string(data) {
					t.Fatalf("%q not in the sample", tt.old)
				}
			}
			fsys := fstest.MapFS{"nsd.yaml": {Data: []byte(doc)}}
			_, err := nsd.Load(t.Context(), fsys, "nsd.yaml")
			if err == nil {
				t.Fatal("loaded without error")
			}
			for _, e := range tosca.Errors(err) {
				if e.Code == tosca.CodeInconsistent && strings.Contains(e.Path, tt.path) {
					return
				}
			}
			t.Errorf("no problem at %q in:\n%v", tt.path, err)
		})
	}
}
