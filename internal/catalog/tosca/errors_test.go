package tosca_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// header starts every test document; line numbers in the cases count it.
const header = "tosca_definitions_version: tosca_simple_yaml_1_3\n"

// types are definitions the error cases share, imported as types.yaml.
const types = header + `
data_types:
  ex.Endpoint:
    derived_from: tosca.datatypes.Root
    properties:
      port: {type: integer, constraints: [{in_range: [1, 65535]}]}
      host: {type: string, required: false}
node_types:
  ex.Server:
    derived_from: tosca.nodes.Root
    properties:
      size: {type: string, constraints: [{valid_values: [small, large]}]}
      count: {type: integer, required: false}
      memory: {type: scalar-unit.size, required: false}
      endpoint: {type: ex.Endpoint, required: false}
      tags: {type: list, required: false, entry_schema: {type: integer}}
      labels: {type: map, required: false, key_schema: {type: string, constraints: [{max_length: 3}]}, entry_schema: {type: string}}
    capabilities:
      host: tosca.capabilities.Compute
  ex.App:
    derived_from: tosca.nodes.Root
    requirements:
      - host: {capability: tosca.capabilities.Compute, relationship: tosca.relationships.HostedOn}
policy_types:
  ex.Policy:
    derived_from: tosca.policies.Root
    targets: [ex.Server]
group_types:
  ex.Group:
    derived_from: tosca.groups.Root
    members: [ex.Server]
`

// topo wraps node templates in a service template importing types.yaml;
// the first node template is on line 6.
func topo(body string) string {
	return header + "imports: [types.yaml]\ntopology_template:\n  inputs:\n    n: {type: integer, default: 1}\n" + body
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		opts  tosca.Options
		code  tosca.Code
		// at is the expected file:line, path a substring of the path.
		at, path string
	}{
		{name: "not yaml", files: map[string]string{"main.yaml": header + "a: [b\n"}, code: tosca.CodeSyntax, at: "main.yaml:"},
		{name: "duplicate key", files: map[string]string{"main.yaml": header + "description: a\ndescription: b\n"}, code: tosca.CodeSyntax, at: "main.yaml:3"},
		{name: "unknown keyword", files: map[string]string{"main.yaml": header + "node_templatez: {}\n"}, code: tosca.CodeSyntax, at: "main.yaml:2", path: "node_templatez"},
		{name: "unsupported version", files: map[string]string{"main.yaml": "tosca_definitions_version: tosca_simple_yaml_9_9\n"}, code: tosca.CodeVersion, at: "main.yaml:1"},
		{name: "missing version", files: map[string]string{"main.yaml": "description: x\n"}, code: tosca.CodeVersion, at: "main.yaml:1"},
		{name: "missing import", files: map[string]string{"main.yaml": header + "imports: [missing.yaml]\n"}, code: tosca.CodeImport, at: "main.yaml:2", path: "imports.0"},
		{name: "import leaves package", files: map[string]string{"d/main.yaml": header + "imports: [../../x.yaml]\n"}, code: tosca.CodeImport, at: "d/main.yaml:2"},
		{name: "remote import", files: map[string]string{"main.yaml": header + "imports:\n  - https://example.com/types.yaml\n"}, code: tosca.CodeImport, at: "main.yaml:3"},
		{name: "unknown SOL 001 version", files: map[string]string{"main.yaml": header + "imports:\n  - https://forge.etsi.org/rep/nfv/SOL001/raw/v9.9.9/etsi_nfv_sol001_vnfd_types.yaml\n"}, code: tosca.CodeImport, at: "main.yaml:3"},
		{name: "mixed SOL 001 families", files: map[string]string{"main.yaml": header + "imports:\n  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml\n  - https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml\n"}, code: tosca.CodeImport, at: "main.yaml:4"},
		{name: "import cycle", files: map[string]string{
			"main.yaml": header + "imports: [a.yaml]\n",
			"a.yaml":    header + "imports: [b.yaml]\n",
			"b.yaml":    header + "imports: [a.yaml]\n",
		}, code: tosca.CodeImportCycle, at: "b.yaml:2", path: "imports.0"},
		{name: "duplicate type", files: map[string]string{
			"main.yaml": header + "imports: [a.yaml]\nnode_types:\n  ex.T: {derived_from: tosca.nodes.Root}\n",
			"a.yaml":    header + "node_types:\n  ex.T: {derived_from: tosca.nodes.Root}\n",
		}, code: tosca.CodeDuplicate, at: "main.yaml:4", path: "node_types.ex.T"},
		{name: "unknown parent", files: map[string]string{"main.yaml": header + "node_types:\n  ex.T:\n    derived_from: ex.Nope\n"}, code: tosca.CodeUnknownType, at: "main.yaml:3", path: "node_types.ex.T.derived_from"},
		{name: "derivation cycle", files: map[string]string{"main.yaml": header + "node_types:\n  ex.A: {derived_from: ex.B}\n  ex.B: {derived_from: ex.A}\n"}, code: tosca.CodeDerivation, at: "main.yaml:3"},
		{name: "parent of another kind", files: map[string]string{"main.yaml": header + "node_types:\n  ex.A: {derived_from: tosca.capabilities.Root}\n"}, code: tosca.CodeDerivation, at: "main.yaml:3"},
		{name: "unknown property type", files: map[string]string{"main.yaml": header + "node_types:\n  ex.A:\n    properties:\n      p: {type: ex.Nope}\n"}, code: tosca.CodeUnknownType, at: "main.yaml:5", path: "node_types.ex.A.properties.p.type"},
		{name: "bad default", files: map[string]string{"main.yaml": header + "node_types:\n  ex.A:\n    properties:\n      p: {type: integer, default: x}\n"}, code: tosca.CodeWrongType, at: "main.yaml:5", path: "properties.p.default"},
		{name: "constraint bound of wrong type", files: map[string]string{"main.yaml": header + "node_types:\n  ex.A:\n    properties:\n      p: {type: scalar-unit.time, constraints: [{less_than: 5 min}]}\n"}, code: tosca.CodeWrongType, at: "main.yaml:5", path: "properties.p.constraints.less_than"},
		{name: "requirement assigned too often", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      requirements:\n        - host: s\n        - host: s\n    s:\n      type: ex.Server\n      properties: {size: small}\n")}, code: tosca.CodeConstraint, at: "main.yaml:10", path: "requirements.host"},
		{name: "bad pattern", files: map[string]string{"main.yaml": header + "data_types:\n  ex.D:\n    derived_from: string\n    constraints: [{pattern: '('}]\n"}, code: tosca.CodeSyntax, at: "main.yaml:5"},
		{name: "unknown node type", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s: {type: ex.Nope}\n")}, code: tosca.CodeUnknownType, at: "main.yaml:7", path: "node_templates.s.type"},
		{name: "unknown property", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small, colour: red}\n")}, code: tosca.CodeUnknownProperty, at: "main.yaml:9", path: "node_templates.s.properties.colour"},
		{name: "missing required", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n")}, code: tosca.CodeMissingRequired, at: "main.yaml:7", path: "node_templates.s.properties.size"},
		{name: "wrong type", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small, count: many}\n")}, code: tosca.CodeWrongType, at: "main.yaml:9", path: "properties.count"},
		{name: "valid_values", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: huge}\n")}, code: tosca.CodeConstraint, at: "main.yaml:9", path: "properties.size"},
		{name: "in_range in data type", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties:\n        size: small\n        endpoint: {port: 70000}\n")}, code: tosca.CodeConstraint, at: "main.yaml:11", path: "properties.endpoint.port"},
		{name: "unknown data field", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties:\n        size: small\n        endpoint: {port: 80, proto: tcp}\n")}, code: tosca.CodeUnknownProperty, at: "main.yaml:11", path: "properties.endpoint.proto"},
		{name: "missing data field", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties:\n        size: small\n        endpoint: {host: a}\n")}, code: tosca.CodeMissingRequired, at: "main.yaml:11", path: "properties.endpoint.port"},
		{name: "entry_schema", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties:\n        size: small\n        tags: [1, two]\n")}, code: tosca.CodeWrongType, at: "main.yaml:11", path: "properties.tags.1"},
		{name: "key_schema", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties:\n        size: small\n        labels: {long: x}\n")}, code: tosca.CodeConstraint, at: "main.yaml:11", path: "properties.labels.long"},
		{name: "scalar unit", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small, memory: 4 parsecs}\n")}, code: tosca.CodeWrongType, at: "main.yaml:9", path: "properties.memory"},
		{name: "unknown capability", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small}\n      capabilities:\n        gpu: {}\n")}, code: tosca.CodeUnknownName, at: "main.yaml:11", path: "capabilities.gpu"},
		{name: "capability property", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small}\n      capabilities:\n        host:\n          properties: {num_cpus: 0}\n")}, code: tosca.CodeConstraint, at: "main.yaml:12", path: "capabilities.host.properties.num_cpus"},
		{name: "unknown requirement", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      requirements:\n        - storage: a\n")}, code: tosca.CodeUnknownName, at: "main.yaml:10", path: "requirements.storage"},
		{name: "requirement target missing", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      requirements:\n        - host: nowhere\n")}, code: tosca.CodeUnknownName, at: "main.yaml:10", path: "requirements.host.node"},
		{name: "requirement target lacks capability", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      requirements:\n        - host: b\n    b:\n      type: ex.App\n")}, code: tosca.CodeUnknownName, at: "main.yaml:10", path: "requirements.host"},
		{name: "unknown interface", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      interfaces:\n        Ops: {}\n")}, code: tosca.CodeUnknownName, at: "main.yaml:10", path: "interfaces.Ops"},
		{name: "unknown operation", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      interfaces:\n        Standard:\n          reboot: x.sh\n")}, code: tosca.CodeUnknownName, at: "main.yaml:11", path: "interfaces.Standard.reboot"},
		{name: "artifact without type", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a:\n      type: ex.App\n      artifacts:\n        img: {file: a.img}\n")}, code: tosca.CodeMissingRequired, at: "main.yaml:10", path: "artifacts.img.type"},
		{name: "get_input of unknown input", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small, count: {get_input: m}}\n")}, code: tosca.CodeFunction, at: "main.yaml:9", path: "properties.count.get_input"},
		{name: "get_property of unknown node", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small, count: {get_property: [t, count]}}\n")}, code: tosca.CodeFunction, at: "main.yaml:9", path: "get_property"},
		{name: "get_property of unknown property", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: small, count: {get_property: [SELF, weight]}}\n")}, code: tosca.CodeFunction, at: "main.yaml:9", path: "get_property"},
		{name: "malformed token", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: {token: [a-b, '-']}}\n")}, code: tosca.CodeFunction, at: "main.yaml:9", path: "token"},
		{name: "malformed concat", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: {concat: small}}\n")}, code: tosca.CodeFunction, at: "main.yaml:9", path: "concat"},
		{name: "policy target unknown", files: map[string]string{"types.yaml": types, "main.yaml": topo("  policies:\n    - p: {type: ex.Policy, targets: [ghost]}\n")}, code: tosca.CodeUnknownName, at: "main.yaml:7", path: "policies.p.targets"},
		{name: "policy target of wrong type", files: map[string]string{"types.yaml": types, "main.yaml": topo("  node_templates:\n    a: {type: ex.App}\n  policies:\n    - p: {type: ex.Policy, targets: [a]}\n")}, code: tosca.CodeWrongType, at: "main.yaml:9", path: "policies.p.targets"},
		{name: "trigger without event", files: map[string]string{"types.yaml": types, "main.yaml": topo("  policies:\n    - p:\n        type: ex.Policy\n        triggers:\n          t: {action: [{call_operation: Standard.start}]}\n")}, code: tosca.CodeMissingRequired, at: "main.yaml:10", path: "triggers.t.event"},
		{name: "trigger bad operation", files: map[string]string{"types.yaml": types, "main.yaml": topo("  policies:\n    - p:\n        type: ex.Policy\n        triggers:\n          t: {event: e, action: [{call_operation: start}]}\n")}, code: tosca.CodeSyntax, at: "main.yaml:10", path: "triggers.t.action.0.call_operation"},
		{name: "group member unknown", files: map[string]string{"types.yaml": types, "main.yaml": topo("  groups:\n    g: {type: ex.Group, members: [ghost]}\n")}, code: tosca.CodeUnknownName, at: "main.yaml:7", path: "groups.g.members"},
		{name: "substitution of unknown type", files: map[string]string{"types.yaml": types, "main.yaml": topo("  substitution_mappings:\n    node_type: ex.Nope\n")}, code: tosca.CodeUnknownType, at: "main.yaml:7", path: "substitution_mappings.node_type"},
		{name: "substitution to unknown node", files: map[string]string{"types.yaml": types, "main.yaml": topo("  substitution_mappings:\n    node_type: ex.Server\n    capabilities:\n      host: [ghost, host]\n")}, code: tosca.CodeUnknownName, at: "main.yaml:9", path: "substitution_mappings.capabilities.host"},
		{name: "input value of wrong type", opts: tosca.Options{Inputs: map[string]any{"n": "one"}}, files: map[string]string{"types.yaml": types, "main.yaml": topo("")}, code: tosca.CodeWrongType, at: "inputs", path: "inputs.n"},
		{name: "alias bomb", files: map[string]string{"main.yaml": aliasBomb()}, code: tosca.CodeLimit, at: "main.yaml:"},
		{name: "deep nesting", files: map[string]string{"main.yaml": header + "description: " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n"}, code: tosca.CodeLimit, at: "main.yaml:2"},
		{name: "enormous map", opts: tosca.Options{Limits: tosca.Limits{MaxNodes: 1000}}, files: map[string]string{"main.yaml": header + "metadata:\n" + manyKeys(2000)}, code: tosca.CodeLimit, at: "main.yaml:"},
		{name: "total size", opts: tosca.Options{Limits: tosca.Limits{MaxTotalSize: 3000}}, files: map[string]string{"main.yaml": header + "imports: [a.yaml]\ndescription: " + strings.Repeat("x", 2000) + "\n", "a.yaml": header + "description: " + strings.Repeat("y", 2000) + "\n"}, code: tosca.CodeLimit, at: "main.yaml:2"},
		{name: "too many files", opts: tosca.Options{Limits: tosca.Limits{MaxFiles: 2}}, files: map[string]string{"main.yaml": header + "imports: [a.yaml, b.yaml]\n", "a.yaml": header, "b.yaml": header}, code: tosca.CodeLimit, at: "main.yaml:2"},
		{name: "deep derivation", files: map[string]string{"main.yaml": header + "node_types:\n" + typeChain(100)}, code: tosca.CodeLimit, at: "main.yaml:"},
		{name: "file too large", opts: tosca.Options{Limits: tosca.Limits{MaxFileSize: 1024}}, files: map[string]string{"main.yaml": header + "description: " + strings.Repeat("x", 2000) + "\n"}, code: tosca.CodeLimit, at: "main.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			entry := "main.yaml"
			if _, ok := tt.files[entry]; !ok {
				entry = "d/main.yaml"
			}
			_, err := tosca.Load(t.Context(), fsys, entry, tt.opts)
			if err == nil {
				t.Fatal("loaded without error")
			}
			for _, e := range tosca.Errors(err) {
				if e.Code == tt.code && strings.HasPrefix(e.Pos.String(), tt.at) && strings.Contains(e.Path, tt.path) {
					return
				}
			}
			t.Errorf("no %s error at %s with path %q in:\n%v", tt.code, tt.at, tt.path, err)
		})
	}
}

// typeChain writes n node types, each derived from the next.
func typeChain(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  t%d: {derived_from: t%d}\n", i, i+1)
	}
	fmt.Fprintf(&b, "  t%d: {derived_from: tosca.nodes.Root}\n", n)
	return b.String()
}

// manyKeys writes a map of n keys.
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	return b.String()
}

// aliasBomb is the billion-laughs document: nine levels of nine aliases.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString(header + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return b.String()
}

// TestLoadReportsEveryProblem checks problems are collected, not just the
// first, and come sorted by position.
func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"types.yaml": {Data: []byte(types)},
		"main.yaml":  {Data: []byte(topo("  node_templates:\n    s:\n      type: ex.Server\n      properties: {size: huge, count: x, colour: red}\n    a:\n      type: ex.App\n      requirements:\n        - host: nowhere\n"))},
	}
	_, err := tosca.Load(t.Context(), fsys, "main.yaml", tosca.Options{})
	errs := tosca.Errors(err)
	if len(errs) != 4 {
		t.Fatalf("want 4 problems, got %d:\n%v", len(errs), err)
	}
	for i := 1; i < len(errs); i++ {
		if errs[i].Pos.Line < errs[i-1].Pos.Line {
			t.Errorf("problems not in line order: %v", err)
		}
	}
	var e *tosca.Error
	if !errors.As(err, &e) || !strings.HasPrefix(e.Error(), "main.yaml:9:") {
		t.Errorf("first error = %v", e)
	}
}

func TestLoadHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	fsys := fstest.MapFS{"main.yaml": {Data: []byte(header)}}
	if _, err := tosca.Load(ctx, fsys, "main.yaml", tosca.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestErrorsUnwrapsWrappedJoins(t *testing.T) {
	t.Parallel()
	a := &tosca.Error{Code: tosca.CodeSyntax, Msg: "a"}
	b := &tosca.Error{Code: tosca.CodeLimit, Msg: "b"}
	err := fmt.Errorf("load vnfd x: %w", errors.Join(a, fmt.Errorf("ctx: %w", b)))
	if got := tosca.Errors(err); len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("Errors = %v", got)
	}
}
