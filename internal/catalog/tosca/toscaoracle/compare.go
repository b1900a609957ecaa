package toscaoracle

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// Topology describes a topology the way the driver does: node_templates
// (type, type_chain, properties, capabilities' properties, requirements'
// name and node), policies (name, type, targets, properties) and groups.
func Topology(tp *tosca.TopologyTemplate) map[string]any {
	nodes := map[string]any{}
	for _, n := range tp.NodeTemplates {
		caps := map[string]any{}
		for name, c := range n.Capabilities {
			caps[name] = map[string]any{"properties": Values(c.Properties)}
		}
		reqs := []any{}
		for _, r := range n.Requirements {
			reqs = append(reqs, map[string]any{"name": r.Name, "node": r.Node})
		}
		nodes[n.Name] = map[string]any{
			"type": n.Type.Name, "type_chain": n.Type.Chain(), "properties": Values(n.Properties),
			"capabilities": caps, "requirements": reqs,
		}
	}
	policies := []any{}
	for _, p := range tp.Policies {
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
	for _, g := range tp.Groups {
		groups = append(groups, map[string]any{"name": g.Name, "type": g.Type.Name, "members": g.Members})
	}
	return map[string]any{"node_templates": nodes, "policies": policies, "groups": groups}
}

// Values gives the plain values of properties.
func Values(m map[string]*tosca.Value) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v.Interface()
	}
	return out
}

// Exclusion is a field of one package that tosca-parser has and the
// engine does not, for a documented reason. Compare checks that the field
// still differs that way, so that an exclusion cannot outlive its cause.
type Exclusion struct {
	// Key is the summary key ("node_templates") and Path the field under
	// it, dot-separated, list elements by index
	// ("VM.capabilities.virtual_compute.properties.virtual_memory.numa_enabled").
	Key, Path string
	// Theirs is tosca-parser's value of the field.
	Theirs any
	Reason string
}

// Compare reports each of keys on which ours and theirs differ, once the
// excluded fields are taken out of theirs.
func Compare(t testing.TB, what string, theirs, ours map[string]any, keys []string, excluded ...Exclusion) {
	t.Helper()
	for _, k := range keys {
		got, want := Normalize(t, ours[k]), Normalize(t, theirs[k])
		for _, e := range excluded {
			if e.Key != k {
				continue
			}
			v, ok := take(want, strings.Split(e.Path, "."))
			if _, inOurs := take(Normalize(t, got), strings.Split(e.Path, ".")); !ok || inOurs || !reflect.DeepEqual(v, Normalize(t, e.Theirs)) {
				t.Errorf("%s: exclusion of %s.%s (%s) no longer holds: tosca-parser has %v (found %v), ours has it: %v",
					what, e.Key, e.Path, e.Reason, v, ok, inOurs)
			}
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s %s differ\nours:   %s\ntheirs: %s", what, k, g, w)
		}
	}
}

// take removes the field at path from v, returning its value.
func take(v any, path []string) (any, bool) {
	for i, p := range path {
		last := i == len(path)-1
		switch c := v.(type) {
		case map[string]any:
			x, ok := c[p]
			if !ok {
				return nil, false
			}
			if last {
				delete(c, p)
				return x, true
			}
			v = x
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) || last {
				return nil, false
			}
			v = c[n]
		default:
			return nil, false
		}
	}
	return nil, false
}

// Normalize round-trips v through JSON so that both sides use the same Go
// types.
func Normalize(t testing.TB, v any) any {
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
