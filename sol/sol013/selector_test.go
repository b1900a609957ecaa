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
