package sol013_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// thing is a small resource for exercising the machinery over HTTP.
type thing struct {
	ID    string         `json:"id"`
	Name  string         `json:"name"`
	Size  int            `json:"size"`
	Tags  []string       `json:"tags,omitempty"`
	Extra map[string]any `json:"extra,omitempty"`
}

type createThing struct {
	Name string `json:"name"`
	Size int    `json:"size"`
}

func (c *createThing) Validate() error {
	if c.Name == "" {
		return fmt.Errorf("name: required")
	}
	return nil
}

var testAPI = sol013.API{Name: "things", Versions: []sol013.Version{{Major: 1, Version: "1.2.0"}, {Major: 2, Version: "2.0.1"}}}

type testBundle struct {
	srv  *httptest.Server
	coll *store.Collection[thing]
}

func setup(t *testing.T) *testBundle { return setupPaged(t, 0) }

// setupPaged is setup with lists of pageSize items a page (0: the default).
// The things are also listed from their stored views at /things/v1/viewed.
func setupPaged(t *testing.T, pageSize int) *testBundle {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "t.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	coll := store.NewCollection[thing](db, store.TableScratch, query.SchemaOf(thing{}))
	coll.SetView(store.View[thing]{Rev: 1, Encode: func(it store.Item[thing]) ([]byte, error) { return sol013.EncodeItem(it.Doc) }})
	e := sol013.NewEngine()
	e.Use(sol013.Recovery())
	if pageSize > 0 {
		e.Use(sol013.PageSize(pageSize))
	}
	sel := sol013.Selection{Defaults: [][]string{{"extra"}}}
	routes := func(g *gin.RouterGroup) {
		g.GET("/things", sol013.Wrap(func(c *gin.Context) (any, error) {
			return sol013.ListPage(c, coll, sel, func(it store.Item[thing]) thing { return it.Doc })
		}))
		g.GET("/viewed", sol013.Wrap(func(c *gin.Context) (any, error) { return sol013.ListViewPage(c, coll, sel) }))
		g.POST("/things", sol013.Wrap(func(c *gin.Context) (any, error) {
			var req createThing
			if err := sol013.BindJSON(c, &req); err != nil {
				return nil, err
			}
			th := thing{ID: req.Name, Name: req.Name, Size: req.Size}
			if _, err := coll.Create(c.Request.Context(), th.ID, &th); err != nil {
				return nil, err
			}
			return sol013.Created("/things/v1/things/"+th.ID, th), nil
		}))
		g.GET("/things/:id", sol013.Wrap(func(c *gin.Context) (any, error) {
			it, err := coll.Get(c.Request.Context(), c.Param("id"))
			if err != nil {
				return nil, err
			}
			sol013.SetETag(c, it.Version)
			return it.Doc, nil
		}))
		g.PATCH("/things/:id", sol013.Wrap(func(c *gin.Context) (any, error) {
			v, err := sol013.IfMatch(c)
			if err != nil {
				return nil, err
			}
			var req map[string]any
			if err := sol013.BindMergePatch(c, &req); err != nil {
				return nil, err
			}
			it, err := coll.Update(c.Request.Context(), c.Param("id"), v, func(th *thing) error { th.Size++; return nil })
			if err != nil {
				return nil, err
			}
			sol013.SetETag(c, it.Version)
			return it.Doc, nil
		}))
		g.GET("/panic", sol013.Wrap(func(*gin.Context) (any, error) { panic("boom") }))
	}
	testAPI.Mount(e, nil, 1, routes)
	testAPI.Mount(e, nil, 2, func(*gin.RouterGroup) {})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testBundle{srv: srv, coll: coll}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (b *testBundle) do(t *testing.T, method, path string, body string, hdr ...string) resp {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, b.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: raw}
}

// problem checks that r is a ProblemDetails with status.
func problem(t *testing.T, r resp, status int) sol013.ProblemDetails {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != sol013.ProblemMediaType {
		t.Fatalf("Content-Type %q, want %s", ct, sol013.ProblemMediaType)
	}
	var pd sol013.ProblemDetails
	if err := json.Unmarshal(r.body, &pd); err != nil || pd.Status != status || pd.Detail == "" {
		t.Fatalf("not a ProblemDetails for %d: %s (%v)", status, r.body, err)
	}
	return pd
}

func TestErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	big := `{"name":"` + strings.Repeat("x", sol013.DefaultMaxBody) + `"}`
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		hdr    []string
		status int
	}{
		{"unknown path", "GET", "/nowhere", "", nil, 404},
		{"unknown path under api", "GET", "/things/v1/nowhere", "", nil, 404},
		{"unknown id", "GET", "/things/v1/things/missing", "", nil, 404},
		{"method not allowed", "PUT", "/things/v1/things", "", nil, 405},
		{"not acceptable", "GET", "/things/v1/things", "", []string{"Accept", "application/xml"}, 406},
		{"q=0 is not acceptable", "GET", "/things/v1/things", "", []string{"Accept", "application/json;q=0"}, 406},
		{"wrong content type", "POST", "/things/v1/things", `{"name":"a"}`, []string{"Content-Type", "text/plain"}, 415},
		{"malformed json", "POST", "/things/v1/things", `{"name":`, nil, 400},
		{"unknown attribute", "POST", "/things/v1/things", `{"name":"a","colour":"red"}`, nil, 400},
		{"two values", "POST", "/things/v1/things", `{"name":"a"}{"name":"b"}`, nil, 400},
		{"invalid", "POST", "/things/v1/things", `{"size":3}`, nil, 400},
		{"too large", "POST", "/things/v1/things", big, nil, 413},
		{"panic", "GET", "/things/v1/panic", "", nil, 500},
		{"bad filter", "GET", "/things/v1/things?filter=(eq,name", "", nil, 400},
		{"unknown filter attribute", "GET", "/things/v1/things?filter=(eq,colour,red)", "", nil, 400},
		{"bad selector combination", "GET", "/things/v1/things?all_fields&exclude_fields=extra", "", nil, 400},
		{"forged marker", "GET", "/things/v1/things?nextpage_opaque_marker=%25%25", "", nil, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := b.do(t, tc.method, tc.path, tc.body, tc.hdr...)
			problem(t, r, tc.status)
			if strings.HasPrefix(tc.path, "/things/") && r.header.Get("Version") != "1.2.0" {
				t.Errorf("Version header %q, want 1.2.0", r.header.Get("Version"))
			}
		})
	}
	t.Run("405 names allowed methods", func(t *testing.T) {
		r := b.do(t, "DELETE", "/things/v1/things", "")
		if got := r.header.Get("Allow"); got != "GET, POST" {
			t.Fatalf("Allow %q", got)
		}
	})
}

func TestAPIVersions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		path, prefix, version string
		n                     int
	}{
		{"/things/api_versions", "/things", "2.0.1", 2},
		{"/things/v1/api_versions", "/things/v1", "1.2.0", 1},
		{"/things/v2/api_versions", "/things/v2", "2.0.1", 1},
	}
	for _, tc := range tests {
		r := b.do(t, "GET", tc.path, "")
		var info sol013.ApiVersionInformation
		if err := json.Unmarshal(r.body, &info); err != nil || r.status != 200 {
			t.Fatalf("%s: %d %s", tc.path, r.status, r.body)
		}
		if info.URIPrefix != tc.prefix || len(info.APIVersions) != tc.n || r.header.Get("Version") != tc.version {
			t.Errorf("%s: %+v, Version %q", tc.path, info, r.header.Get("Version"))
		}
	}
}

func TestCreateETagIfMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "POST", "/things/v1/things", `{"name":"a","size":1}`)
	if r.status != 201 || r.header.Get("Location") != "/things/v1/things/a" || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
	}
	problem(t, b.do(t, "POST", "/things/v1/things", `{"name":"a"}`), 409)
	r = b.do(t, "GET", "/things/v1/things/a", "")
	etag := r.header.Get("ETag")
	if etag != `"1"` {
		t.Fatalf("ETag %q", etag)
	}
	problem(t, b.do(t, "PATCH", "/things/v1/things/a", `{}`, "If-Match", `"7"`), 412)
	problem(t, b.do(t, "PATCH", "/things/v1/things/a", `{}`, "If-Match", `W/"1"`), 412)
	problem(t, b.do(t, "PATCH", "/things/v1/things/a", `{}`, "If-Match", `garbage`), 412)
	r = b.do(t, "PATCH", "/things/v1/things/a", `{}`, "If-Match", etag)
	if r.status != 200 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("patch: %d %v %s", r.status, r.header, r.body)
	}
	problem(t, b.do(t, "PATCH", "/things/v1/things/a", `{}`, "If-Match", etag), 412)
}

// TestPageSize checks that PageSize sets the size of every page, and that
// a list from stored views pages and selects as one encoded per request.
func TestPageSize(t *testing.T) {
	t.Parallel()
	b := setupPaged(t, 7)
	for i := range 20 {
		th := thing{ID: fmt.Sprintf("t%02d", i), Name: fmt.Sprintf("n%d", i), Size: i % 3, Extra: map[string]any{"k": i}}
		if _, err := b.coll.Create(t.Context(), th.ID, &th); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"", "?fields=extra", "?filter=" + url.QueryEscape("(neq,size,1)") + "&exclude_fields=name"} {
		var sizes [2][]int
		var bodies [2][]byte
		for i, list := range []string{"/things/v1/things", "/things/v1/viewed"} {
			for next := list + q; next != ""; {
				r := b.do(t, "GET", next, "")
				var items []map[string]any
				if r.status != 200 || json.Unmarshal(r.body, &items) != nil {
					t.Fatalf("GET %s: %d %s", next, r.status, r.body)
				}
				sizes[i] = append(sizes[i], len(items))
				bodies[i] = append(bodies[i], r.body...)
				next = linkNext(t, r.header.Get("Link"), b.srv.URL)
			}
		}
		if q == "" && fmt.Sprint(sizes[0]) != "[7 7 6]" {
			t.Errorf("pages of %v items, want [7 7 6]", sizes[0])
		}
		if !bytes.Equal(bodies[0], bodies[1]) {
			t.Errorf("%q: the list from views is\n%s\nthe list encoded per request\n%s", q, bodies[1], bodies[0])
		}
	}
}

func TestListPagingFilterSelector(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	const n = 2*sol013.DefaultPageSize + 17
	for i := range n {
		th := thing{ID: fmt.Sprintf("t%03d", i), Name: fmt.Sprintf("n%d", i), Size: i % 3,
			Tags: []string{fmt.Sprintf("g%d", i%4)}, Extra: map[string]any{"k": i}}
		if _, err := b.coll.Create(ctx, th.ID, &th); err != nil {
			t.Fatal(err)
		}
	}
	// Walk the Link headers sending only the marker: the filter and the
	// selector must survive in it.
	seen := map[string]bool{}
	next := "/things/v1/things?filter=" + url.QueryEscape("(eq,size,1);(neq,tags,g0)") + "&fields=tags"
	for pages := 0; next != ""; pages++ {
		r := b.do(t, "GET", next, "")
		if r.status != 200 {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		var items []map[string]any
		if err := json.Unmarshal(r.body, &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			id := it["id"].(string)
			if seen[id] || it["size"].(float64) != 1 || it["tags"] == nil || it["extra"] != nil {
				t.Fatalf("page %d: unexpected item %v", pages, it)
			}
			seen[id] = true
		}
		next = linkNext(t, r.header.Get("Link"), b.srv.URL)
	}
	want := 0
	for i := range n {
		if i%3 == 1 && i%4 != 0 {
			want++
		}
	}
	if len(seen) != want {
		t.Fatalf("saw %d items, want %d", len(seen), want)
	}
	// A filter sent with its ';' unencoded still filters (net/url would
	// drop the whole pair), and exclude-fields is exclude_fields.
	r := b.do(t, "GET", "/things/v1/things?filter=(eq,size,1);(eq,id,t004)&exclude-fields=tags", "")
	var two []map[string]any
	if err := json.Unmarshal(r.body, &two); err != nil || len(two) != 1 || two[0]["id"] != "t004" || two[0]["tags"] != nil {
		t.Fatalf("unencoded ';' filter: %d %s", r.status, r.body)
	}
	problem(t, b.do(t, "GET", "/things/v1/things?filter=%zz", ""), 400)
	// Default exclusion and all_fields.
	r = b.do(t, "GET", "/things/v1/things?filter=(eq,id,t005)", "")
	if strings.Contains(string(r.body), `"extra"`) {
		t.Errorf("extra not excluded by default: %s", r.body)
	}
	r = b.do(t, "GET", "/things/v1/things?filter=(eq,id,t005)&all_fields", "")
	if !strings.Contains(string(r.body), `"extra":{"k":5}`) {
		t.Errorf("all_fields lost extra: %s", r.body)
	}
}

func linkNext(t *testing.T, link, base string) string {
	t.Helper()
	if link == "" {
		return ""
	}
	u, rel, ok := strings.Cut(link, ">; ")
	if !ok || rel != `rel="next"` || !strings.HasPrefix(u, "<"+base) {
		t.Fatalf("bad Link %q", link)
	}
	parsed, err := url.Parse(strings.TrimPrefix(u, "<"))
	if err != nil || len(parsed.Query()) != 1 || parsed.Query().Get("nextpage_opaque_marker") == "" {
		t.Fatalf("next link carries more than the marker: %q", link)
	}
	return strings.TrimPrefix(u, "<"+base)
}
