package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

func TestExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		vars map[string]string
		want string
		ok   bool
	}{
		{name: "no variables", path: "/v1/list", want: "/v1/list", ok: true},
		{name: "one", path: "/v1/p/{id}", vars: map[string]string{"id": "a"}, want: "/v1/p/a", ok: true},
		{name: "escaped", path: "/v1/p/{id}", vars: map[string]string{"id": "a?b c"}, want: "/v1/p/a%3Fb%20c", ok: true},
		{name: "a path value keeps its slashes", path: "/v1/p/{id}/artifacts/{path}",
			vars: map[string]string{"id": "a", "path": "Files/my file.txt"}, want: "/v1/p/a/artifacts/Files/my%20file.txt", ok: true},
		{name: "missing", path: "/v1/p/{id}/x/{other}", vars: map[string]string{"id": "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := expand(tt.path, tt.vars)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("expand(%q) = %q, %v; want %q, ok %v", tt.path, got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestObserve checks the bookkeeping the Version and cleanup checks rely on.
func TestObserve(t *testing.T) {
	t.Parallel()
	a := newAPI(&api{name: "vnfpkgm", major: 1, srv: &server{}})
	resp := func(method, path string, status int, h http.Header) *check.Response {
		u, _ := url.Parse("http://h" + path)
		if h == nil {
			h = http.Header{"Version": {"1.3.0"}}
		}
		return &check.Response{Method: method, URL: u, Status: status, Header: h}
	}
	a.observe(resp("POST", "/vnfpkgm/v1/vnf_packages", 201, http.Header{"Version": {"1.3.0"},
		"Location": {"/vnfpkgm/v1/vnf_packages/a"}}))
	a.observe(resp("POST", "/vnfpkgm/v1/vnf_packages", 201, http.Header{"Version": {"1.3.0"},
		"Location": {"http://h/vnfpkgm/v1/vnf_packages/b"}}))
	a.observe(resp("DELETE", "/vnfpkgm/v1/vnf_packages/a", 204, nil))
	a.observe(resp("GET", "/vnfpkgm/v1/nothing", 404, http.Header{}))
	if got := a.leftovers(); len(got) != 1 || got[0] != "/vnfpkgm/v1/vnf_packages/b" {
		t.Errorf("leftovers() = %v, want only package b", got)
	}
	if a.responses != 4 || len(a.noVersion) != 1 || a.noVersion["GET /vnfpkgm/v1/nothing -> 404"] != 1 {
		t.Errorf("responses %d, noVersion %v; want 4 and the 404", a.responses, a.noVersion)
	}
	if err := versionCheck(a).Run(t.Context()); err == nil {
		t.Error("versionCheck passed although a response had no Version header")
	}
}
