package vnfd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// oracle locates OpenStack tosca-parser (Debian python3-tosca-parser) and
// the summary script that drives it. A missing piece skips the test, or
// fails it when CADENZA_REQUIRE_ORACLE=1.
type oracle struct {
	python, script, defs, etsi string
}

func findOracle(t *testing.T) oracle {
	t.Helper()
	shared := filepath.Join("..", "..", "..", "..", "shared")
	o := oracle{
		python: "/usr/bin/python3",
		script: envOr("CADENZA_TOSCA_ORACLE", filepath.Join(shared, "testenv", "tosca-oracle", "tosca_oracle.py")),
		etsi:   envOr("CADENZA_ETSI_SOL001", filepath.Join(shared, "etsi", "sol001")),
	}
	o.defs = envOr("CADENZA_TOSCA_ORACLE_DEFS", filepath.Join(filepath.Dir(o.script), "defs"))
	missing := ""
	switch {
	case exec.Command(o.python, "-c", "import toscaparser").Run() != nil:
		missing = "python3-tosca-parser is not installed (apt-get install -y python3-tosca-parser)"
	case !exists(o.script):
		missing = "tosca_oracle.py not found at " + o.script + " (set CADENZA_TOSCA_ORACLE)"
	case !exists(o.etsi):
		missing = "ETSI SOL 001 type files not found at " + o.etsi + " (set CADENZA_ETSI_SOL001)"
	}
	if missing != "" {
		if os.Getenv("CADENZA_REQUIRE_ORACLE") == "1" {
			t.Fatal(missing)
		}
		t.Skip(missing)
	}
	return o
}

// withLocalETSIFiles copies a package to a temporary directory, turning
// its SOL 001 URL imports into imports of ETSI's files, copied next to the
// entry definitions as Tacker's packages ship them.
func withLocalETSIFiles(t *testing.T, dir, entry, etsiDir, sol001 string) string {
	t.Helper()
	tmp := t.TempDir()
	url := "https://forge.etsi.org/rep/nfv/SOL001/raw/" + sol001 + "/"
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasSuffix(p, ".yaml") {
			data = bytes.ReplaceAll(data, []byte(url), nil)
		}
		if err := os.MkdirAll(filepath.Join(tmp, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	etsiFiles, _ := filepath.Glob(filepath.Join(etsiDir, "*.yaml"))
	if len(etsiFiles) == 0 {
		t.Fatalf("no ETSI type files in %s", etsiDir)
	}
	for _, f := range etsiFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Dir(entry), filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tmp
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// run gives tosca-parser a copy of the package in which the SOL 001 URL
// imports point at ETSI's files, placed next to the entry definitions
// (tosca-parser cannot follow the relative imports inside URL imports).
func (o oracle) run(t *testing.T, dir, entry, sol001 string) map[string]any {
	t.Helper()
	summary, rejected := o.parse(t, withLocalETSIFiles(t, dir, entry, filepath.Join(o.etsi, sol001), sol001))
	if rejected {
		t.Fatalf("tosca-parser rejects the package: %v", summary["errors"])
	}
	return summary
}

// parse runs the oracle on a prepared package directory; rejected reports
// that tosca-parser found the package invalid (exit status 1).
func (o oracle) parse(t *testing.T, tmp string) (summary map[string]any, rejected bool) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), o.python, o.script, tmp, "--entry-only", "--defs-dir", o.defs)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Fatalf("tosca-parser: %v\n%s\n%s", err, out, stderr.String())
	}
	if err := json.Unmarshal(out, &summary); err != nil {
		t.Fatalf("oracle output: %v", err)
	}
	return summary, err != nil
}

// TestOracleToscaParser checks that what OpenStack tosca-parser reads from
// each package of the corpus — node templates with their types,
// properties, capabilities and requirements, policies, groups, scaling
// aspects and instantiation levels — agrees with the engine and the VNFD
// model. tosca-parser 2.6 knows TOSCA 1.0 to 1.2 only, so the corpus uses
// SOL 001 2.6.1.
func TestOracleToscaParser(t *testing.T) {
	t.Parallel()
	o := findOracle(t)
	corpus := []struct {
		name, dir, entry, sol001 string
	}{
		{name: "sample_vnf", dir: "testdata/sample_vnf", entry: "Definitions/sample_vnfd_top.yaml", sol001: "v2.6.1"},
		{name: "vnf_12vdu", dir: "testdata/vnf_12vdu", entry: "Definitions/vnfd_top.yaml", sol001: "v2.6.1"},
	}
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, err := vnfd.Load(t.Context(), os.DirFS(c.dir), c.entry)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			theirs := o.run(t, c.dir, c.entry, c.sol001)
			compareTopology(t, "top_level", theirs["top_level"], topologySummary(d.Template.Topology))
			flavours, _ := theirs["deployment_flavours"].([]any)
			if len(flavours) != len(d.Flavours) {
				t.Fatalf("tosca-parser sees %d flavours, we see %d", len(flavours), len(d.Flavours))
			}
			for _, f := range flavours {
				fm, _ := f.(map[string]any)
				id, _ := fm["flavour_id"].(string)
				ours := d.Flavour(id)
				if ours == nil {
					t.Errorf("flavour %q missing", id)
					continue
				}
				compareTopology(t, "flavour "+id, fm, flavourSummary(ours))
			}
		})
	}
}

var comparedKeys = []string{
	"node_templates", "policies", "groups", "scaling_aspects", "instantiation_levels",
	"vdu_initial_deltas", "vdu_scaling_aspect_deltas", "vdu_instantiation_levels", "vl_instantiation_levels",
}

func compareTopology(t *testing.T, what string, theirs any, ours map[string]any) {
	t.Helper()
	tm, _ := theirs.(map[string]any)
	for _, k := range comparedKeys {
		want := normalize(t, tm[k])
		if k == "node_templates" {
			want = trimNodes(want)
		}
		if k == "policies" {
			want = trimPolicies(want)
		}
		got := normalize(t, ours[k])
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s %s differ\nours:   %s\ntheirs: %s", what, k, g, w)
		}
	}
}

// normalize round-trips through JSON so both sides use the same Go types.
func normalize(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// trimNodes keeps what is compared of the oracle's node summaries.
func trimNodes(v any) any {
	nodes, _ := v.(map[string]any)
	for name, n := range nodes {
		m := n.(map[string]any)
		reqs := []any{}
		for _, r := range m["requirements"].([]any) {
			rm := r.(map[string]any)
			reqs = append(reqs, map[string]any{"name": rm["name"], "node": rm["node"]})
		}
		nodes[name] = map[string]any{
			"type": m["type"], "type_chain": m["type_chain"], "properties": m["properties"],
			"capabilities": m["capabilities"], "requirements": reqs,
		}
	}
	return nodes
}

func trimPolicies(v any) any {
	list, _ := v.([]any)
	for i, p := range list {
		m := p.(map[string]any)
		delete(m, "type_chain")
		list[i] = m
	}
	return list
}

// topologySummary describes a topology the way the oracle does.
func topologySummary(t *tosca.TopologyTemplate) map[string]any {
	nodes := map[string]any{}
	for _, n := range t.NodeTemplates {
		caps := map[string]any{}
		for name, c := range n.Capabilities {
			caps[name] = map[string]any{"properties": values(c.Properties)}
		}
		reqs := []any{}
		for _, r := range n.Requirements {
			reqs = append(reqs, map[string]any{"name": r.Name, "node": r.Node})
		}
		nodes[n.Name] = map[string]any{
			"type": n.Type.Name, "type_chain": n.Type.Chain(), "properties": values(n.Properties),
			"capabilities": caps, "requirements": reqs,
		}
	}
	policies := []any{}
	for _, p := range t.Policies {
		// tosca-parser leaves type defaults out of policy properties (not
		// out of node properties); a default is the definition's own Value.
		props := map[string]any{}
		for k, v := range p.Properties {
			if def := p.Type.Property(k); def == nil || def.Default != v {
				props[k] = v.Interface()
			}
		}
		policies = append(policies, map[string]any{"name": p.Name, "type": p.Type.Name, "targets": p.Targets, "properties": props})
	}
	sort.Slice(policies, func(i, j int) bool {
		return policies[i].(map[string]any)["name"].(string) < policies[j].(map[string]any)["name"].(string)
	})
	groups := []any{}
	for _, g := range t.Groups {
		groups = append(groups, map[string]any{"name": g.Name, "type": g.Type.Name, "members": g.Members})
	}
	initial := map[string]any{}
	for _, p := range t.PoliciesOfType("tosca.policies.nfv.VduInitialDelta") {
		for _, target := range p.Targets {
			initial[target] = p.Properties["initial_delta"].Interface()
		}
	}
	return map[string]any{
		"node_templates": nodes, "policies": policies, "groups": groups,
		"scaling_aspects": nil, "instantiation_levels": nil, "vdu_initial_deltas": initial,
		"vdu_scaling_aspect_deltas": map[string]any{}, "vdu_instantiation_levels": map[string]any{},
		"vl_instantiation_levels": map[string]any{},
	}
}

func values(m map[string]*tosca.Value) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v.Interface()
	}
	return out
}

// flavourSummary describes a flavour, taking the scaling and level parts
// from the typed model rather than the raw policies.
func flavourSummary(f *vnfd.Flavour) map[string]any {
	s := topologySummary(f.Topology)
	if len(f.ScalingAspects) > 0 {
		aspects := map[string]any{}
		for _, a := range f.ScalingAspects {
			m := map[string]any{"name": a.Name, "description": a.Description, "max_scale_level": a.MaxScaleLevel}
			if len(a.StepDeltas) > 0 {
				m["step_deltas"] = a.StepDeltas
			}
			aspects[a.ID] = m
		}
		s["scaling_aspects"] = aspects
	}
	if len(f.InstantiationLevels) > 0 {
		levels := map[string]any{}
		for _, l := range f.InstantiationLevels {
			m := map[string]any{"description": l.Description}
			if len(l.ScaleLevels) > 0 {
				info := map[string]any{}
				for a, n := range l.ScaleLevels {
					info[a] = map[string]any{"scale_level": n}
				}
				m["scale_info"] = info
			}
			levels[l.ID] = m
		}
		il := map[string]any{"levels": levels}
		if f.DefaultInstantiationLevel != "" {
			il["default_level"] = f.DefaultInstantiationLevel
		}
		s["instantiation_levels"] = il
	}
	deltas, vduLevels, vlLevels := map[string]any{}, map[string]any{}, map[string]any{}
	for _, v := range f.VDUs {
		for aspect, ds := range v.ScalingDeltas {
			m := map[string]any{}
			for id, n := range ds {
				m[id] = map[string]any{"number_of_instances": n}
			}
			deltas[v.ID] = map[string]any{"aspect": aspect, "deltas": m}
		}
		if len(v.InstantiationLevels) > 0 {
			m := map[string]any{}
			for l, n := range v.InstantiationLevels {
				m[l] = map[string]any{"number_of_instances": n}
			}
			vduLevels[v.ID] = m
		}
	}
	for _, vl := range f.VirtualLinks {
		if len(vl.InstantiationLevels) > 0 {
			m := map[string]any{}
			for l, br := range vl.InstantiationLevels {
				req := map[string]any{"root": br.Root}
				if br.Leaf != 0 {
					req["leaf"] = br.Leaf
				}
				m[l] = map[string]any{"bitrate_requirements": req}
			}
			vlLevels[vl.ID] = m
		}
	}
	s["vdu_scaling_aspect_deltas"], s["vdu_instantiation_levels"], s["vl_instantiation_levels"] = deltas, vduLevels, vlLevels
	return s
}

// TestBuiltinTypesMatchShippedTypes loads each sample twice, once with the
// SOL 001 types imported by URL (the built-in profile) and once with
// ETSI's own files shipped in the package, and checks the models agree.
func TestBuiltinTypesMatchShippedTypes(t *testing.T) {
	t.Parallel()
	etsi := envOr("CADENZA_ETSI_SOL001", filepath.Join("..", "..", "..", "..", "shared", "etsi", "sol001"))
	if !exists(etsi) {
		if os.Getenv("CADENZA_REQUIRE_ETSI") == "1" {
			t.Fatalf("ETSI SOL 001 files not found at %s (set CADENZA_ETSI_SOL001)", etsi)
		}
		t.Skipf("ETSI SOL 001 files not found at %s (set CADENZA_ETSI_SOL001)", etsi)
	}
	tests := []struct{ name, dir, entry, sol001 string }{
		{name: "sample_vnf", dir: "testdata/sample_vnf", entry: "Definitions/sample_vnfd_top.yaml", sol001: "v2.6.1"},
		{name: "vnf_12vdu", dir: "testdata/vnf_12vdu", entry: "Definitions/vnfd_top.yaml", sol001: "v2.6.1"},
		{name: "sample_cnf", dir: "testdata/sample_cnf", entry: "Definitions/cnf.yaml", sol001: "v4.4.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			builtin, err := vnfd.Load(t.Context(), os.DirFS(tt.dir), tt.entry)
			if err != nil {
				t.Fatalf("built-in types: %v", err)
			}
			dir := withLocalETSIFiles(t, tt.dir, tt.entry, filepath.Join(etsi, tt.sol001), tt.sol001)
			shipped, err := vnfd.Load(t.Context(), os.DirFS(dir), tt.entry)
			if err != nil {
				t.Fatalf("ETSI's types: %v", err)
			}
			for i, f := range builtin.Flavours {
				g := shipped.Flavours[i]
				pairs := []struct {
					what string
					a, b any
				}{
					{"VDUs", f.VDUs, g.VDUs}, {"containers", f.Containers, g.Containers}, {"storages", f.Storages, g.Storages},
					{"CPs", f.VduCPs, g.VduCPs}, {"links", f.VirtualLinks, g.VirtualLinks}, {"aspects", f.ScalingAspects, g.ScalingAspects},
					{"levels", f.InstantiationLevels, g.InstantiationLevels}, {"rules", f.PlacementRules, g.PlacementRules},
					{"security", f.SecurityGroupRules, g.SecurityGroupRules}, {"interfaces", f.Interfaces, g.Interfaces},
				}
				for _, p := range pairs {
					if !reflect.DeepEqual(p.a, p.b) {
						t.Errorf("flavour %s: %s differ", f.ID, p.what)
					}
				}
			}
		})
	}
}

// TestOracleRejects breaks the sample package in ways both parsers must
// reject: an unknown property, a missing required property, a value of
// the wrong type, a violated constraint and an unknown node type.
func TestOracleRejects(t *testing.T) {
	t.Parallel()
	o := findOracle(t)
	const df = "Definitions/sample_df_scalable.yaml"
	tests := []struct {
		name     string
		old, new string
		code     tosca.Code
	}{
		{name: "unknown property", old: "        name: db\n", new: "        name: db\n        colour: blue\n", code: tosca.CodeUnknownProperty},
		{name: "missing required", old: "        name: db\n", new: "", code: tosca.CodeMissingRequired},
		{name: "wrong type", old: "num_virtual_cpu: 4", new: "num_virtual_cpu: four", code: tosca.CodeWrongType},
		{name: "constraint", old: "scope: zone", new: "scope: galaxy", code: tosca.CodeConstraint},
		{name: "unknown type", old: "type: tosca.nodes.nfv.Vdu.VirtualBlockStorage", new: "type: tosca.nodes.nfv.Vdu.VirtualTapeStorage", code: tosca.CodeUnknownType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := withLocalETSIFiles(t, "testdata/sample_vnf", "Definitions/sample_vnfd_top.yaml", filepath.Join(o.etsi, "v2.6.1"), "v2.6.1")
			data, err := os.ReadFile(filepath.Join(dir, df))
			if err != nil {
				t.Fatal(err)
			}
			broken := strings.Replace(string(data), tt.old, tt.new, 1)
			if broken == string(data) {
				t.Fatalf("%q not in %s", tt.old, df)
			}
			if err := os.WriteFile(filepath.Join(dir, df), []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}
			if summary, rejected := o.parse(t, dir); !rejected {
				t.Errorf("tosca-parser accepts it: %v", summary["error"])
			}
			_, err = vnfd.Load(t.Context(), os.DirFS(dir), "Definitions/sample_vnfd_top.yaml")
			found := false
			for _, e := range tosca.Errors(err) {
				found = found || (e.Code == tt.code && e.Pos.File == df)
			}
			if !found {
				t.Errorf("no %s problem in %s: %v", tt.code, df, err)
			}
		})
	}
}
