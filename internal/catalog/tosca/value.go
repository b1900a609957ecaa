package tosca

import (
	"fmt"
	"strconv"
	"strings"
)

// Pos is a location in a definitions file; lines and columns count from 1.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

func (p Pos) less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Kind is the YAML kind of a Value once tags are resolved.
type Kind uint8

// Value kinds.
const (
	KindNull Kind = iota
	KindString
	KindInt
	KindFloat
	KindBool
	KindTimestamp
	KindList
	KindMap
)

var kindNames = [...]string{"null", "string", "integer", "float", "boolean", "timestamp", "list", "map"}

// String names the kind as TOSCA does.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Value is a YAML value with its position. Aliases are expanded (under the
// load's node budget) so a Value is always a tree.
type Value struct {
	Kind Kind
	// Str is the scalar as written, for every scalar kind.
	Str  string
	List []*Value
	Map  []Entry
	Pos  Pos
}

// Entry is one key of a map Value, in document order.
type Entry struct {
	Key    string
	KeyPos Pos
	// KeyKind is the YAML kind of the key (integer keys are common in
	// SOL 001 level maps); zero means string.
	KeyKind Kind
	Value   *Value
}

// Get returns the value of key in a map, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != KindMap {
		return nil
	}
	for i := range v.Map {
		if v.Map[i].Key == key {
			return v.Map[i].Value
		}
	}
	return nil
}

// IsNull reports whether v is absent or null.
func (v *Value) IsNull() bool { return v == nil || v.Kind == KindNull }

// String returns the scalar text of v, or "" when v is not a scalar.
func (v *Value) String() string {
	if v == nil || v.Kind == KindList || v.Kind == KindMap {
		return ""
	}
	return v.Str
}

// Int returns v as an integer when it is one.
func (v *Value) Int() (int64, bool) {
	if v == nil || v.Kind != KindInt {
		return 0, false
	}
	n, err := parseYAMLInt(v.Str)
	return n, err == nil
}

// Float returns v as a number when it is an integer or a float.
func (v *Value) Float() (float64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Kind {
	case KindInt:
		n, err := parseYAMLInt(v.Str)
		return float64(n), err == nil
	case KindFloat:
		return parseYAMLFloat(v.Str)
	}
	return 0, false
}

// Bool returns v as a boolean when it is one.
func (v *Value) Bool() (bool, bool) {
	if v == nil || v.Kind != KindBool {
		return false, false
	}
	return strings.EqualFold(v.Str, "true"), true
}

// Keys lists the keys of a map value in document order.
func (v *Value) Keys() []string {
	if v == nil || v.Kind != KindMap {
		return nil
	}
	keys := make([]string, len(v.Map))
	for i, e := range v.Map {
		keys[i] = e.Key
	}
	return keys
}

// Interface converts v to plain Go values: nil, string, int64, float64,
// bool, []any and map[string]any. Timestamps stay strings.
func (v *Value) Interface() any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case KindNull:
		return nil
	case KindInt:
		if n, ok := v.Int(); ok {
			return n
		}
		return v.Str
	case KindFloat:
		if f, ok := v.Float(); ok {
			return f
		}
		return v.Str
	case KindBool:
		b, _ := v.Bool()
		return b
	case KindList:
		out := make([]any, len(v.List))
		for i, x := range v.List {
			out[i] = x.Interface()
		}
		return out
	case KindMap:
		out := make(map[string]any, len(v.Map))
		for _, e := range v.Map {
			out[e.Key] = e.Value.Interface()
		}
		return out
	}
	return v.Str
}

func parseYAMLInt(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	if strings.HasPrefix(s, "0o") {
		return strconv.ParseInt(s[2:], 8, 64)
	}
	if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	return strconv.ParseInt(s, 0, 64)
}

func parseYAMLFloat(s string) (float64, bool) {
	switch strings.ToLower(s) {
	case ".inf", "+.inf":
		return 0, false
	case "-.inf", ".nan":
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return f, err == nil
}

// newString builds a string value, used for synthesised values.
func newString(s string, pos Pos) *Value { return &Value{Kind: KindString, Str: s, Pos: pos} }
