package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

func TestNextTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		link   string
		target string
		ok     bool
	}{
		{name: "quoted rel", link: `<http://h/l?m=1>; rel="next"`, target: "http://h/l?m=1", ok: true},
		{name: "bare rel and spaces", link: ` </l?m=2> ;  rel=next`, target: "/l?m=2", ok: true},
		{name: "case", link: `</l>; REL="Next"`, target: "/l", ok: true},
		{name: "other params first", link: `</l>; title="x"; rel="next"`, target: "/l", ok: true},
		{name: "prev", link: `</l>; rel="prev"`},
		{name: "no brackets", link: `/l; rel="next"`},
		{name: "unclosed", link: `</l; rel="next"`},
		{name: "empty", link: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target, ok := nextTarget(tt.link)
			if target != tt.target || ok != tt.ok {
				t.Errorf("nextTarget(%q) = %q, %v; want %q, %v", tt.link, target, ok, tt.target, tt.ok)
			}
		})
	}
}

func FuzzNextTarget(f *testing.F) {
	f.Add(`<http://h/l?nextpage_opaque_marker=x>; rel="next"`)
	f.Fuzz(func(t *testing.T, link string) {
		if target, ok := nextTarget(link); ok && strings.ContainsAny(target, "<>") {
			t.Errorf("nextTarget(%q) = %q, which keeps a bracket", link, target)
		}
	})
}

// pager serves a list of n items in pages of size, linking pages with a
// marker; it fails the test if a next-page request carries anything but
// the marker. With loop set, the last page links back to the first.
func pager(t *testing.T, n, size int, loop bool, linkPath string) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start := 0
		if m := q.Get(markerParam); m != "" {
			if len(q) != 1 {
				t.Errorf("next page request %s carries more than the marker", r.URL.RawQuery)
			}
			start, _ = strconv.Atoi(m)
		} else if q.Get("filter") != "(eq,a,b)" {
			t.Errorf("first page request %s lost the filter", r.URL.RawQuery)
		}
		end := min(start+size, n)
		items := []map[string]any{}
		for i := start; i < end; i++ {
			items = append(items, map[string]any{"id": fmt.Sprint(i)})
		}
		switch {
		case end < n:
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?%s=%d&filter=ignored>; rel="next"`, r.Host, linkPath, markerParam, end))
		case loop:
			w.Header().Set("Link", fmt.Sprintf(`<%s?%s=0>; rel="next"`, linkPath, markerParam))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(items)
	}))
}

func testAPI(t *testing.T, base string) *api {
	t.Helper()
	c, err := check.NewClient(base, "")
	if err != nil {
		t.Fatal(err)
	}
	return &api{srv: &server{client: c}}
}

func TestWalk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		n, size  int
		loop     bool
		linkPath string
		pages    int
		wantErr  string
	}{
		{name: "one page", n: 3, size: 5, linkPath: "/l", pages: 1},
		{name: "several pages", n: 11, size: 5, linkPath: "/l", pages: 3},
		{name: "exact pages", n: 10, size: 5, linkPath: "/l", pages: 2},
		{name: "empty", n: 0, size: 5, linkPath: "/l", pages: 1},
		{name: "loop", n: 4, size: 2, loop: true, linkPath: "/l", wantErr: "repeats a marker"},
		{name: "link elsewhere", n: 4, size: 2, linkPath: "/other", wantErr: "not the list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := pager(t, tt.n, tt.size, tt.loop, tt.linkPath)
			t.Cleanup(srv.Close)
			items, pages, err := testAPI(t, srv.URL).walk(context.Background(), "/l", url.Values{"filter": {"(eq,a,b)"}}, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := ids(items)
			if err != nil || len(got) != tt.n || pages != tt.pages {
				t.Errorf("got %d distinct items (%v) in %d pages, want %d in %d", len(got), err, pages, tt.n, tt.pages)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		items []item
		ok    bool
	}{
		{name: "distinct", items: []item{{"id": "a"}, {"id": "b"}}, ok: true},
		{name: "twice", items: []item{{"id": "a"}, {"id": "a"}}},
		{name: "missing", items: []item{{"name": "a"}}},
		{name: "not a string", items: []item{{"id": 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ids(tt.items); (err == nil) != tt.ok {
				t.Errorf("ids(%v) error = %v, want ok %v", tt.items, err, tt.ok)
			}
		})
	}
}
