package nsd_test

import (
	"os"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/nsd"
)

func TestLoadPNFD(t *testing.T) {
	t.Parallel()
	d, err := nsd.LoadPNFD(t.Context(), os.DirFS("testdata/sample_pnf"), "Definitions/pnfd.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "ids", got: [3]string{d.ID, d.InvariantID, d.Name}, want: [3]string{"7e7e7e7e-0000-4000-8000-000000000001", "7e7e7e7e-0000-4000-8000-000000000002", "Edge router"}},
		{name: "location", got: *d.Location, want: nsd.Location{CountryCode: "FR", CivicAddress: map[string]string{"3": "Sophia Antipolis"}, Latitude: "43.6", Longitude: "7.05", Altitude: "120", AltitudeType: "WGS84"}},
		{name: "cps", got: *d.ExtCPs[0], want: nsd.PnfExtCP{ID: "WAN_PORT", LayerProtocols: []string{"ethernet", "ipv4"}, Role: "root"}},
		{name: "cp count", got: len(d.ExtCPs), want: 2},
		{name: "ext links", got: d.ExtVirtualLinks, want: map[string][2]string{"virtual_link": {"WAN_PORT", "external_virtual_link"}}},
		{name: "rule", got: *d.SecurityGroupRules[0], want: nsd.SecurityGroupRule{ID: "allow_bgp", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 179, PortRangeMax: 179, Targets: []string{"WAN_PORT"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

func TestPNFDWithoutPNF(t *testing.T) {
	t.Parallel()
	doc := "tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n  node_templates:\n    n: {type: tosca.nodes.Root}\n"
	if _, err := nsd.LoadPNFD(t.Context(), fstest.MapFS{"p.yaml": {Data: []byte(doc)}}, "p.yaml"); err == nil {
		t.Error("a PNFD without a PNF node loaded")
	}
}
