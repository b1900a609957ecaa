package tosca

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// etsiDir locates ETSI's published SOL 001 type files, which the tests use
// as the reference for the built-in profiles. They are not part of the
// project; CADENZA_ETSI_SOL001 overrides the default location.
func etsiDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CADENZA_ETSI_SOL001")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "etsi", "sol001")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CADENZA_REQUIRE_ETSI") == "1" {
			t.Fatalf("ETSI SOL 001 files not found at %s (set CADENZA_ETSI_SOL001)", dir)
		}
		t.Skipf("ETSI SOL 001 files not found at %s (set CADENZA_ETSI_SOL001)", dir)
	}
	return dir
}

// TestBuiltinProfilesMatchETSI loads ETSI's own type files with the engine
// and checks the built-in profile declares every type, property,
// requirement and capability the same way.
func TestBuiltinProfilesMatchETSI(t *testing.T) {
	t.Parallel()
	dir := etsiDir(t)
	profiles, err := builtinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		version string
		entry   string
	}{
		{name: "v2.6.1 vnfd", version: "v2.6.1", entry: "etsi_nfv_sol001_vnfd_types.yaml"},
		{name: "v4.4.1 vnfd", version: "v4.4.1", entry: "etsi_nfv_sol001_vnfd_types.yaml"},
		{name: "v4.4.1 nsd", version: "v4.4.1", entry: "etsi_nfv_sol001_nsd_types.yaml"},
		{name: "v4.4.1 pnfd", version: "v4.4.1", entry: "etsi_nfv_sol001_pnfd_types.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := newLoader(t.Context(), os.DirFS(filepath.Join(dir, tt.version)), Limits{})
			l.loadFile(tt.entry, Pos{File: tt.entry}, "")
			l.reg.base = profiles.tosca
			l.resolveTypes()
			if err := l.d.err(); err != nil {
				t.Fatalf("engine rejects ETSI's file: %v", err)
			}
			ours := profiles.sol001For(sol001Family(tt.version))
			for _, theirs := range l.reg.own {
				compareType(t, theirs, ours.lookup(theirs.Kind, theirs.Name))
			}
		})
	}
}

func compareType(t *testing.T, theirs, ours *Type) {
	t.Helper()
	if ours == nil {
		t.Errorf("%s %s: not built in", theirs.Kind, theirs.Name)
		return
	}
	if theirs.DerivedFrom != "" && !ours.DerivesFrom(theirs.DerivedFrom) && ours.DerivedFrom != theirs.DerivedFrom {
		t.Errorf("%s: derived_from %q, ETSI %q", theirs.Name, ours.DerivedFrom, theirs.DerivedFrom)
	}
	compareDefs(t, theirs.Name+" properties", theirs.Properties, ours.Property, ours.Properties)
	compareDefs(t, theirs.Name+" attributes", theirs.Attributes, ours.Attribute, ours.Attributes)
	for _, r := range theirs.Requirements {
		o := ours.Requirement(r.Name)
		if o == nil || o.Capability != r.Capability || o.Node != r.Node || o.Relationship != r.Relationship {
			t.Errorf("%s requirement %s: ours %+v, ETSI %+v", theirs.Name, r.Name, o, r)
		}
	}
	for name, c := range theirs.Capabilities {
		if o := ours.Capability(name); o == nil || o.Type != c.Type {
			t.Errorf("%s capability %s: ours %+v, ETSI %+v", theirs.Name, name, o, c)
		}
	}
	if !subset(theirs.ValidTypes, ours.ValidTypes) {
		t.Errorf("%s valid types: ours %v, ETSI %v", theirs.Name, ours.ValidTypes, theirs.ValidTypes)
	}
	for name := range theirs.Operations {
		if ours.Operation(name) == nil {
			t.Errorf("%s: operation %s missing", theirs.Name, name)
		}
	}
}

// compareDefs checks that our definitions accept whatever ETSI's accept and
// require nothing more: same types, no extra required property without a
// default, the same constraints or wider valid_values.
func compareDefs(t *testing.T, what string, theirs map[string]*PropertyDef, lookup func(string) *PropertyDef, ours map[string]*PropertyDef) {
	t.Helper()
	for name, p := range theirs {
		o := lookup(name)
		if o == nil {
			t.Errorf("%s: %s missing", what, name)
			continue
		}
		stricter := o.Required && !p.Required && o.Default == nil
		if o.Type != p.Type || stricter || schemaType(o.EntrySchema) != schemaType(p.EntrySchema) || schemaType(o.KeySchema) != schemaType(p.KeySchema) {
			t.Errorf("%s: %s is %s required=%v entry=%s, ETSI %s required=%v entry=%s", what, name,
				o.Type, o.Required, schemaType(o.EntrySchema), p.Type, p.Required, schemaType(p.EntrySchema))
		}
		if !widens(o.Constraints, p.Constraints) {
			t.Errorf("%s: %s constraints %s, ETSI %s", what, name, constraintText(o.Constraints), constraintText(p.Constraints))
		}
		if o.EntrySchema != nil && p.EntrySchema != nil && !widens(o.EntrySchema.Constraints, p.EntrySchema.Constraints) {
			t.Errorf("%s: %s entry constraints %s, ETSI %s", what, name, constraintText(o.EntrySchema.Constraints), constraintText(p.EntrySchema.Constraints))
		}
		if (o.Default == nil) != (p.Default == nil) || (o.Default != nil && o.Default.Str != p.Default.Str) {
			t.Errorf("%s: %s default %v, ETSI %v", what, name, o.Default.Interface(), p.Default.Interface())
		}
	}
	for name := range ours {
		if theirs[name] == nil && ours[name].Required && ours[name].Default == nil {
			t.Errorf("%s: %s required here but not defined by ETSI", what, name)
		}
	}
}

// widens reports whether ours are the same constraints as theirs, or the
// same with valid_values lists that include theirs.
func widens(ours, theirs []*Constraint) bool {
	if constraintText(ours) == constraintText(theirs) {
		return true
	}
	if len(ours) != 1 || len(theirs) != 1 || ours[0].Op != "valid_values" || theirs[0].Op != "valid_values" {
		return false
	}
	return subset(argStrings(theirs[0].Args), argStrings(ours[0].Args))
}

func argStrings(vs []*Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Str
	}
	return out
}

func subset(small, big []string) bool {
	for _, s := range small {
		if !slices.Contains(big, s) {
			return false
		}
	}
	return true
}

func schemaType(s *Schema) string {
	if s == nil {
		return ""
	}
	return s.Type
}

func constraintText(cs []*Constraint) string {
	out := ""
	for _, c := range cs {
		out += c.Op + "["
		for _, a := range c.Args {
			if f, ok := a.Float(); ok {
				out += " " + FromGo(f, Pos{}).Str
				continue
			}
			out += " " + a.Str
		}
		out += "]"
	}
	return out
}
