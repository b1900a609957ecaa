package tosca

import (
	"sort"
	"strconv"
	"strings"
)

// checker validates values against types. topo and self give functions
// their context; both may be nil while checking type definitions.
type checker struct {
	reg  *registry
	d    *diag
	topo *TopologyTemplate
	self *NodeTemplate
}

// spec is what a value must conform to.
type spec struct {
	Type        string
	Entry, Key  *Schema
	Constraints []*Constraint
}

func defSpec(d *PropertyDef) spec {
	return spec{Type: d.Type, Entry: d.EntrySchema, Key: d.KeySchema, Constraints: d.Constraints}
}

func schemaSpec(s *Schema) spec {
	if s == nil {
		return spec{Type: "any"}
	}
	return spec{Type: s.Type, Entry: s.EntrySchema, Key: s.KeySchema, Constraints: s.Constraints}
}

func (c *checker) typeRef(name string, pos Pos, path string, kinds ...TypeKind) *Type {
	if name == "" {
		return nil
	}
	if t := c.reg.lookupAny(name, kinds...); t != nil {
		return t
	}
	c.d.add(CodeUnknownType, pos, path, "unknown %s %q", kinds[0], name)
	return nil
}

func (c *checker) typeRefs(names []string, pos Pos, path string, kinds ...TypeKind) {
	for _, n := range names {
		c.typeRef(n, pos, path, kinds...)
	}
}

func (c *checker) dataTypeRef(name string, pos Pos, path string) {
	if name == "" || isPrimitive(name) {
		return
	}
	c.typeRef(name, pos, path, DataType)
}

func (c *checker) schemaRef(s *Schema, path string) {
	if s == nil {
		return
	}
	c.dataTypeRef(s.Type, s.Pos, joinPath(path, "type"))
	c.schemaRef(s.EntrySchema, joinPath(path, "entry_schema"))
	c.schemaRef(s.KeySchema, joinPath(path, "key_schema"))
}

// propertyDefs checks the types named by definitions and their defaults.
func (c *checker) propertyDefs(defs map[string]*PropertyDef, path string) {
	for _, name := range sortedKeys(defs) {
		def := defs[name]
		p := joinPath(path, name)
		c.dataTypeRef(def.Type, def.Pos, joinPath(p, "type"))
		c.schemaRef(def.EntrySchema, joinPath(p, "entry_schema"))
		c.schemaRef(def.KeySchema, joinPath(p, "key_schema"))
		if !def.Default.IsNull() {
			c.value(def.Default, defSpec(def), joinPath(p, "default"))
		}
		c.constraintArgs(def.Type, def.Constraints, joinPath(p, "constraints"))
	}
}

// constraintArgs checks that the bounds and values of comparison
// constraints are values of the constrained type ("5 min" is no time).
func (c *checker) constraintArgs(typ string, cons []*Constraint, path string) {
	base := typ
	if dt := c.reg.lookup(DataType, typ); dt != nil {
		base = dt.primitiveBase()
	}
	switch base {
	case "integer", "float", "version", "timestamp", "string",
		"scalar-unit.size", "scalar-unit.time", "scalar-unit.frequency", "scalar-unit.bitrate":
	default:
		return // lists, maps, ranges and complex types bound other things
	}
	for _, con := range cons {
		switch con.Op {
		case "equal", "greater_than", "greater_or_equal", "less_than", "less_or_equal", "in_range", "valid_values":
		default:
			continue
		}
		for _, a := range con.Args {
			if con.Op == "in_range" && a.Str == "UNBOUNDED" {
				continue
			}
			c.value(a, spec{Type: base}, joinPath(path, con.Op))
		}
	}
}

// assign checks assigned values (a map, or nil) against definitions and
// returns them with defaults filled in. lookup finds a definition by name;
// all lists every definition.
func (c *checker) assign(v *Value, lookup func(string) *PropertyDef, all []*PropertyDef, at Pos, path, what string, enforceRequired bool) map[string]*Value {
	out := map[string]*Value{}
	if v != nil && v.Kind == KindMap {
		for _, e := range v.Map {
			def := lookup(e.Key)
			if def == nil {
				c.d.add(CodeUnknownProperty, e.KeyPos, joinPath(path, e.Key), "%s %q is not defined", what, e.Key)
				continue
			}
			c.value(e.Value, defSpec(def), joinPath(path, e.Key))
			out[e.Key] = e.Value
		}
	} else if !v.IsNull() {
		c.d.add(CodeSyntax, v.Pos, path, "must be a map, not a %s", v.Kind)
	}
	for _, def := range all {
		if _, ok := out[def.Name]; ok {
			continue
		}
		switch {
		case !def.Default.IsNull():
			out[def.Name] = def.Default
		case enforceRequired && def.Required:
			c.d.add(CodeMissingRequired, at, joinPath(path, def.Name), "required %s %q has no value", what, def.Name)
		}
	}
	return out
}

// value checks v against s, reporting every mismatch under path.
func (c *checker) value(v *Value, s spec, path string) {
	if v.IsNull() {
		return
	}
	if isFunction(v) {
		c.function(v, path)
		return
	}
	base := s.Type
	switch {
	case s.Type == "" || s.Type == "any":
		return
	case isPrimitive(s.Type):
		if !c.primitive(v, s, path) {
			return
		}
	default:
		dt := c.reg.lookup(DataType, s.Type)
		if dt == nil {
			return // reported where the type is named
		}
		base = dt.primitiveBase()
		if !c.dataValue(v, dt, s, path) {
			return
		}
	}
	c.constraints(v, s.Constraints, base, path)
}

func (c *checker) constraints(v *Value, cons []*Constraint, base, path string) {
	for _, con := range cons {
		if msg := con.check(v, base); msg != "" {
			c.d.add(CodeConstraint, v.Pos, path, "value %s %s", show(v), msg)
		}
	}
}

// primitive checks a value of a built-in type; it reports whether the value
// has the right shape (and constraints are worth checking).
func (c *checker) primitive(v *Value, s spec, path string) bool {
	ok := true
	switch s.Type {
	case "string":
		ok = v.Kind == KindString || v.Kind == KindTimestamp
	case "integer":
		_, ok = v.Int()
	case "float":
		_, ok = v.Float()
	case "boolean":
		ok = v.Kind == KindBool
	case "timestamp":
		ok = v.Kind == KindTimestamp || (v.Kind == KindString && validTimestamp(v.Str))
	case "version":
		ok = (v.Kind == KindString || v.Kind == KindFloat || v.Kind == KindInt) && validVersion(v.Str)
	case "null":
		ok = v.Kind == KindNull
	case "range":
		ok = validRange(v)
	case "list":
		return c.list(v, s, path)
	case "map":
		return c.mapValue(v, s, path)
	default: // scalar units
		if _, err := parseScalarUnit(v, s.Type); err != nil {
			c.d.add(CodeWrongType, v.Pos, path, "%v", err)
			return false
		}
	}
	if !ok {
		c.d.add(CodeWrongType, v.Pos, path, "want %s, got %s %s", s.Type, v.Kind, show(v))
	}
	return ok
}

func validRange(v *Value) bool {
	if v.Kind != KindList || len(v.List) != 2 {
		return false
	}
	lo, ok := v.List[0].Int()
	if !ok {
		return false
	}
	if v.List[1].Str == "UNBOUNDED" {
		return true
	}
	hi, ok := v.List[1].Int()
	return ok && lo <= hi
}

func (c *checker) list(v *Value, s spec, path string) bool {
	if v.Kind != KindList {
		c.d.add(CodeWrongType, v.Pos, path, "must be a list, not a %s", v.Kind)
		return false
	}
	if s.Entry != nil {
		for i, x := range v.List {
			c.value(x, schemaSpec(s.Entry), joinPath(path, strconv.Itoa(i)))
		}
	}
	return true
}

func (c *checker) mapValue(v *Value, s spec, path string) bool {
	if v.Kind != KindMap {
		c.d.add(CodeWrongType, v.Pos, path, "must be a map, not a %s", v.Kind)
		return false
	}
	for _, e := range v.Map {
		if s.Key != nil {
			key := newString(e.Key, e.KeyPos)
			if e.KeyKind != KindNull {
				key.Kind = e.KeyKind
			}
			c.value(key, schemaSpec(s.Key), joinPath(path, e.Key))
		}
		if s.Entry != nil {
			c.value(e.Value, schemaSpec(s.Entry), joinPath(path, e.Key))
		}
	}
	return true
}

// dataValue checks a value of a data type: one derived from a primitive
// is checked as that primitive, a complex one field by field.
func (c *checker) dataValue(v *Value, dt *Type, s spec, path string) bool {
	if base := dt.primitiveBase(); base != "" {
		inner := spec{Type: base, Entry: s.Entry, Key: s.Key}
		for x := dt; x != nil; x = x.Parent {
			if inner.Entry == nil {
				inner.Entry = x.EntrySchema
			}
			if inner.Key == nil {
				inner.Key = x.KeySchema
			}
		}
		c.value(v, inner, path)
		for x := dt; x != nil; x = x.Parent {
			c.constraints(v, x.Constraints, base, path)
		}
		return true
	}
	if v.Kind != KindMap {
		c.d.add(CodeWrongType, v.Pos, path, "must be a map of %s, not a %s", dt.Name, v.Kind)
		return false
	}
	c.assign(v, dt.Property, dt.AllProperties(), v.Pos, path, "property of "+dt.Name+" field", true)
	for x := dt; x != nil; x = x.Parent {
		c.constraints(v, x.Constraints, "", path)
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validTypesOf returns the nearest non-empty ValidTypes up the chain.
func validTypesOf(t *Type) []string {
	for x := t; x != nil; x = x.Parent {
		if len(x.ValidTypes) > 0 {
			return x.ValidTypes
		}
	}
	return nil
}

// derivesFromAny reports whether t derives from one of names, resolving
// short names through reg.
func derivesFromAny(reg *registry, t *Type, names []string) bool {
	for _, n := range names {
		if t.DerivesFrom(n) {
			return true
		}
		if r := reg.lookupAny(n, t.Kind); r != nil && t.DerivesFrom(r.Name) {
			return true
		}
	}
	return false
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
