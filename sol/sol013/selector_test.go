package sol013

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
)

func TestSelector_Apply(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"id": "x", "state": "ON",
		"info":  map[string]any{"flavour": "f", "vnfcs": []any{map[string]any{"vdu": "a", "res": map[string]any{"h": 1}}}},
		"ext":   map[string]any{"a": 1},
		"links": map[string]any{"self": "s"},
	}
	sel := Selection{Defaults: [][]string{{"ext"}, {"info", "vnfcs"}}, Mandatory: [][]string{{"links"}}}
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"default excludes", "", `{"id":"x","info":{"flavour":"f"},"links":{"self":"s"},"state":"ON"}`},
		{"all_fields", "all_fields", `{"ext":{"a":1},"id":"x","info":{"flavour":"f","vnfcs":[{"res":{"h":1},"vdu":"a"}]},"links":{"self":"s"},"state":"ON"}`},
		{"exclude_fields keeps mandatory", "exclude_fields=links,info/vnfcs/res", `{"ext":{"a":1},"id":"x","info":{"flavour":"f","vnfcs":[{"vdu":"a"}]},"links":{"self":"s"},"state":"ON"}`},
		{"fields keeps simple and mandatory attributes", "fields=ext", `{"ext":{"a":1},"id":"x","links":{"self":"s"},"state":"ON"}`},
		{"fields nested", "fields=info/vnfcs", `{"id":"x","info":{"flavour":"f","vnfcs":[{"res":{"h":1},"vdu":"a"}]},"links":{"self":"s"},"state":"ON"}`},
		{"exclude_default with fields", "exclude_default&fields=ext", `{"ext":{"a":1},"id":"x","info":{"flavour":"f"},"links":{"self":"s"},"state":"ON"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, _ := url.ParseQuery(tc.query)
			s, err := ParseSelector(q)
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.Apply(clone(t, doc), sel)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(out)
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestSelector_ApplyRawMatchesDecoded checks that selecting on raw JSON,
// decoded only where the paths reach, gives what selecting on the fully
// decoded document gives, for documents with scalars last in objects and
// arrays, escaped quotes and brackets in strings, and odd spacing.
func TestSelector_ApplyRawMatchesDecoded(t *testing.T) {
	t.Parallel()
	docs := []string{
		`{"id":"x","ext":{"a":1},"info":{"vnfcs":[{"vdu":"a","res":{"h":[1,2,{"k":null}]},"n":2}],"z":true},"links":{"self":"s"},"n":-1.5e3}`,
		`{ "id" : "a\"}]" , "info" : { "vnfcs" : [ ] , "flavour" : "f\\" } , "ext" : [ {"a":"[{"} , 3 ] , "links" : { } , "b" : false }`,
		`{"info":{"vnfcs":[1,"two",[3],{"res":"r"}]},"ext":null,"links":{"self":"\u007b"},"e":""}`,
		`{"\u0069d":"escaped key","info":{},"ext":{"deep":{"deeper":{"deepest":[[[]]]}}}}`,
	}
	sel := Selection{Defaults: [][]string{{"ext"}, {"info", "vnfcs"}}, Mandatory: [][]string{{"links"}}}
	queries := []string{"", "all_fields", "exclude_fields=links,info/vnfcs/res,ext/deep/deeper",
		"fields=ext", "fields=info/vnfcs", "exclude_default&fields=ext", "fields=info/vnfcs/res,ext/deep"}
	for _, doc := range docs {
		for _, query := range queries {
			q, _ := url.ParseQuery(query)
			s, err := ParseSelector(q)
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.Apply(json.RawMessage(doc), sel)
			if err != nil {
				t.Fatalf("%s %q: %v", doc, query, err)
			}
			got, err := json.Marshal(out)
			if err != nil {
				t.Fatalf("%s %q: encode: %v", doc, query, err)
			}
			var decoded any
			if err := json.Unmarshal([]byte(doc), &decoded); err != nil {
				t.Fatal(err)
			}
			for _, p := range s.removals(sel.Defaults) {
				if !s.listed(p) && !isMandatory(p, sel.Mandatory) {
					deletePath(decoded, p)
				}
			}
			if s.Fields != nil && !s.ExcludeDefault {
				keepOnly(decoded, append(append([][]string(nil), s.Fields...), sel.Mandatory...), nil)
			}
			want, _ := json.Marshal(decoded)
			// Raw members keep their spelling ("\u007b" for "{"): compare values.
			var gotValue any
			if err := json.Unmarshal(got, &gotValue); err != nil || !reflect.DeepEqual(gotValue, decoded) {
				t.Errorf("%s %q:\ngot  %s\nwant %s", doc, query, got, want)
			}
		}
	}
}

func TestParseSelector_Invalid(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"all_fields&fields=a", "fields=a&exclude_fields=b", "exclude_default&exclude_fields=a", "fields=", "fields=a//b", "all_fields&exclude_default"} {
		v, _ := url.ParseQuery(q)
		if _, err := ParseSelector(v); err == nil {
			t.Errorf("%q: accepted", q)
		}
	}
}

func clone(t *testing.T, v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The selection on decoded documents that selectPlan must agree with.

// expand decodes one level of a raw JSON object or array: an object becomes
// a map and an array a slice, whose members are sub-slices of raw
// (json.RawMessage) until expanded in turn. Anything else, raw scalars and
// values already expanded, is returned as it is. Apply's raw comes from
// json.Marshal and is valid; should it not be, the value stays raw and
// selection leaves it whole.
func expand(v any) any {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return v
	}
	switch rawKind(raw) {
	case '{':
		m := map[string]any{}
		ok := scanMembers(raw, func(key, val json.RawMessage) bool {
			k, ok := unquote(key)
			m[k] = val
			return ok
		})
		if ok {
			return m
		}
	case '[':
		a := []any{} // an empty array stays [], not null
		if scanMembers(raw, func(_, val json.RawMessage) bool { a = append(a, val); return true }) {
			return a
		}
	}
	return raw
}

// deletePath removes the attribute at path, descending through objects and
// through every element of arrays on the way. It returns v, expanded where
// it descended, for the caller to store in its place.
func deletePath(v any, path []string) any {
	switch t := expand(v).(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(t, path[0])
			return t
		}
		if child, ok := t[path[0]]; ok {
			t[path[0]] = deletePath(child, path[1:])
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = deletePath(e, path)
		}
		return t
	}
	return v
}

// keepOnly drops the complex attributes (objects and arrays) of v that no
// field names; simple attributes always stay, as SOL 013 asks of "fields".
// It returns v, expanded where it descended, for the caller to store in its
// place.
func keepOnly(v any, fields [][]string, at []string) any {
	switch t := expand(v).(type) {
	case map[string]any:
		for k, child := range t {
			p := append(append([]string(nil), at...), k)
			if !isComplex(child) {
				continue
			}
			switch named := namedBy(fields, p); {
			case named == exact:
			case named == ancestor:
				t[k] = keepOnly(child, fields, p)
			default:
				delete(t, k)
			}
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = keepOnly(e, fields, at)
		}
		return t
	}
	return v
}

func namedBy(fields [][]string, p []string) naming {
	n := unnamed
	for _, f := range fields {
		if hasPrefix(p, f) {
			return exact
		}
		if hasPrefix(f, p) {
			n = ancestor
		}
	}
	return n
}

func isComplex(v any) bool {
	switch t := v.(type) {
	case map[string]any, []any:
		return true
	case json.RawMessage:
		k := rawKind(t)
		return k == '{' || k == '['
	}
	return false
}
