package tosca

import (
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Constraint is one constraint clause of a property, schema or data type.
type Constraint struct {
	// Op is the operator keyword: equal, greater_than, greater_or_equal,
	// less_than, less_or_equal, in_range, valid_values, length, min_length,
	// max_length or pattern.
	Op   string
	Args []*Value
	Pos  Pos

	re *regexp.Regexp
}

// maxPatternLen bounds a pattern constraint; RE2 runs in linear time, but
// compiling a huge pattern still costs memory.
const maxPatternLen = 4096

// constraints parses a list of constraint clauses.
func (p *parser) constraints(v *Value, path string) []*Constraint {
	if !p.wantList(v, path) {
		return nil
	}
	out := make([]*Constraint, 0, len(v.List))
	for i, item := range v.List {
		cpath := joinPath(path, strconv.Itoa(i))
		if item.Kind != KindMap || len(item.Map) != 1 {
			p.d.add(CodeSyntax, item.Pos, cpath, "a constraint must be a map with one operator")
			continue
		}
		if c := p.constraint(item.Map[0], cpath); c != nil {
			out = append(out, c)
		}
	}
	return out
}

func (p *parser) constraint(e Entry, path string) *Constraint {
	c := &Constraint{Op: e.Key, Pos: e.KeyPos}
	arg := e.Value
	switch e.Key {
	case "equal", "greater_than", "greater_or_equal", "less_than", "less_or_equal",
		"length", "min_length", "max_length":
		c.Args = []*Value{arg}
	case "in_range":
		if arg.Kind != KindList || len(arg.List) != 2 {
			p.d.add(CodeSyntax, arg.Pos, path, "in_range needs a list of two bounds")
			return nil
		}
		c.Args = arg.List
	case "valid_values":
		if arg.Kind != KindList {
			p.d.add(CodeSyntax, arg.Pos, path, "valid_values needs a list")
			return nil
		}
		c.Args = arg.List
	case "pattern":
		if len(arg.Str) > maxPatternLen {
			p.d.add(CodeLimit, arg.Pos, path, "pattern longer than %d bytes", maxPatternLen)
			return nil
		}
		re, err := regexp.Compile("^(?:" + arg.Str + ")$")
		if err != nil {
			p.d.add(CodeSyntax, arg.Pos, path, "bad pattern: %v", err)
			return nil
		}
		c.re, c.Args = re, []*Value{arg}
	case "schema":
		return nil // TOSCA 1.3 external schema: not checked
	default:
		p.d.add(CodeSyntax, e.KeyPos, path, "unknown constraint operator %q", e.Key)
		return nil
	}
	return c
}

// check reports whether v satisfies c; base is the primitive type the value
// is compared as. An empty message means satisfied.
func (c *Constraint) check(v *Value, base string) string {
	if base == "range" && v.Kind == KindList && c.Op != "length" && c.Op != "min_length" && c.Op != "max_length" {
		// A range satisfies a bound when both its ends do.
		for _, end := range v.List {
			if end.Str == "UNBOUNDED" {
				continue
			}
			if msg := c.check(end, "integer"); msg != "" {
				return msg
			}
		}
		return ""
	}
	switch c.Op {
	case "equal":
		if cmp, ok := compareValues(v, c.Args[0], base); !ok || cmp != 0 {
			return fmt.Sprintf("must equal %s", show(c.Args[0]))
		}
	case "greater_than", "greater_or_equal", "less_than", "less_or_equal":
		return c.checkOrder(v, base)
	case "in_range":
		lo, okLo := compareValues(v, c.Args[0], base)
		hi, okHi := compareValues(v, c.Args[1], base)
		unbounded := c.Args[1].Str == "UNBOUNDED"
		if !okLo || lo < 0 || (!unbounded && (!okHi || hi > 0)) {
			return fmt.Sprintf("must be in range [%s, %s]", show(c.Args[0]), show(c.Args[1]))
		}
	case "valid_values":
		for _, a := range c.Args {
			if cmp, ok := compareValues(v, a, base); ok && cmp == 0 {
				return ""
			}
		}
		return fmt.Sprintf("must be one of %s", showList(c.Args))
	case "length", "min_length", "max_length":
		return c.checkLength(v)
	case "pattern":
		if v.Kind == KindList || v.Kind == KindMap || !c.re.MatchString(v.Str) {
			return fmt.Sprintf("must match pattern %q", c.Args[0].Str)
		}
	}
	return ""
}

func (c *Constraint) checkOrder(v *Value, base string) string {
	cmp, ok := compareValues(v, c.Args[0], base)
	good := ok
	if ok {
		switch c.Op {
		case "greater_than":
			good = cmp > 0
		case "greater_or_equal":
			good = cmp >= 0
		case "less_than":
			good = cmp < 0
		case "less_or_equal":
			good = cmp <= 0
		}
	}
	if !good {
		return fmt.Sprintf("must be %s %s", c.Op, show(c.Args[0]))
	}
	return ""
}

func (c *Constraint) checkLength(v *Value) string {
	want, ok := c.Args[0].Int()
	if !ok {
		return fmt.Sprintf("%s needs an integer argument", c.Op)
	}
	var n int
	switch v.Kind {
	case KindList:
		n = len(v.List)
	case KindMap:
		n = len(v.Map)
	default:
		n = utf8.RuneCountInString(v.Str)
	}
	switch {
	case c.Op == "length" && int64(n) != want:
		return fmt.Sprintf("length must be %d, not %d", want, n)
	case c.Op == "min_length" && int64(n) < want:
		return fmt.Sprintf("length must be at least %d, not %d", want, n)
	case c.Op == "max_length" && int64(n) > want:
		return fmt.Sprintf("length must be at most %d, not %d", want, n)
	}
	return ""
}

// compareValues orders a and b as values of the primitive base; ok is false
// when they cannot be compared.
func compareValues(a, b *Value, base string) (int, bool) {
	switch base {
	case "integer", "float":
		x, ok1 := a.Float()
		y, ok2 := b.Float()
		return cmpFloat(x, y), ok1 && ok2
	case "scalar-unit.size", "scalar-unit.time", "scalar-unit.frequency", "scalar-unit.bitrate":
		x, err1 := parseScalarUnit(a, base)
		y, err2 := parseScalarUnit(b, base)
		return cmpFloat(x, y), err1 == nil && err2 == nil
	case "version":
		return compareVersions(a.Str, b.Str)
	}
	if a.Kind == KindList || a.Kind == KindMap || b.Kind == KindList || b.Kind == KindMap {
		return 0, false
	}
	switch {
	case a.Str < b.Str:
		return -1, true
	case a.Str > b.Str:
		return 1, true
	}
	return 0, true
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func show(v *Value) string {
	if v.Kind == KindList || v.Kind == KindMap {
		return fmt.Sprint(v.Interface())
	}
	return strconv.Quote(v.Str)
}

func showList(vs []*Value) string {
	out := "["
	for i, v := range vs {
		if i > 0 {
			out += ", "
		}
		out += show(v)
	}
	return out + "]"
}
