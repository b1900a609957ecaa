package mergepatch

import (
	"encoding/json"
	"maps"
	"reflect"
	"testing"
)

// TestApplyRFC7396 runs the examples of RFC 7396's appendix A whose target and patch are
// objects (the maps of a modification always are), and checks that merging leaves the
// patch and the target's nested maps as they were.
func TestApplyRFC7396(t *testing.T) {
	tests := []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
		{`{"a":{"b":1,"c":{"d":2,"e":3}},"f":4}`, `{"a":{"c":{"d":null,"g":5}}}`, `{"a":{"b":1,"c":{"e":3,"g":5}},"f":4}`},
		{`{"a":{"b":1}}`, `{"a":{}}`, `{"a":{"b":1}}`},
		{`{"a":1}`, `{"a":{}}`, `{"a":{}}`},
		{`{"a":[1,null]}`, `{"a":[null,2]}`, `{"a":[null,2]}`},
	}
	for _, tt := range tests {
		target, patch := decodeObject(t, tt.target), decodeObject(t, tt.patch)
		shallow := maps.Clone(target)
		got := Apply(shallow, patch)
		if want := decodeObject(t, tt.want); !reflect.DeepEqual(got, want) {
			t.Errorf("merge %s into %s = %v, want %s", tt.patch, tt.target, got, tt.want)
		}
		if !reflect.DeepEqual(target, decodeObject(t, tt.target)) {
			t.Errorf("merge %s changed the nested maps of the target %s: %v", tt.patch, tt.target, target)
		}
		if !reflect.DeepEqual(patch, decodeObject(t, tt.patch)) {
			t.Errorf("merge changed the patch %s: %v", tt.patch, patch)
		}
	}
	if got := Apply(nil, decodeObject(t, `{"a":{"b":null}}`)); !reflect.DeepEqual(got, map[string]any{"a": map[string]any{}}) {
		t.Errorf("merge into no map = %v", got)
	}
}

func decodeObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
