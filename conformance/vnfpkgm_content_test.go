package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/conformance/etsischema"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
	solvnfpkgm "github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// tamperFunc changes a request before the NFVO sees it, or its answer
// (rec) before the runner does, to plant one defect.
type tamperFunc func(r *http.Request, rec *httptest.ResponseRecorder)

// nfvo serves VNF package management in-process, on SQLite, with tamper
// (if not nil) between it and the runner, and returns the runner's view
// of it.
func nfvo(t *testing.T, before func(*http.Request), after tamperFunc) *vnfpkgm {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "t.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := catalog.NewService(db, runner, catalog.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := notify.New(db, runner, notify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	e := sol013.NewEngine()
	e.Use(sol013.PageSize(pagingPageSize))
	solvnfpkgm.Mount(e, nil, svc, ns)
	srv := httptest.NewServer(tampered(e, before, after))
	t.Cleanup(srv.Close)
	return runnerFor(t, srv.URL)
}

func tampered(h http.Handler, before func(*http.Request), after tamperFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before(r)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if after != nil {
			after(r, rec)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

func runnerFor(t *testing.T, base string) *vnfpkgm {
	t.Helper()
	cfg := &config{NFVO: base, VNFM: base, Schemas: t.TempDir(), FileServer: "127.0.0.1:0"}
	if err := cfg.complete(); err != nil {
		t.Fatal(err)
	}
	schemas := etsischema.ForTest(t)
	problem, err := schemas.Schema("SOL005/VNFPackageManagement-API/ProblemDetails")
	if err != nil {
		t.Fatal(err)
	}
	cbs, err := startCallbacks("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cbs.close)
	srv, err := newServer("nfvo", base, cfg, problem, cbs)
	if err != nil {
		t.Fatal(err)
	}
	return newVnfpkgm(schemas, srv)
}

// runContent runs the content and upload checks whose names start with
// prefix, then cleanup, and returns their results by name.
func runContent(t *testing.T, p *vnfpkgm, prefix string) map[string]check.Result {
	t.Helper()
	var checks []check.Check
	for _, c := range append(p.contentChecks(), p.uploadChecks()...) {
		if strings.HasPrefix(c.Name, prefix) {
			checks = append(checks, c)
		}
	}
	checks = append(checks, check.Check{Name: "cleanup", Run: p.checkCleanup})
	rep := check.Run(t.Context(), []check.Suite{{API: p.name, Checks: checks}}, 30*time.Second)
	out := map[string]check.Result{}
	for _, res := range rep.Results {
		out[res.Name] = res
	}
	return out
}

// TestContentChecksPass runs the checks against the real handlers: a
// sound NFVO passes them all.
func TestContentChecksPass(t *testing.T) {
	t.Parallel()
	for name, res := range runContent(t, nfvo(t, nil, nil), "") {
		if res.Status != check.Pass {
			t.Errorf("%s: %v: %v", name, res.Status, res.Err)
		}
	}
}

// TestContentChecksCatchDefects plants one defect at a time between the
// NFVO and the runner: the check meant to see it must fail.
func TestContentChecksCatchDefects(t *testing.T) {
	t.Parallel()
	isGet := func(r *http.Request, suffix string) bool {
		return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, suffix)
	}
	tests := []struct {
		name   string
		before func(*http.Request)
		after  tamperFunc
		fails  string
	}{
		{name: "package content altered", fails: "GET package_content: 200",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if isGet(r, "/package_content") && rec.Code == http.StatusOK {
					rec.Body.WriteString("x")
				}
			}},
		{name: "Range ignored", fails: "GET package_content with Range",
			before: func(r *http.Request) { r.Header.Del("Range") }},
		{name: "416 without Content-Range", fails: "GET package_content with Range",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusRequestedRangeNotSatisfiable {
					rec.Header().Del("Content-Range")
				}
			}},
		{name: "four-file VNFD sent as text", fails: "GET vnfd of a four-file VNFD",
			before: func(r *http.Request) {
				if isGet(r, "/vnfd") {
					r.Header.Set("Accept", "application/zip")
				}
			}},
		{name: "manifest altered", fails: "GET manifest",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if isGet(r, "/manifest") {
					rec.Body.WriteString("\nSource: extra\n")
				}
			}},
		{name: "artifact Range ignored", fails: "GET artifacts/{path}",
			before: func(r *http.Request) {
				if strings.Contains(r.URL.Path, "/artifacts/") {
					r.Header.Del("Range")
				}
			}},
		{name: "vnfdId misreported", fails: "ONBOARDED VnfPkgInfo",
			after: rewriteJSON(`"vnfdId":"[^"]*"`, `"vnfdId":"00000000-0000-4000-8000-000000000001"`)},
		{name: "artifact checksum misreported", fails: "all_fields list of an ONBOARDED package",
			after: rewriteJSON(`"artifactPath":"([^"]*)","checksum":\{"algorithm":"SHA-256","hash":"[0-9a-f]*"\}`,
				`"artifactPath":"$1","checksum":{"algorithm":"SHA-256","hash":"00"}`)},
		{name: "ERROR without a failure detail", fails: "hostile upload, a zip entry ../",
			after: rewriteJSON(`,"onboardingFailureDetails":\{[^}]*\}`, ``)},
		{name: "wrong upload type accepted", fails: "PUT package_content as text/plain",
			before: func(r *http.Request) {
				if r.Header.Get("Content-Type") == plainText {
					r.Header.Set("Content-Type", zipType)
				}
			}},
		{name: "upload_from_uri credentials dropped", fails: "POST upload_from_uri with Basic credentials",
			before: dropJSONMember("upload_from_uri", "password")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			results := runContent(t, nfvo(t, tt.before, tt.after), tt.fails)
			if len(results) < 2 {
				t.Fatalf("no check named %q…", tt.fails)
			}
			for name, res := range results {
				if name == "cleanup" {
					continue
				}
				if res.Status != check.Fail {
					t.Errorf("%s: %v, want FAIL", name, res.Status)
				}
				t.Logf("%s: %v", name, res.Err)
			}
		})
	}
}

// rewriteJSON replaces what re matches in JSON answers with repl.
func rewriteJSON(re, repl string) tamperFunc {
	rx := regexp.MustCompile(re)
	return func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			b := rx.ReplaceAll(rec.Body.Bytes(), []byte(repl))
			rec.Body = bytes.NewBuffer(b)
		}
	}
}

// dropJSONMember removes member from the JSON bodies of requests whose
// path ends in suffix.
func dropJSONMember(suffix, member string) func(*http.Request) {
	return func(r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, suffix) || r.Body == nil {
			return
		}
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		delete(body, member)
		b, _ := json.Marshal(body)
		r.Body = http.NoBody
		if len(b) > 0 {
			r.Body = readCloser{bytes.NewReader(b)}
			r.ContentLength = int64(len(b))
		}
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func TestRenameVNFD(t *testing.T) {
	t.Parallel()
	const old = "6f3a3d2e-5d1b-4c0e-9a51-7e4e1c2b9a10"
	const id = "11111111-2222-4333-8444-555555555555"
	tests := []struct {
		name    string
		files   map[string]string
		want    map[string]string
		wantErr bool
	}{
		{name: "descriptor_id and its mentions",
			files: map[string]string{
				"Definitions/top.yaml":   "descriptor_id: " + old + "\n",
				"Definitions/types.yaml": "valid_values: [ " + old + " ]\ndefault: '" + old + "'\n",
				"Files/notes.txt":        old,
			},
			want: map[string]string{
				"Definitions/top.yaml":   "descriptor_id: " + id + "\n",
				"Definitions/types.yaml": "valid_values: [ " + id + " ]\ndefault: '" + id + "'\n",
				"Files/notes.txt":        old,
			}},
		{name: "quoted", files: map[string]string{"a.yml": `descriptor_id: "` + old + `"`},
			want: map[string]string{"a.yml": `descriptor_id: "` + id + `"`}},
		{name: "no descriptor_id", files: map[string]string{"a.yaml": "descriptor_id: { get_input: x }"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := map[string][]byte{}
			for k, v := range tt.files {
				files[k] = []byte(v)
			}
			err := renameVNFD(files, id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("renameVNFD() = %v, want error %v", err, tt.wantErr)
			}
			for k, v := range tt.want {
				if string(files[k]) != v {
					t.Errorf("%s = %q, want %q", k, files[k], v)
				}
			}
		})
	}
}

func TestBuildPackageFreshVNFDID(t *testing.T) {
	t.Parallel()
	root, err := findSourceRoot("")
	if err != nil {
		t.Fatal(err)
	}
	a, err := buildPackage(root, vmSource, csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := buildPackage(root, vmSource, csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.vnfdID == b.vnfdID || bytes.Equal(a.zip, b.zip) {
		t.Error("two builds share a vnfdId")
	}
	if got := len(a.vnfdFiles()); got != 4 {
		t.Errorf("%d VNFD files, want the sample's 4", got)
	}
	files, err := unzip(a.zip)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(files["Definitions/sample_vnfd_top.yaml"], []byte("descriptor_id: "+a.vnfdID)) ||
		!bytes.Equal(files[csartest.ManifestName], a.files[csartest.ManifestName]) {
		t.Error("the zip does not hold the renamed VNFD and the manifest kept")
	}
	if _, err := buildPackage(root, "no/such/source", csartest.Options{}); err == nil {
		t.Error("building a missing source succeeded")
	}
}

func TestFileServer(t *testing.T) {
	t.Parallel()
	f, err := startFileServer("127.0.0.1:0", []byte("zip bytes"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.close)
	tests := []struct {
		name       string
		path       string
		user, pass string
		status     int
	}{
		{name: "credentials", path: f.path, user: f.user, pass: f.password, status: http.StatusOK},
		{name: "no credentials", path: f.path, status: http.StatusUnauthorized},
		{name: "wrong password", path: f.path, user: f.user, pass: "nope", status: http.StatusUnauthorized},
		{name: "other path", path: "/other.zip", user: f.user, pass: f.password, status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { // not parallel: the counts are read after
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+f.addr+tt.path, nil)
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
		})
	}
	if !strings.HasPrefix(f.url(), "http://127.0.0.1:") || f.count(true) != 2 || f.count(false) != 2 {
		t.Errorf("url %s, served %d, refused %d; want 2 and 2", f.url(), f.count(true), f.count(false))
	}
}
