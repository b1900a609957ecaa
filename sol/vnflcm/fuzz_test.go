package vnflcm

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzRedactParams: operationParams never keep a credential, and are
// valid JSON whenever they are kept at all.
func FuzzRedactParams(f *testing.F) {
	f.Add([]byte(`{"flavourId":"default","vimConnectionInfo":[{"id":"v","vimType":"kubernetes","accessInfo":{"bearer_token":"SECRET"}}]}`))
	f.Add([]byte(`{"vimConnectionInfo":{"v":{"vimType":"x","accessInfo":{"password":"SECRET"}}}}`))
	f.Add([]byte(`{"vimConnectionInfo":"SECRET"}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out := redactParams(body)
		if out == nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q", out)
		}
		var doc map[string]any
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if hasAccessInfo(doc["vimConnectionInfo"]) {
			t.Fatalf("accessInfo kept in %s", out)
		}
	})
}

func hasAccessInfo(v any) bool {
	check := func(c any) bool {
		m, ok := c.(map[string]any)
		_, has := m["accessInfo"]
		return ok && has
	}
	switch t := v.(type) {
	case []any:
		for _, c := range t {
			if check(c) {
				return true
			}
		}
	case map[string]any:
		for _, c := range t {
			if check(c) {
				return true
			}
		}
	}
	return false
}

// FuzzVimsFromWire: any vimConnectionInfo is either refused or read into
// connections that each have an id and a vimType, in both versions.
func FuzzVimsFromWire(f *testing.F) {
	f.Add([]byte(`[{"id":"v","vimType":"kubernetes","interfaceInfo":{"endpoint":"https://k"}}]`), true)
	f.Add([]byte(`{"v":{"vimType":"ETSINFV.KUBERNETES.V_1","accessInfo":{"bearer_token":"t"}}}`), false)
	f.Add([]byte(`[{"vimType":"x"}]`), true)
	f.Add([]byte(`null`), false)
	f.Fuzz(func(t *testing.T, raw []byte, v1 bool) {
		s := &Server{major: 2}
		if v1 {
			s.major = 1
		}
		conns, err := s.vimsFromWire(raw)
		if err != nil {
			return
		}
		for id, c := range conns {
			if id == "" && s.major == 1 || c.VIMType == "" || c.ID != id {
				t.Fatalf("connection %q read as %+v from %s", id, c, bytes.TrimSpace(raw))
			}
		}
	})
}
