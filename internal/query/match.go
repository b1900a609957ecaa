package query

import (
	"encoding/json"
	"strings"
)

// Match reports whether doc matches f, evaluated in memory with the same
// semantics as the SQL of [Schema.Where]. doc is decoded JSON
// (map[string]any, as encoding/json produces); any other value is first
// converted through its JSON form. A filter that does not pass [Schema.Check]
// matches nothing.
func (s *Schema) Match(f Filter, doc any) bool {
	terms, err := s.compile(f)
	if err != nil {
		return false
	}
	doc, ok := normalize(doc)
	if !ok {
		return false
	}
	for _, t := range terms {
		if !t.match(doc) {
			return false
		}
	}
	return true
}

// normalize turns doc into the shapes encoding/json decodes into any.
func normalize(doc any) (any, bool) {
	if decoded(doc) {
		return doc, true
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, false
	}
	var out any
	return out, json.Unmarshal(raw, &out) == nil
}

// decoded reports whether v holds only what encoding/json decodes into any
// (a map built by hand may hold []string or int, which Match would miss).
func decoded(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			if !decoded(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range v {
			if !decoded(e) {
				return false
			}
		}
		return true
	case string, float64, bool, nil, json.Number:
		return true
	}
	return false
}

func (t cterm) match(doc any) bool {
	found := false
	pos := t.op.positive()
	t.plan.leaves(doc, func(leaf any) bool {
		for _, v := range t.vals {
			if compare(pos, t.plan.kind, leaf, v) {
				found = true
				return false
			}
		}
		return true
	})
	return found != t.op.negated()
}

// leaves calls yield with each leaf value the plan reaches in doc, until
// yield returns false.
func (p plan) leaves(doc any, yield func(any) bool) {
	cur := []any{doc}
	for _, g := range p.groups {
		var next []any
		for _, v := range cur {
			x, ok := lookup(v, g.keys)
			if ok {
				next = unwrap(next, x, g.arrays)
			}
		}
		cur = next
	}
	for _, v := range cur {
		x, ok := lookup(v, p.leafKeys)
		if !ok {
			continue
		}
		if p.loose {
			if !yieldLoose(x, yield) {
				return
			}
			continue
		}
		if !yield(x) {
			return
		}
	}
}

func yieldLoose(x any, yield func(any) bool) bool {
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			if !yield(e) {
				return false
			}
		}
		return true
	case map[string]any:
		return true
	}
	return yield(x)
}

// unwrap appends to out the elements of x found by looking through levels
// of arrays; anything that is not an array where one is expected is skipped.
func unwrap(out []any, x any, levels int) []any {
	arr, ok := x.([]any)
	if !ok {
		return out
	}
	if levels == 1 {
		return append(out, arr...)
	}
	for _, e := range arr {
		out = unwrap(out, e, levels-1)
	}
	return out
}

func lookup(v any, keys []string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// compare applies a positive operator to one leaf value of kind k.
func compare(op Op, k Kind, leaf any, v value) bool {
	if n, ok := leaf.(json.Number); ok {
		f, err := n.Float64()
		if err != nil {
			return false
		}
		leaf = f
	}
	switch k {
	case KindString:
		s, ok := leaf.(string)
		return ok && compareString(op, s, v.s)
	case KindNumber:
		f, ok := leaf.(float64)
		return ok && ordered(op, cmpFloat(f, v.num))
	case KindBoolean:
		b, ok := leaf.(bool)
		return ok && b == v.b
	case KindDateTime:
		return compareTime(op, leaf, v)
	case KindOpen:
		return compareOpen(op, leaf, v)
	}
	return false
}

func compareString(op Op, s, want string) bool {
	if op == Cont {
		return strings.Contains(s, want)
	}
	return ordered(op, strings.Compare(s, want))
}

func compareOpen(op Op, leaf any, v value) bool {
	switch x := leaf.(type) {
	case string:
		return compareString(op, x, v.s)
	case float64:
		return v.isNum && op != Cont && ordered(op, cmpFloat(x, v.num))
	case bool:
		return v.isBool && op == Eq && x == v.b
	}
	return false
}

func compareTime(op Op, leaf any, v value) bool {
	s, ok := leaf.(string)
	if !ok {
		return false
	}
	t, err := parseTime(s)
	return err == nil && ordered(op, t.Compare(v.t))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ordered reports whether a comparison result c satisfies op (Eq, Gt, Lt,
// Gte or Lte).
func ordered(op Op, c int) bool {
	switch op {
	case Eq:
		return c == 0
	case Gt:
		return c > 0
	case Lt:
		return c < 0
	case Gte:
		return c >= 0
	case Lte:
		return c <= 0
	}
	return false
}
