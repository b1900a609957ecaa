package query

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// Kind is what an attribute holds, as far as filtering is concerned.
type Kind int

// The kinds of attribute. Arrays are not a kind of their own: an attribute
// of kind K may be an array (or an array of arrays) of K.
const (
	KindString Kind = iota + 1
	KindNumber
	KindBoolean
	KindDateTime
	// KindObject has the attributes its schema lists and no others.
	KindObject
	// KindOpen admits any key path below it (extensions, metadata, ...).
	KindOpen
)

var kindNames = map[Kind]string{
	KindString: "string", KindNumber: "number", KindBoolean: "boolean",
	KindDateTime: "date-time", KindObject: "object", KindOpen: "open map",
}

// String names the kind as error messages do.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// scalar reports whether attributes of kind k can be compared with values.
func (k Kind) scalar() bool { return k >= KindString && k <= KindDateTime }

// allows reports whether operator o applies to attributes of kind k.
func (k Kind) allows(o Op) bool {
	switch k {
	case KindString, KindOpen:
		return true
	case KindNumber, KindDateTime:
		return o != Cont && o != Ncont
	case KindBoolean:
		return o == Eq || o == Neq
	}
	return false
}

// node is one attribute of a schema.
type node struct {
	kind Kind
	// arrays is how many levels of array wrap the value: 1 for []T, 2 for [][]T.
	arrays int
	fields map[string]*node
}

// column is an attribute kept in a real SQL column besides the document.
type column struct {
	name string
	kind Kind
}

// Schema describes the attributes of one resource: their paths and kinds,
// and which of them live in indexed SQL columns. Build it once with
// [SchemaOf]; it is safe for concurrent use once built.
type Schema struct {
	root    *node
	columns map[string]column
}

// SchemaOf describes the JSON form of v, a struct or pointer to one, from
// its fields' json tags as encoding/json would marshal it: slices and arrays
// are arrays, time.Time is a date-time, maps, interfaces, json.RawMessage
// and types with their own MarshalJSON are open, pointers are followed,
// embedded structs are inlined, and text marshalers are strings. It panics
// if v is not a struct: schemas are built from the program's own types.
func SchemaOf(v any) *Schema {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("query: SchemaOf needs a struct, not %v", t))
	}
	b := builder{seen: map[reflect.Type]bool{}}
	return &Schema{root: b.object(t), columns: map[string]column{}}
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// builder walks Go types; seen breaks recursive types, whose inner
// occurrences become open.
type builder struct {
	seen map[reflect.Type]bool
}

func (b builder) object(t reflect.Type) *node {
	n := &node{kind: KindObject, fields: map[string]*node{}}
	if b.seen[t] {
		return &node{kind: KindOpen}
	}
	b.seen[t] = true
	defer delete(b.seen, t)
	b.fields(t, n.fields)
	return n
}

// fields adds t's JSON attributes to into, inlining embedded structs the way
// encoding/json does (outer names win).
func (b builder) fields(t reflect.Type, into map[string]*node) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		n := b.typ(f.Type)
		if hasOpt(opts, "string") && n.kind.scalar() && n.arrays == 0 {
			n.kind = KindString
		}
		into[name] = n
	}
	for _, et := range embedded {
		inner := map[string]*node{}
		b.fields(et, inner)
		for k, v := range inner {
			if _, ok := into[k]; !ok {
				into[k] = v
			}
		}
	}
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

func (b builder) typ(t reflect.Type) *node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return &node{kind: KindDateTime}
	case t == rawMessageType:
		return &node{kind: KindOpen}
	case implements(t, jsonMarshalerType):
		return &node{kind: KindOpen}
	case implements(t, textMarshalerType):
		return &node{kind: KindString}
	}
	switch t.Kind() {
	case reflect.String:
		return &node{kind: KindString}
	case reflect.Bool:
		return &node{kind: KindBoolean}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return &node{kind: KindNumber}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &node{kind: KindString} // base64
		}
		n := b.typ(t.Elem())
		n.arrays++
		return n
	case reflect.Struct:
		return b.object(t)
	}
	return &node{kind: KindOpen} // maps, interfaces, anything else
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

var columnName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Column says that the attribute at path (a/b) is also kept in the SQL
// column of that name, of kind KindString or KindNumber, so that terms on it
// use the column and its index. The path must not go through an array. If
// the attribute is not in the schema it is added. It panics on a bad column
// name, kind or path: columns are the program's own choice. It returns s.
func (s *Schema) Column(path, name string, kind Kind) *Schema {
	if !columnName.MatchString(name) || (kind != KindString && kind != KindNumber) {
		panic(fmt.Sprintf("query: column %q of kind %v cannot hold attribute %s", name, kind, path))
	}
	n := s.define(path, kind)
	if n.arrays != 0 {
		panic(fmt.Sprintf("query: attribute %s is an array and cannot map to column %s", path, name))
	}
	s.columns[path] = column{name: name, kind: kind}
	return s
}

// SetKind declares the kind of the attribute at path (a/b), for example a
// date-time that the Go type holds as a string. Array levels are kept. If
// the attribute is not in the schema it is added. It returns s.
func (s *Schema) SetKind(path string, kind Kind) *Schema {
	s.define(path, kind)
	return s
}

// define finds or adds the attribute at path and sets its kind.
func (s *Schema) define(path string, kind Kind) *node {
	n := s.root
	for _, name := range strings.Split(path, "/") {
		if n.kind != KindObject {
			panic(fmt.Sprintf("query: attribute %s goes through a %v", path, n.kind))
		}
		child, ok := n.fields[name]
		if !ok {
			child = &node{kind: KindObject, fields: map[string]*node{}}
			n.fields[name] = child
		}
		n = child
	}
	n.kind = kind
	if kind != KindObject {
		n.fields = nil
	}
	return n
}
