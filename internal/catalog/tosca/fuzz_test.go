package tosca

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// fuzzLimits keep each fuzz iteration small.
var fuzzLimits = Limits{MaxFileSize: 64 << 10, MaxNodes: 20_000, MaxAliasNodes: 2_000, MaxDepth: 40, MaxFiles: 8}

// addFileSeeds adds every YAML file under dir as a seed.
func addFileSeeds(f *testing.F, dir string) {
	f.Helper()
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil && len(data) <= int(fuzzLimits.MaxFileSize) {
			f.Add(data)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

// FuzzLoad feeds arbitrary bytes to the loader as the entry file of a
// package that also holds a types file it may import. Loading must end,
// without panicking, in a template or in located errors.
func FuzzLoad(f *testing.F) {
	addFileSeeds(f, "testdata/constructs")
	f.Add([]byte("tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [lib/common.yaml, main.yaml]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	types, err := os.ReadFile("testdata/constructs/Definitions/lib/common.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"main.yaml":       {Data: data},
			"lib/common.yaml": {Data: types},
		}
		st, err := Load(t.Context(), fsys, "main.yaml", Options{Limits: fuzzLimits})
		if (st == nil) == (err == nil) {
			t.Fatalf("template %v with error %v", st != nil, err)
		}
		for _, e := range Errors(err) {
			if e.Pos.File == "" {
				t.Fatalf("error without a file: %v", e)
			}
		}
		if st == nil || st.Topology == nil {
			return
		}
		for _, n := range st.Topology.NodeTemplates {
			for _, v := range n.Properties {
				_, _ = st.Topology.Resolve(v, n)
			}
		}
	})
}

// FuzzCheckValue checks arbitrary YAML values against built-in types, the
// SOL 001 data types included.
func FuzzCheckValue(f *testing.F) {
	seeds := []struct{ typ, doc string }{
		{"tosca.datatypes.nfv.VirtualCpu", "{num_virtual_cpu: 2, virtual_cpu_clock: 2 GHz}"},
		{"tosca.datatypes.nfv.VduProfile", "{min_number_of_instances: 1, max_number_of_instances: x}"},
		{"tosca.datatypes.nfv.L3ProtocolData", "{ip_version: ipv4, cidr: 10.0.0.0/8, ip_allocation_pools: [{start_ip_address: a}]}"},
		{"scalar-unit.size", "1.5 GiB"},
		{"scalar-unit.time", "-3e400 ms"},
		{"version", "1.2.3.beta-4"},
		{"range", "[1, UNBOUNDED]"},
		{"timestamp", "2001-12-14t21:59:43.10-05:00"},
		{"tosca.datatypes.network.PortSpec", "{protocol: udp, source_range: [2, 1]}"},
		{"map", "{a: {get_input: x}, b: {concat: [1, {token: [a, b, 9]}]}}"},
	}
	for _, s := range seeds {
		f.Add(s.typ, []byte(s.doc))
	}
	profiles, err := builtinProfiles()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		b := budget{nodes: fuzzLimits.MaxNodes, aliasNodes: fuzzLimits.MaxAliasNodes}
		v, err := parseYAML("value.yaml", data, &b, fuzzLimits.MaxDepth)
		if err != nil {
			return
		}
		d := &diag{}
		c := &checker{reg: profiles.sol001, d: d}
		c.value(v, spec{Type: typ, Entry: &Schema{Type: typ}, Key: &Schema{Type: "string"}}, "value")
		for _, e := range d.errs {
			if e.Pos.File != "value.yaml" && e.Pos.File != "" {
				t.Fatalf("error located outside the value: %v", e)
			}
		}
	})
}
