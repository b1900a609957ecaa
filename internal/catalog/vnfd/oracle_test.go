package vnfd_test

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
	"github.com/cadenza-mano/cadenza/internal/catalog/tosca/toscaoracle"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// oracleCase is one package of the corpus: where it is, the SOL 001
// version it imports, the tosca-parser fixes it needs (see
// toscaoracle.Fix) and the fields excluded from the comparison. The test
// fails when a fix or an exclusion is no longer needed.
type oracleCase struct {
	name, dir, entry, sol001 string
	fixes                    []toscaoracle.Fix
	excluded                 []toscaoracle.Exclusion
}

// falseDefaults excludes fields that a data type defaults to false, which
// the package leaves out (paths under node_templates).
func falseDefaults(paths ...string) []toscaoracle.Exclusion {
	var out []toscaoracle.Exclusion
	for _, p := range paths {
		out = append(out, toscaoracle.Exclusion{Key: "node_templates", Path: p, Theirs: false, Reason: "tosca-parser writes " +
			"a data type's defaults into the value (DataEntity.validate); the engine keeps the value as written and " +
			"the model applies the default when it reads the field"})
	}
	return out
}

// oracleCorpus is every VNF package the project's tests use: the samples
// here and the package sources at the root. The CSAR fixtures of the csar
// package are added by csarVNFDs when they hold a valid VNFD.
var oracleCorpus = []oracleCase{
	{name: "sample_vnf", dir: "testdata/sample_vnf", entry: "Definitions/sample_vnfd_top.yaml", sol001: "v2.6.1"},
	{name: "vnf_12vdu", dir: "testdata/vnf_12vdu", entry: "Definitions/vnfd_top.yaml", sol001: "v2.6.1"},
	{name: "sample_cnf", dir: "testdata/sample_cnf", entry: "Definitions/cnf.yaml", sol001: "v4.4.1", fixes: []toscaoracle.Fix{
		toscaoracle.TOSCA13,
		toscaoracle.OperationsKeyword, // the VNF's Vnflcm instantiate_start
		toscaoracle.FalsyDefaults,     // VM's virtual_memory without numa_enabled
		toscaoracle.ScalarGreaterThan, // VM's monitoring_parameters collection_period
	}, excluded: falseDefaults(
		"VM.capabilities.virtual_compute.properties.virtual_memory.numa_enabled",
	)},
	{name: "cnf-helm", dir: "../../../testdata/packages/cnf-helm", entry: "Definitions/cnf.yaml", sol001: "v4.4.1", fixes: []toscaoracle.Fix{toscaoracle.TOSCA13}},
	{name: "cnf-manifests", dir: "../../../testdata/packages/cnf-manifests", entry: "Definitions/cnf.yaml", sol001: "v4.4.1", fixes: []toscaoracle.Fix{toscaoracle.TOSCA13}},
	{name: "cnf-vdus", dir: "../../../testdata/packages/cnf-vdus", entry: "Definitions/cnf.yaml", sol001: "v4.4.1", fixes: []toscaoracle.Fix{toscaoracle.TOSCA13}},
	{name: "vnf-openstack", dir: "../../../testdata/packages/vnf-openstack", entry: "Definitions/vnf.yaml", sol001: "v4.4.1", fixes: []toscaoracle.Fix{
		toscaoracle.TOSCA13,
		toscaoracle.FalsyDefaults, // virtual_memory without numa_enabled, block storage without rdma_enabled
	}, excluded: falseDefaults(
		"app.capabilities.virtual_compute.properties.virtual_memory.numa_enabled",
		"app.capabilities.virtual_compute.properties.virtual_local_storage.0.rdma_enabled",
		"db.capabilities.virtual_compute.properties.virtual_memory.numa_enabled",
		"db.capabilities.virtual_compute.properties.virtual_local_storage.0.rdma_enabled",
		"web.capabilities.virtual_compute.properties.virtual_memory.numa_enabled",
		"web.capabilities.virtual_compute.properties.virtual_local_storage.0.rdma_enabled",
	)},
}

// TestOracleToscaParser checks that what OpenStack tosca-parser reads from
// each package of the corpus — node templates with their types,
// properties, capabilities and requirements, policies, groups, scaling
// aspects and instantiation levels — agrees with the engine and the VNFD
// model.
func TestOracleToscaParser(t *testing.T) {
	t.Parallel()
	o := toscaoracle.Find(t)
	for _, c := range slices.Concat(oracleCorpus, csarVNFDs(t)) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, err := vnfd.Load(t.Context(), os.DirFS(c.dir), c.entry)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			theirs := o.Parse(t, o.WithLocalETSIFiles(t, c.dir, c.entry, c.sol001), c.entry, c.fixes...)
			theirs.Accepted(t, c.fixes...)
			// The policy views are compared per flavour, which a one-file
			// VNFD keeps in its entry topology.
			toscaoracle.Compare(t, "top_level", theirs.TopLevel, toscaoracle.Topology(d.Template.Topology),
				[]string{"node_templates", "policies", "groups"}, c.excluded...)
			if len(theirs.Flavours) != len(d.Flavours) {
				t.Fatalf("tosca-parser sees %d flavours, we see %d", len(theirs.Flavours), len(d.Flavours))
			}
			for _, f := range theirs.Flavours {
				id, _ := f["flavour_id"].(string)
				ours := d.Flavour(id)
				if ours == nil {
					t.Errorf("flavour %q missing", id)
					continue
				}
				toscaoracle.Compare(t, "flavour "+id, f, flavourSummary(ours), comparedKeys, c.excluded...)
			}
			t.Logf("%d flavours, %d node templates", len(d.Flavours), nodeCount(d))
		})
	}
}

// notVNFDs lists the CSAR fixtures of the csar package that hold no valid
// VNFD, with a part of the reason vnfd.Load gives (or of why no entry
// definitions are found). A fixture missing here must load as a VNFD, and
// then joins the oracle corpus.
var notVNFDs = map[string]string{
	"duplicate.zip":    "2 root YAML files",    // a.yaml and A.yaml, one byte each
	"lying-header.zip": "not a valid zip file", // sizes in its headers lie
	"signed.zip":       `unknown node_types "company.provider.VNF"`,
	"vm.zip":           `unknown node_types "company.provider.VNF"`,
	"single-yaml.zip":  "want one node of type tosca.nodes.nfv.VNF, found 0",
	"symlink.zip":      "0 root YAML files",
	"traversal.zip":    "0 root YAML files",
}

// csarVNFDs extracts the CSAR fixtures of the csar package that hold a
// valid VNFD into oracle cases (without tosca-parser fixes: one that needs
// some fails until it joins oracleCorpus with them), and checks the others
// are still rejected for the reason notVNFDs gives.
func csarVNFDs(t *testing.T) []oracleCase {
	t.Helper()
	zips, err := filepath.Glob(filepath.Join("..", "csar", "testdata", "packages", "*.zip"))
	if err != nil || len(zips) == 0 {
		t.Fatalf("no CSAR fixtures: %v", err)
	}
	var cases []oracleCase
	for _, z := range zips {
		name := filepath.Base(z)
		files, entry, err := readCSAR(z)
		if err == nil {
			_, err = vnfd.Load(t.Context(), files, entry)
		}
		reason, listed := notVNFDs[name]
		switch {
		case err == nil && listed:
			t.Errorf("%s: now a valid VNFD; remove it from notVNFDs", name)
		case err != nil && !listed:
			t.Errorf("%s: not a VNFD (%v); list it in notVNFDs with the reason", name, err)
		case err != nil && !strings.Contains(err.Error(), reason):
			t.Errorf("%s: rejected for %v, not %q", name, err, reason)
		}
		if err != nil {
			continue
		}
		dir := t.TempDir()
		if err := os.CopyFS(dir, files); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, oracleCase{name: name, dir: dir, entry: entry, sol001: sol001Of(t, files)})
	}
	return cases
}

// readCSAR reads the regular files of a zip with valid names, and finds
// its entry definitions as SOL 004 does: TOSCA.meta's Entry-Definitions,
// else the only YAML file at the root.
func readCSAR(name string) (fstest.MapFS, string, error) {
	r, err := zip.OpenReader(name)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	files := fstest.MapFS{}
	for _, f := range r.File {
		if !f.Mode().IsRegular() || !fs.ValidPath(f.Name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, "", err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, "", err
		}
		files[f.Name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	if meta, ok := files["TOSCA-Metadata/TOSCA.meta"]; ok {
		for _, line := range strings.Split(string(meta.Data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "Entry-Definitions" {
				return files, strings.TrimSpace(v), nil
			}
		}
		return nil, "", errors.New("TOSCA.meta names no Entry-Definitions")
	}
	var roots []string
	for n := range files {
		if !strings.Contains(n, "/") && (path.Ext(n) == ".yaml" || path.Ext(n) == ".yml") {
			roots = append(roots, n)
		}
	}
	if len(roots) != 1 {
		return nil, "", fmt.Errorf("%d root YAML files and no TOSCA.meta", len(roots))
	}
	if len(files[roots[0]].Data) == 0 {
		return nil, "", fmt.Errorf("%s is empty", roots[0])
	}
	return files, roots[0], nil
}

var sol001URL = regexp.MustCompile(`forge\.etsi\.org/rep/nfv/SOL001/raw/(v[0-9.]+)/`)

// sol001Of is the SOL 001 version a package's templates import by URL.
func sol001Of(t *testing.T, files fstest.MapFS) string {
	t.Helper()
	for name, f := range files {
		if m := sol001URL.FindSubmatch(f.Data); m != nil && strings.HasSuffix(name, ".yaml") {
			return string(m[1])
		}
	}
	t.Fatal("the package imports no SOL 001 version by URL")
	return ""
}

func nodeCount(d *vnfd.VNFD) int {
	n := len(d.Template.Topology.NodeTemplates)
	for _, f := range d.Flavours {
		if f.Topology != d.Template.Topology {
			n += len(f.Topology.NodeTemplates)
		}
	}
	return n
}

var comparedKeys = []string{
	"node_templates", "policies", "groups", "scaling_aspects", "instantiation_levels",
	"vdu_initial_deltas", "vdu_scaling_aspect_deltas", "vdu_instantiation_levels", "vl_instantiation_levels",
}

// topologySummary describes a topology the way the oracle does.
func topologySummary(tp *tosca.TopologyTemplate) map[string]any {
	s := toscaoracle.Topology(tp)
	initial := map[string]any{}
	for _, p := range tp.PoliciesOfType("tosca.policies.nfv.VduInitialDelta") {
		for _, target := range p.Targets {
			initial[target] = p.Properties["initial_delta"].Interface()
		}
	}
	s["scaling_aspects"], s["instantiation_levels"], s["vdu_initial_deltas"] = nil, nil, initial
	s["vdu_scaling_aspect_deltas"], s["vdu_instantiation_levels"], s["vl_instantiation_levels"] = map[string]any{}, map[string]any{}, map[string]any{}
	return s
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

// TestBuiltinTypesMatchShippedTypes loads each package of the corpus
// twice, once with the SOL 001 types imported by URL (the built-in
// profile) and once with ETSI's own files shipped in the package, and
// checks the models agree.
func TestBuiltinTypesMatchShippedTypes(t *testing.T) {
	t.Parallel()
	etsi := os.Getenv("CADENZA_ETSI_SOL001")
	if etsi == "" {
		etsi = filepath.Join("..", "..", "..", "..", "shared", "etsi", "sol001")
	}
	if _, err := os.Stat(etsi); err != nil {
		if os.Getenv("CADENZA_REQUIRE_ETSI") == "1" {
			t.Fatalf("ETSI SOL 001 files not found at %s (set CADENZA_ETSI_SOL001)", etsi)
		}
		t.Skipf("ETSI SOL 001 files not found at %s (set CADENZA_ETSI_SOL001)", etsi)
	}
	for _, tt := range oracleCorpus {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			builtin, err := vnfd.Load(t.Context(), os.DirFS(tt.dir), tt.entry)
			if err != nil {
				t.Fatalf("built-in types: %v", err)
			}
			dir := toscaoracle.LocalETSIFiles(t, tt.dir, tt.entry, etsi, tt.sol001)
			shipped, err := vnfd.Load(t.Context(), os.DirFS(dir), tt.entry)
			if err != nil {
				t.Fatalf("ETSI's types: %v", err)
			}
			if len(builtin.Flavours) != len(shipped.Flavours) {
				t.Fatalf("%d flavours with the built-in types, %d with ETSI's", len(builtin.Flavours), len(shipped.Flavours))
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
	o := toscaoracle.Find(t)
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
			dir := o.WithLocalETSIFiles(t, "testdata/sample_vnf", "Definitions/sample_vnfd_top.yaml", "v2.6.1")
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
			if r := o.Parse(t, dir, "Definitions/sample_vnfd_top.yaml"); len(r.Errors) == 0 {
				t.Error("tosca-parser accepts it")
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
