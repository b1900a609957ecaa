package sol013

import (
	"encoding/json"
	"net/url"
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
