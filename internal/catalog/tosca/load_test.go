package tosca_test

import (
	"os"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

func loadConstructs(t *testing.T, opts tosca.Options) *tosca.ServiceTemplate {
	t.Helper()
	st, err := tosca.Load(t.Context(), os.DirFS("testdata/constructs"), "Definitions/main.yaml", opts)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return st
}

func TestLoadConstructs(t *testing.T) {
	t.Parallel()
	st := loadConstructs(t, tosca.Options{})
	topo := st.Topology
	wantFiles := []string{"Definitions/main.yaml", "Definitions/lib/types.yaml", "Definitions/lib/common.yaml", "Definitions/lib/prefixed.yaml"}
	if !reflect.DeepEqual(st.Files, wantFiles) {
		t.Errorf("files = %v", st.Files)
	}
	if st.Version != "tosca_simple_yaml_1_3" || st.Metadata["template_name"] != "constructs" {
		t.Errorf("header: %q %v", st.Version, st.Metadata)
	}
	app := topo.Node("app")
	if app == nil || app.Type.Name != "example.nodes.App" {
		t.Fatalf("app: %+v", app)
	}
	wantChain := []string{"example.nodes.App", "example.nodes.Base", "tosca.nodes.SoftwareComponent", "tosca.nodes.Root"}
	if got := app.Type.Chain(); !reflect.DeepEqual(got, wantChain) {
		t.Errorf("chain = %v", got)
	}
	if db := topo.Node("db"); db.Type.Name != "Database" || !db.Type.DerivesFrom("tosca.nodes.Database") {
		t.Errorf("prefixed type: %s", db.Type.Name)
	}
	if st.Type(tosca.NodeType, "ext:Database") != topo.Node("db").Type {
		t.Error("ext:Database does not resolve to the prefixed type")
	}
	if st.Type(tosca.NodeType, "Compute") != st.Type(tosca.NodeType, "tosca.nodes.Compute") {
		t.Error("short name Compute does not resolve")
	}
	server := topo.Node("server")
	if r := server.Requirements[0]; r.Name != "local_storage" || r.Node != "volume" || r.Relationship != "AttachesTo" || r.RelationshipProperties["location"].String() != "/data" {
		t.Errorf("server requirement: %+v", r)
	}
	if got := server.Capabilities["host"].Properties["mem_size"].String(); got != "2 GB" {
		t.Errorf("host mem_size = %q", got)
	}
	if got := topo.Node("volume").Properties["size"].String(); got != "20 GB" {
		t.Errorf("volume size = %q", got)
	}
	if got := app.Properties["settings"].Get("endpoint").Get("port").String(); got != "8080" {
		t.Errorf("nested data = %q", got)
	}
	if app.Artifacts["install"].Type.Name != "tosca.artifacts.Implementation.Bash" || app.Artifacts["install"].DeployPath != "/opt/app/install.sh" {
		t.Errorf("artifact: %+v", app.Artifacts["install"])
	}
	std := app.Interfaces["Standard"]
	if std.Type.Name != "tosca.interfaces.node.lifecycle.Standard" || std.Operations["create"].Implementation.Primary != "install" {
		t.Errorf("Standard: %+v", std)
	}
	cfg := std.Operations["configure"].Implementation
	if cfg.Primary != "../Scripts/configure.sh" || cfg.Timeout != 300 || !reflect.DeepEqual(cfg.Dependencies, []string{"../Scripts/common.sh"}) {
		t.Errorf("configure implementation: %+v", cfg)
	}
	if app.Interfaces["ext:Maintenance"].Operations["drain"] == nil {
		t.Error("drain operation missing")
	}
	rel := topo.RelationshipTemplates[0]
	if rel.Name != "app_to_db" || rel.Properties["pool_size"].String() != "10" || rel.Interfaces["Configure"].Operations["post_configure_source"] == nil {
		t.Errorf("relationship: %+v", rel)
	}
	g := topo.Group("web_tier")
	if g.Type.Name != "example.groups.Tier" || !reflect.DeepEqual(g.Members, []string{"app", "server"}) {
		t.Errorf("group: %+v", g)
	}
	p := topo.Policies[0]
	if p.Name != "scale_out" || !reflect.DeepEqual(p.Targets, []string{"web_tier"}) || len(p.Triggers) != 1 {
		t.Fatalf("policy: %+v", p)
	}
	tr := p.Triggers[0]
	if tr.Name != "busy" || tr.Event != "cpu_high" || tr.Condition.Get("period").String() != "60 s" || tr.Action.List[0].Get("call_operation").String() != "Standard.configure" {
		t.Errorf("trigger: %+v", tr)
	}
	sm := topo.SubstitutionMappings
	if sm.Type.Name != "example.nodes.WebService" || sm.Capabilities["endpoint"] != [2]string{"app", "app_endpoint"} || sm.Requirements["storage"] != [2]string{"server", "local_storage"} {
		t.Errorf("substitution: %+v", sm)
	}
	if got := st.Substitutions("example.nodes.WebService"); len(got) != 1 || got[0] != topo {
		t.Errorf("Substitutions = %v", got)
	}
	if len(topo.Outputs) != 2 || topo.Outputs[0].Name != "url" {
		t.Errorf("outputs: %+v", topo.Outputs)
	}
}

func TestResolveFunctions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inputs map[string]any
		node   string
		prop   string
		want   any
	}{
		{name: "get_input default", node: "app", prop: "image", want: "cirros:0.5.2"},
		{name: "get_input given", inputs: map[string]any{"image": "ubuntu:22.04"}, node: "app", prop: "image", want: "ubuntu:22.04"},
		{name: "concat", node: "app", prop: "release", want: "app-cirros:0.5.2"},
		{name: "token", node: "app", prop: "image_tag", want: "0.5.2"},
		{name: "token of given input", inputs: map[string]any{"image": "nginx:1.25"}, node: "app", prop: "image_tag", want: "1.25"},
		{name: "get_property through capability and input", node: "app", prop: "cpus", want: int64(2)},
		{name: "get_property of given input", inputs: map[string]any{"cpus": 8}, node: "app", prop: "cpus", want: int64(8)},
		{name: "map input", node: "app", prop: "labels", want: map[string]any{"tier": "web"}},
		{name: "plain value", node: "app", prop: "version", want: "1.2.3"},
		{name: "type default", node: "volume", prop: "size", want: "20 GB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := loadConstructs(t, tosca.Options{Inputs: tt.inputs})
			n := st.Topology.Node(tt.node)
			v, err := st.Topology.Resolve(n.Properties[tt.prop], n)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if got := v.Interface(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestResolveOperationInputAndRuntimeValues(t *testing.T) {
	t.Parallel()
	st := loadConstructs(t, tosca.Options{})
	app := st.Topology.Node("app")
	in := app.Interfaces["Standard"].Operations["configure"].Inputs["port"]
	v, err := st.Topology.Resolve(in, app)
	if err != nil || v.String() != "8080" {
		t.Errorf("port = %v, %v", v, err)
	}
	_, err = st.Topology.Resolve(app.Attributes["url"], app)
	if err == nil {
		t.Error("an attribute of a server that does not run yet resolved")
	}
	out, err := st.Topology.Resolve(st.Topology.Outputs[1].Value, nil)
	if err != nil || out.String() != "app-cirros:0.5.2" {
		t.Errorf("output = %v, %v", out, err)
	}
}

func TestCheckArtifactFiles(t *testing.T) {
	t.Parallel()
	_, err := tosca.Load(t.Context(), os.DirFS("testdata/constructs"), "Definitions/main.yaml", tosca.Options{CheckArtifactFiles: true})
	var missing []string
	for _, e := range tosca.Errors(err) {
		if e.Code != tosca.CodeUnknownName {
			t.Errorf("unexpected problem: %v", e)
		}
		missing = append(missing, e.Msg)
	}
	want := []string{
		`file "../Scripts/install.sh" is not in the package`,
		`file "../Files/app.tgz" is not in the package`,
		`file "../Scripts/configure.sh" is not in the package`,
		`file "../Scripts/common.sh" is not in the package`,
		`file "../Scripts/drain.sh" is not in the package`,
		`file "../Scripts/wire.sh" is not in the package`,
	}
	slices.Sort(missing)
	slices.Sort(want)
	if !slices.Equal(missing, want) {
		t.Errorf("missing files:\n%v\nwant\n%v", missing, want)
	}
}

func TestNamespacePrefixOnBuiltinImport(t *testing.T) {
	t.Parallel()
	doc := `tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - file: https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml
    namespace_prefix: etsi
topology_template:
  node_templates:
    vl:
      type: etsi:tosca.nodes.nfv.VnfVirtualLink
      properties:
        connectivity_type: {layer_protocols: [ipv4]}
        vl_profile:
          max_bitrate_requirements: {root: 1}
          min_bitrate_requirements: {root: 1}
`
	st, err := tosca.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(doc)}}, "a.yaml", tosca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Topology.Node("vl").Type.Name; got != "tosca.nodes.nfv.VnfVirtualLink" {
		t.Errorf("type = %s", got)
	}
}
