package tosca_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// chain builds a node whose properties p0..pN each concatenate the next
// one fan times.
func chain(n, fan int, last string) string {
	var b strings.Builder
	b.WriteString(header + "node_types:\n  T:\n    derived_from: tosca.nodes.Root\n    properties:\n")
	for i := 0; i <= n; i++ {
		fmt.Fprintf(&b, "      p%d: {type: string}\n", i)
	}
	b.WriteString("topology_template:\n  node_templates:\n    n:\n      type: T\n      properties:\n")
	fmt.Fprintf(&b, "        p%d: %s\n", n, last)
	for i := 0; i < n; i++ {
		args := strings.Repeat(fmt.Sprintf("{get_property: [SELF, p%d]}, ", i+1), fan)
		fmt.Fprintf(&b, "        p%d: {concat: [%s]}\n", i, strings.TrimSuffix(args, ", "))
	}
	return b.String()
}

func TestResolveBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		want    string
		wantErr string
	}{
		{name: "short chain", doc: chain(3, 2, "ab"), want: strings.Repeat("ab", 8)},
		{name: "fan-out is bounded", doc: chain(15, 2, "''"), wantErr: "function calls"},
		{name: "long chain is bounded", doc: chain(40, 1, "x"), wantErr: "deeper than"},
		{name: "self reference", doc: chain(1, 1, "{get_property: [SELF, p0]}"), wantErr: "refers to itself"},
		{name: "string size is bounded", doc: chain(6, 3, "'"+strings.Repeat("x", 2000)+"'"), wantErr: "longer than"},
		{name: "token keeps empty fields", doc: header + "node_types:\n  T:\n    derived_from: tosca.nodes.Root\n    properties:\n      p0: {type: string}\ntopology_template:\n  node_templates:\n    n:\n      type: T\n      properties:\n        p0: {token: ['a,,b:c', ',:', 3]}\n", want: "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := tosca.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(tt.doc)}}, "a.yaml", tosca.Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := st.Topology.Node("n")
			v, err := st.Topology.Resolve(n.Properties["p0"], n)
			if tt.wantErr != "" {
				var re *tosca.ResolveError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &re) || re.Pos.File != "a.yaml" {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || v.String() != tt.want {
				t.Fatalf("got %v, %v; want %q", v, err, tt.want)
			}
		})
	}
}

func TestResolveRuntimeValue(t *testing.T) {
	t.Parallel()
	st := loadConstructs(t, tosca.Options{})
	app := st.Topology.Node("app")
	_, err := st.Topology.Resolve(app.Attributes["url"], app)
	if !errors.Is(err, tosca.ErrNotStatic) {
		t.Errorf("err = %v, want ErrNotStatic", err)
	}
}

// TestResolveTopologyBudget checks repeated resolution of an expensive
// property stops once the topology's budget is spent.
func TestResolveTopologyBudget(t *testing.T) {
	t.Parallel()
	st, err := tosca.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(chain(11, 2, "x"))}}, "a.yaml", tosca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := st.Topology.Node("n")
	for i := range 1000 {
		_, err := st.Topology.Resolve(n.Properties["p0"], n)
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), "budget") || i < 100 {
			t.Fatalf("call %d: %v", i, err)
		}
		return
	}
	t.Fatal("the budget was never spent")
}
