package tosca

import (
	"sort"
	"strings"
)

// registry holds type definitions by kind and name. A load's registry sits
// on top of the shared, read-only registries of the built-in profiles.
type registry struct {
	base  *registry
	types [numTypeKinds]map[string]*Type
	// own lists the types defined at this level, aliases excluded, in
	// definition order.
	own []*Type
}

func newRegistry(base *registry) *registry {
	r := &registry{base: base}
	for i := range r.types {
		r.types[i] = map[string]*Type{}
	}
	return r
}

// lookup resolves a name, searching the base registries too.
func (r *registry) lookup(kind TypeKind, name string) *Type {
	for x := r; x != nil; x = x.base {
		if t := x.types[kind][name]; t != nil {
			return t
		}
	}
	return nil
}

// lookupAny resolves a name in any kind, preferring the order given.
func (r *registry) lookupAny(name string, kinds ...TypeKind) *Type {
	for _, k := range kinds {
		if t := r.lookup(k, name); t != nil {
			return t
		}
	}
	return nil
}

// define adds a type under its name; it returns the type already defined
// under that name at this level, if any.
func (r *registry) define(t *Type) *Type {
	if prev := r.types[t.Kind][t.Name]; prev != nil {
		return prev
	}
	r.types[t.Kind][t.Name] = t
	r.own = append(r.own, t)
	return nil
}

// alias makes t reachable under another name unless that name is taken.
func (r *registry) alias(name string, t *Type) {
	if _, ok := r.types[t.Kind][name]; !ok {
		r.types[t.Kind][name] = t
	}
}

// addShortNames registers the TOSCA shorthand names of the normative types:
// tosca.nodes.Compute is also Compute and tosca:Compute.
func (r *registry) addShortNames() {
	for _, t := range r.own {
		if !strings.HasPrefix(t.Name, "tosca.") {
			continue
		}
		parts := strings.SplitN(t.Name, ".", 3)
		if len(parts) < 3 {
			continue
		}
		r.alias(parts[2], t)
		r.alias("tosca:"+parts[2], t)
	}
}

// all lists the distinct types of a kind visible from r, sorted by name.
func (r *registry) all(kind TypeKind) []*Type {
	seen := map[*Type]bool{}
	var out []*Type
	for x := r; x != nil; x = x.base {
		for _, t := range x.own {
			if t.Kind == kind && !seen[t] && r.lookup(kind, t.Name) == t {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
