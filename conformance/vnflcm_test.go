package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/conformance/etsischema"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/lcm/lcmtest"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/sol/sol013"
	solvnflcm "github.com/cadenza-mano/cadenza/sol/vnflcm"
	solvnfpkgm "github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// vnfm serves a standalone VNFM in-process, on SQLite, with an in-memory
// VIM and tamper (if not nil) between it and the runner, and returns the
// runner's view of its two VNF LCM versions.
func vnfm(t *testing.T, before func(*http.Request), after tamperFunc) (v1, v2 *vnflcm) {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "t.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.NewService(db, runner, catalog.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := notify.New(db, runner, notify.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	driver := lcmtest.NewDriver()
	svc, err := lcm.NewService(db, runner, lcm.Options{Granter: lcm.LocalGranter{Logger: quiet},
		Packages: lcm.NewCatalogSource(cat), Logger: quiet,
		Drivers: lcm.DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return driver, nil })})
	if err != nil {
		t.Fatal(err)
	}
	e := sol013.NewEngine()
	e.Use(sol013.PageSize(pagingPageSize))
	solvnfpkgm.Mount(e, nil, cat, ns)
	solvnflcm.Mount(e, nil, svc, ns)
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	srv := httptest.NewServer(tampered(e, before, after))
	t.Cleanup(srv.Close)
	return lcmRunnerFor(t, srv.URL)
}

func lcmRunnerFor(t *testing.T, base string) (v1, v2 *vnflcm) {
	t.Helper()
	cfg := &config{NFVO: base, VNFM: base, Schemas: t.TempDir(), Instantiate: true}
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
	srv, err := newServer("vnfm", base, cfg, problem, cbs)
	if err != nil {
		t.Fatal(err)
	}
	catalog := &lcmCatalog{pkgs: newVnfpkgm(schemas, srv)}
	return newVnflcm(schemas, srv, 1, catalog), newVnflcm(schemas, srv, 2, catalog)
}

// TestVnflcmChecksPass runs both versions' suites against the real
// handlers on an in-memory VIM: a sound VNFM passes every check the run
// can make without credentials, the lifecycle checks included.
func TestVnflcmChecksPass(t *testing.T) {
	t.Parallel()
	v1, v2 := vnfm(t, nil, nil)
	rep := check.Run(t.Context(), []check.Suite{vnflcmSuite(v1, false), vnflcmSuite(v2, true)}, 30*time.Second)
	ran := 0
	for _, res := range rep.Results {
		switch {
		case res.Status == check.Fail:
			t.Errorf("%s: %s: %v", res.API, res.Name, res.Err)
		case res.Status == check.Skip && !strings.Contains(res.Err.Error(), "credentials") &&
			!strings.Contains(res.Err.Error(), "--client-id"):
			t.Errorf("%s: %s skipped: %v", res.API, res.Name, res.Err)
		case strings.HasPrefix(res.Name, "instantiate a CNF") || strings.HasPrefix(res.Name, "terminate FORCEFUL"):
			ran++
		}
	}
	if ran != 4 {
		t.Errorf("%d lifecycle checks passed, want instantiate and terminate in each version", ran)
	}
}

// runLCM runs the v2 checks whose names start with prefix, then cleanup,
// and returns their results by name.
func runLCM(t *testing.T, l *vnflcm, prefix string) map[string]check.Result {
	t.Helper()
	var checks []check.Check
	for _, c := range vnflcmSuite(l, true).Checks {
		if strings.HasPrefix(c.Name, prefix) || strings.HasPrefix(c.Name, "cleanup") {
			checks = append(checks, c)
		}
	}
	rep := check.Run(t.Context(), []check.Suite{{API: "vnflcm/v2", Checks: checks}}, 10*time.Second)
	out := map[string]check.Result{}
	for _, res := range rep.Results {
		out[res.Name] = res
	}
	return out
}

// TestVnflcmChecksCatchDefects plants one defect at a time between the
// VNFM and the runner: the check meant to see it must fail.
func TestVnflcmChecksCatchDefects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before func(*http.Request)
		after  tamperFunc
		fails  string
	}{
		{name: "no Location on a created instance", fails: "POST /vnf_instances: 201",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/vnf_instances") {
					rec.Header().Del("Location")
				}
			}},
		{name: "instance state outside the schema", fails: "GET /vnf_instances/{id}: 200",
			after: rewriteJSON(`"instantiationState":"NOT_INSTANTIATED"`, `"instantiationState":"DORMANT"`)},
		{name: "scale of a NOT_INSTANTIATED instance accepted", fails: "tasks on a NOT_INSTANTIATED",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if strings.HasSuffix(r.URL.Path, "/scale") && rec.Code == http.StatusConflict {
					rec.Code = http.StatusAccepted
				}
			}},
		{name: "subscription filter dropped", fails: "notifications:",
			before: dropJSONMember("/subscriptions", "filter")},
		{name: "occurrence reported FAILED", fails: "PATCH with If-Match",
			after: rewriteJSON(`"operationState":"COMPLETED"`, `"operationState":"FAILED"`)},
		{name: "scale level misreported", fails: "scale_to_level level_2",
			after: rewriteJSON(`"scaleLevel":2`, `"scaleLevel":1`)},
		{name: "stop not done", fails: "operate STOPPED",
			before: func(r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/operate") {
					r.URL.Path = strings.TrimSuffix(r.URL.Path, "/operate") + "/heal"
				}
			}},
		{name: "termination not done", fails: "terminate FORCEFUL",
			before: func(r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/terminate") && !strings.Contains(r.URL.Path, "/vnflcm/v1/") {
					r.URL.Path = strings.TrimSuffix(r.URL.Path, "/terminate") + "/heal"
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, v2 := vnfm(t, tt.before, tt.after)
			results := runLCM(t, v2, tt.fails)
			if len(results) < 2 {
				t.Fatalf("no check named %q…", tt.fails)
			}
			for name, res := range results {
				if strings.HasPrefix(name, "cleanup") {
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
