package vnfd_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// minimal is a one-file VNFD with one VDU; policies are appended.
const minimal = `tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    VNF:
      type: tosca.nodes.nfv.VNF
      properties:
        descriptor_id: d1
        descriptor_version: '1'
        provider: p
        product_name: n
        software_version: '1'
        vnfm_info: ['etsivnfm:v4.4.1']
        flavour_id: f1
        flavour_description: ''
    VDU1:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: vdu1
        description: d
        vdu_profile: {min_number_of_instances: MIN, max_number_of_instances: 2}
      capabilities:
        virtual_compute:
          properties:
            virtual_memory: {virtual_mem_size: 1 GB}
            virtual_cpu: {num_virtual_cpu: 1}
  policies:
    - aspects:
        type: tosca.policies.nfv.ScalingAspects
        properties:
          aspects:
            a1: {name: a1, description: d, max_scale_level: 2, step_deltas: [d1]}
    - levels:
        type: tosca.policies.nfv.InstantiationLevels
        properties:
          levels:
            l1: {description: d, scale_info: {a1: {scale_level: 1}}}
          default_level: l1
`

func TestVNFDInconsistencies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		replace  [2]string
		policies string
		// doc replaces the minimal VNFD when set.
		doc  string
		path string
	}{
		{name: "min above max", replace: [2]string{"MIN", "3"}, path: "vdu_profile"},
		{name: "delta of unknown aspect", policies: "    - d:\n        type: tosca.policies.nfv.VduScalingAspectDeltas\n        properties: {aspect: a9, deltas: {d1: {number_of_instances: 1}}}\n        targets: [VDU1]\n", path: "policies.d.properties.aspect"},
		{name: "delta not a step", policies: "    - d:\n        type: tosca.policies.nfv.VduScalingAspectDeltas\n        properties: {aspect: a1, deltas: {d9: {number_of_instances: 1}}}\n        targets: [VDU1]\n", path: "policies.d.properties.deltas.d9"},
		{name: "unknown level", policies: "    - v:\n        type: tosca.policies.nfv.VduInstantiationLevels\n        properties: {levels: {l9: {number_of_instances: 1}}}\n        targets: [VDU1]\n", path: "policies.v.properties.levels.l9"},
		{name: "scale level above max", replace: [2]string{"scale_level: 1", "scale_level: 5"}, path: "policies.levels.properties.levels.l1.scale_info.a1"},
		{name: "scale info of unknown aspect", replace: [2]string{"scale_info: {a1:", "scale_info: {a7:"}, path: "scale_info.a7"},
		{name: "unknown default level", replace: [2]string{"default_level: l1", "default_level: l5"}, path: "policies.levels.properties.default_level"},
		{name: "no VNF node", doc: "tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n  node_templates:\n    n: {type: tosca.nodes.Root}\n", path: "node_templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := minimal
			if tt.replace[0] != "" {
				doc = strings.Replace(doc, tt.replace[0], tt.replace[1], 1)
			}
			doc = strings.ReplaceAll(doc, "MIN", "1") + tt.policies
			if tt.doc != "" {
				doc = tt.doc
			}
			fsys := fstest.MapFS{"vnfd.yaml": {Data: []byte(doc)}}
			_, err := vnfd.Load(t.Context(), fsys, "vnfd.yaml")
			if err == nil {
				t.Fatal("loaded without error")
			}
			for _, e := range tosca.Errors(err) {
				if e.Code == tosca.CodeInconsistent && strings.Contains(e.Path, tt.path) && e.Pos.File == "vnfd.yaml" {
					return
				}
			}
			t.Errorf("no inconsistency at %q in:\n%v", tt.path, err)
		})
	}
}

func TestVNFDDuplicateFlavour(t *testing.T) {
	t.Parallel()
	df := func(id string) string {
		return "tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [types.yaml]\ntopology_template:\n  substitution_mappings:\n    node_type: ex.VNF\n    properties: {flavour_id: " + id + "}\n  node_templates:\n    VNF: {type: ex.VNF}\n"
	}
	fsys := fstest.MapFS{
		"types.yaml": {Data: []byte("tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml\nnode_types:\n  ex.VNF:\n    derived_from: tosca.nodes.nfv.VNF\n    properties:\n      descriptor_id: {type: string, default: d1}\n      descriptor_version: {type: string, default: '1'}\n      provider: {type: string, default: p}\n      product_name: {type: string, default: n}\n      software_version: {type: string, default: '1'}\n      vnfm_info: {type: list, entry_schema: {type: string}, default: [x]}\n      flavour_id: {type: string, default: a}\n      flavour_description: {type: string, default: ''}\n")},
		"top.yaml":   {Data: []byte("tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [types.yaml, df1.yaml, df2.yaml]\ntopology_template:\n  node_templates:\n    VNF: {type: ex.VNF}\n")},
		"df1.yaml":   {Data: []byte(df("a"))},
		"df2.yaml":   {Data: []byte(df("a"))},
	}
	_, err := vnfd.Load(t.Context(), fsys, "top.yaml")
	if err == nil || !strings.Contains(err.Error(), `flavour "a" is defined in df1.yaml and df2.yaml`) {
		t.Errorf("err = %v", err)
	}
	fsys["df2.yaml"] = &fstest.MapFile{Data: []byte(df("b"))}
	d, err := vnfd.Load(t.Context(), fsys, "top.yaml")
	if err != nil || len(d.Flavours) != 2 || d.ID != "d1" {
		t.Fatalf("two flavours: %v %+v", err, d)
	}
}

// TestVNFDInImportedFile loads a VNFD whose entry file only imports the
// file holding the topology.
func TestVNFDInImportedFile(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"entry.yaml": {Data: []byte("tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [vnfd.yaml]\n")},
		"vnfd.yaml":  {Data: []byte(strings.ReplaceAll(minimal, "MIN", "1"))},
	}
	d, err := vnfd.Load(t.Context(), fsys, "entry.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "d1" || len(d.Flavours) != 1 || d.Flavours[0].ID != "f1" || d.Flavours[0].VDU("VDU1") == nil {
		t.Errorf("model: %+v", d)
	}
}
