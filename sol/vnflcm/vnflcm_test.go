package vnflcm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/conformance/etsischema"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/lcm/lcmtest"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/sol/sol013"
	"github.com/cadenza-mano/cadenza/sol/vnflcm"
)

const (
	manifestsCNF  = "../../testdata/packages/cnf-manifests"
	manifestsVNFD = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"
	schemaDir     = "SOL003/VNFLifecycleManagement-API/"
	secret        = "s3cret-token"
)

// packages serves one package read from its source directory.
type packages struct{ pkg *lcm.Package }

func (p packages) Package(_ context.Context, vnfdID string) (*lcm.Package, error) {
	if vnfdID != p.pkg.VNFD.ID {
		return nil, fmt.Errorf("vnfd %s: %w", vnfdID, lcm.ErrPackage)
	}
	return p.pkg, nil
}

type testBundle struct {
	url     string
	drv     *lcmtest.Driver
	schemas *etsischema.Set
}

// env is what a test bundle runs on: the database, the job runner and
// the HTTP engine the APIs are mounted on.
type env struct {
	db     *store.DB
	runner *jobs.Runner
	engine *gin.Engine
	// notify keeps subscriptions and delivers notifications, for every API.
	notify *notify.Service
}

// quiet keeps the engine's and River's logs out of test output.
var quiet = slog.New(slog.DiscardHandler)

// setup serves the API over an engine with an in-memory driver and the
// manifests CNF read from its source directory.
func setup(t *testing.T) *testBundle {
	t.Helper()
	drv := lcmtest.NewDriver()
	b := setupWith(t, drv, func(*env) lcm.PackageSource {
		pkg, err := lcm.LoadPackageDir(t.Context(), manifestsCNF, "Definitions/cnf.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return packages{pkg}
	})
	b.drv = drv
	return b
}

// setupWith serves the API over an engine with driver and the package
// source pkgs makes (it may mount more APIs on the env's engine).
func setupWith(t *testing.T, driver vim.Driver, pkgs func(*env) lcm.PackageSource) *testBundle {
	t.Helper()
	return setupWithDrivers(t, lcm.DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return driver, nil }), pkgs)
}

// setupWithDrivers is setupWith with the engine asking drivers for the
// driver of each VIM connection.
func setupWithDrivers(t *testing.T, drivers lcm.DriverFactory, pkgs func(*env) lcm.PackageSource) *testBundle {
	t.Helper()
	return setupOn(t, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), drivers, pkgs)
}

// setupOn is setupWithDrivers on the database dsn names.
func setupOn(t *testing.T, dsn string, drivers lcm.DriverFactory, pkgs func(*env) lcm.PackageSource) *testBundle {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ev := &env{db: db, runner: runner, engine: sol013.NewEngine()}
	ns, err := notify.New(db, runner, notify.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ev.notify = ns
	svc, err := lcm.NewService(db, runner, lcm.Options{Granter: lcm.LocalGranter{Logger: quiet}, Packages: pkgs(ev), Logger: quiet,
		Drivers: drivers})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	vnflcm.Mount(ev.engine, nil, svc, ns)
	srv := httptest.NewServer(ev.engine)
	t.Cleanup(srv.Close)
	return &testBundle{url: srv.URL, schemas: etsischema.ForTest(t)}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to path (below the server) with a JSON body ("" for none).
func (b *testBundle) do(t *testing.T, method, path, body string) reply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, b.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if strings.Contains(string(raw), secret) {
		t.Errorf("%s %s answered the VIM credential: %s", method, path, raw)
	}
	return reply{status: res.StatusCode, header: res.Header, body: raw}
}

// want fails the test unless r has status, and validates its body against
// schema (v1 only: the ETSI JSON schemas are SOL 003 v2.6.1's).
func (b *testBundle) want(t *testing.T, r reply, status int, schema string) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if schema != "" {
		b.schemas.MustValidate(t, schemaDir+schema, r.body)
	}
	return r
}

// task posts a task and waits for its occurrence to end in state.
func (b *testBundle) task(t *testing.T, path, body string, state lcm.OpState) map[string]any {
	t.Helper()
	r := b.want(t, b.do(t, http.MethodPost, path, body), http.StatusAccepted, "")
	loc := r.header.Get("Location")
	if loc == "" {
		t.Fatalf("POST %s: no Location", path)
	}
	return b.waitOp(t, loc, state)
}

func (b *testBundle) waitOp(t *testing.T, loc string, state lcm.OpState) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		schema := ""
		if strings.HasPrefix(loc, "/vnflcm/v1/") {
			schema = "vnfLcmOpOcc"
		}
		r := b.want(t, b.do(t, http.MethodGet, loc+"?all_fields", ""), http.StatusOK, schema)
		var op map[string]any
		if err := json.Unmarshal(r.body, &op); err != nil {
			t.Fatal(err)
		}
		st := lcm.OpState(op["operationState"].(string))
		if st == state {
			return op
		}
		if st.Final() || st == lcm.FailedTemp || time.Now().After(deadline) {
			t.Fatalf("%s is %s, want %s: %s", loc, st, state, r.body)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const instantiateV1 = `{"flavourId":"default","additionalParams":{"lcm-kubernetes-def-files":["Files/kubernetes/deployment.yaml"]},
 "vimConnectionInfo":[{"id":"vim1","vimType":"kubernetes","interfaceInfo":{"endpoint":"https://k8s.example:6443"},"accessInfo":{"bearer_token":"` + secret + `"}}]}`

func TestLifecycleV1(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances",
		`{"vnfdId":"`+manifestsVNFD+`","vnfInstanceName":"web","vnfInstanceDescription":"d"}`), http.StatusCreated, "vnfInstance")
	inst := decode(t, r.body)
	path := "/vnflcm/v1/vnf_instances/" + inst["id"].(string)
	if r.header.Get("Location") != path || r.header.Get("Version") != "1.3.0" {
		t.Fatalf("Location %q, Version %q", r.header.Get("Location"), r.header.Get("Version"))
	}

	op := b.task(t, path+"/instantiate", instantiateV1, lcm.Completed)
	if !strings.Contains(fmt.Sprint(op["operationParams"]), "vim1") {
		t.Errorf("operationParams %v lost the request", op["operationParams"])
	}
	full := decode(t, b.want(t, b.do(t, http.MethodGet, path+"?all_fields", ""), http.StatusOK, "vnfInstance").body)
	info, _ := full["instantiatedVnfInfo"].(map[string]any)
	if full["instantiationState"] != "INSTANTIATED" || info == nil || len(info["vnfcResourceInfo"].([]any)) != 1 {
		t.Fatalf("instantiated instance: %v", full)
	}
	var brief []map[string]any
	if err := json.Unmarshal(b.want(t, b.do(t, http.MethodGet, "/vnflcm/v1/vnf_instances", ""), http.StatusOK, "vnfInstances").body, &brief); err != nil || len(brief) != 1 {
		t.Fatalf("list: %v %v", brief, err)
	}
	if _, ok := brief[0]["instantiatedVnfInfo"]; ok {
		t.Error("the list answered instantiatedVnfInfo without being asked for")
	}

	b.task(t, path+"/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect","numberOfSteps":1,"tackerExtra":1}`, lcm.Completed)
	b.task(t, path+"/scale_to_level", `{"instantiationLevelId":"level_2"}`, lcm.Completed)
	b.wantVNFCs(t, path, 3)
	b.task(t, path+"/heal", `{"cause":"restart"}`, lcm.Completed)
	b.task(t, path+"/operate", `{"changeStateTo":"STOPPED","stopType":"FORCEFUL"}`, lcm.Completed)
	b.task(t, path+"/operate", `{"changeStateTo":"STARTED"}`, lcm.Completed)
	b.wantVNFCs(t, path, 3)
	b.task(t, path+"/change_ext_conn", `{"extVirtualLinks":[]}`, lcm.Completed)
	b.want(t, b.do(t, http.MethodPost, path+"/change_vnfpkg", `{"vnfdId":"x"}`), http.StatusNotFound, "ProblemDetails")
	b.task(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`, lcm.Completed)
	if b.drv.Exists(inst["id"].(string)) {
		t.Fatal("terminate left the VNF on the VIM")
	}
	b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")
	b.want(t, b.do(t, http.MethodGet, path, ""), http.StatusNotFound, "ProblemDetails")

	ops := b.want(t, b.do(t, http.MethodGet, "/vnflcm/v1/vnf_lcm_op_occs", ""), http.StatusOK, "VnfLcmOpOccs")
	var list []map[string]any
	if err := json.Unmarshal(ops.body, &list); err != nil || len(list) != 8 {
		t.Fatalf("%d op occs (%v), want 8", len(list), err)
	}
	b.want(t, b.do(t, http.MethodGet, "/vnflcm/v1/vnf_instances", ""), http.StatusOK, "vnfInstances")
}

func (b *testBundle) wantVNFCs(t *testing.T, path string, n int) {
	t.Helper()
	full := decode(t, b.do(t, http.MethodGet, path+"?fields=instantiatedVnfInfo", "").body)
	info := full["instantiatedVnfInfo"].(map[string]any)
	if got := len(info["vnfcResourceInfo"].([]any)); got != n {
		t.Fatalf("%d VNFCs, want %d", got, n)
	}
	wantVnfcInfo(t, info)
}

// wantVnfcInfo checks that vnfcInfo has one entry per vnfcResourceInfo, of its VDU, in the
// VNF's state.
func wantVnfcInfo(t *testing.T, info map[string]any) {
	t.Helper()
	vdus := map[string]any{}
	res, _ := info["vnfcResourceInfo"].([]any)
	for _, r := range res {
		vdus[r.(map[string]any)["id"].(string)] = r.(map[string]any)["vduId"]
	}
	list, _ := info["vnfcInfo"].([]any)
	if len(list) != len(res) {
		t.Fatalf("%d vnfcInfo for %d vnfcResourceInfo: %v", len(list), len(res), info["vnfcInfo"])
	}
	for _, e := range list {
		c := e.(map[string]any)
		rid, _ := c["vnfcResourceInfoId"].(string)
		if vdu, ok := vdus[rid]; !ok || c["vduId"] != vdu || c["vnfcState"] != info["vnfState"] {
			t.Errorf("vnfcInfo %v: want a vnfcResourceInfo of vdu %v, state %v", c, vdu, info["vnfState"])
		}
	}
}

func TestLifecycleV2(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v2/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`), http.StatusCreated, "")
	if r.header.Get("Version") != "2.0.0" {
		t.Errorf("Version %q", r.header.Get("Version"))
	}
	path := "/vnflcm/v2/vnf_instances/" + decode(t, r.body)["id"].(string)
	b.task(t, path+"/instantiate", `{"flavourId":"default","instantiationLevelId":"level_2",
	  "additionalParams":{"lcm-kubernetes-def-files":["Files/kubernetes/deployment.yaml"]},
	  "vimConnectionInfo":{"vim1":{"vimType":"ETSINFV.KUBERNETES.V_1","accessInfo":{"bearer_token":"`+secret+`"}}}}`, lcm.Completed)
	full := decode(t, b.do(t, http.MethodGet, path+"?all_fields", "").body)
	vims, ok := full["vimConnectionInfo"].(map[string]any)
	if !ok || vims["vim1"] == nil {
		t.Fatalf("v2 vimConnectionInfo is not a map by id: %v", full["vimConnectionInfo"])
	}
	op := b.task(t, path+"/change_vnfpkg", `{"vnfdId":"`+manifestsVNFD+`"}`, lcm.Completed)
	if op["operation"] != "CHANGE_VNFPKG" {
		t.Errorf("operation %v", op["operation"])
	}
	var brief []map[string]any
	if err := json.Unmarshal(b.do(t, http.MethodGet, "/vnflcm/v2/vnf_lcm_op_occs", "").body, &brief); err != nil || len(brief) != 2 {
		t.Fatalf("list: %v %v", brief, err)
	}
	if _, ok := brief[0]["operationParams"]; ok {
		t.Error("the v2 list answered operationParams without being asked for")
	}
	b.wantVNFCs(t, path, 3)
}

func TestFaultsV1(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`)
	path := "/vnflcm/v1/vnf_instances/" + decode(t, r.body)["id"].(string)

	b.drv.FailNext("Deploy", vim.Errorf(vim.ErrTransient, "deploy", "vim unreachable"))
	r = b.want(t, b.do(t, http.MethodPost, path+"/instantiate", instantiateV1), http.StatusAccepted, "")
	loc := r.header.Get("Location")
	op := b.waitOp(t, loc, lcm.FailedTemp)
	if op["error"] == nil {
		t.Fatal("FAILED_TEMP without an error")
	}
	b.want(t, b.do(t, http.MethodPost, path+"/terminate", `{"terminationType":"FORCEFUL"}`), http.StatusConflict, "ProblemDetails")
	b.want(t, b.do(t, http.MethodPost, loc+"/retry", ""), http.StatusAccepted, "")
	b.waitOp(t, loc, lcm.Completed)
	b.want(t, b.do(t, http.MethodPost, loc+"/fail", ""), http.StatusConflict, "ProblemDetails")

	b.drv.FailNext("Scale", vim.Errorf(vim.ErrTimeout, "scale", "pods not ready"))
	r = b.want(t, b.do(t, http.MethodPost, path+"/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect"}`), http.StatusAccepted, "")
	loc = r.header.Get("Location")
	b.waitOp(t, loc, lcm.FailedTemp)
	b.want(t, b.do(t, http.MethodPost, loc+"/rollback", ""), http.StatusAccepted, "")
	b.waitOp(t, loc, lcm.RolledBack)
	b.wantVNFCs(t, path, 1)

	b.drv.FailNext("Heal", vim.Errorf(vim.ErrPermanent, "heal", "refused"))
	r = b.want(t, b.do(t, http.MethodPost, path+"/heal", `{"cause":"x"}`), http.StatusAccepted, "")
	loc = r.header.Get("Location")
	b.waitOp(t, loc, lcm.FailedTemp)
	failed := decode(t, b.want(t, b.do(t, http.MethodPost, loc+"/fail", ""), http.StatusOK, "vnfLcmOpOcc").body)
	if failed["operationState"] != "FAILED" {
		t.Fatalf("fail answered %v", failed["operationState"])
	}
}

func TestRequestErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`)
	path := "/vnflcm/v1/vnf_instances/" + decode(t, r.body)["id"].(string)
	tests := []struct {
		name, method, path, body string
		status                   int
	}{
		{"create without vnfdId", "POST", "/vnflcm/v1/vnf_instances", `{}`, 400},
		{"create of an unknown vnfd", "POST", "/vnflcm/v1/vnf_instances", `{"vnfdId":"nope"}`, 422},
		{"unknown flavour", "POST", path + "/instantiate", `{"flavourId":"big"}`, 422},
		{"no flavour", "POST", path + "/instantiate", `{}`, 400},
		{"not json", "POST", path + "/instantiate", `{`, 400},
		{"scale before instantiate", "POST", path + "/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect"}`, 409},
		{"bad scale type", "POST", path + "/scale", `{"type":"UP","aspectId":"web_aspect"}`, 400},
		{"v1 vim connection without id", "POST", path + "/instantiate", `{"flavourId":"default","vimConnectionInfo":[{"vimType":"kubernetes"}]}`, 400},
		{"unknown instance", "GET", "/vnflcm/v1/vnf_instances/nope", "", 404},
		{"unknown op occ", "POST", "/vnflcm/v1/vnf_lcm_op_occs/nope/retry", "", 404},
		{"bad cancel mode", "POST", "/vnflcm/v1/vnf_lcm_op_occs/nope/cancel", `{"cancelMode":"NOW"}`, 400},
		{"bad filter", "GET", "/vnflcm/v1/vnf_instances?filter=(eq,nope,1)", "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.want(t, b.do(t, tt.method, tt.path, tt.body), tt.status, "ProblemDetails")
		})
	}
}

func TestModify(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`)
	path := "/vnflcm/v1/vnf_instances/" + decode(t, r.body)["id"].(string)
	etag := r.header.Get("ETag")
	r = b.want(t, b.do(t, http.MethodPatch, path, `{"vnfInstanceName":"renamed","metadata":{"k":"v"},
	  "vimConnectionInfo":[{"id":"vim1","vimType":"kubernetes","accessInfo":{"bearer_token":"`+secret+`"}}]}`), http.StatusAccepted, "")
	b.waitOp(t, r.header.Get("Location"), lcm.Completed)
	got := decode(t, b.want(t, b.do(t, http.MethodGet, path+"?all_fields", ""), http.StatusOK, "vnfInstance").body)
	if got["vnfInstanceName"] != "renamed" || got["metadata"].(map[string]any)["k"] != "v" || got["vimConnectionInfo"] == nil {
		t.Fatalf("after PATCH: %v", got)
	}
	// Maps merge by RFC 7396 at every depth: a nested null removes one key, a nested object
	// merges, and what the patch leaves out stays.
	r = b.want(t, b.do(t, http.MethodPatch, path, `{"vnfConfigurableProperties":{"limits":{"cpu":2,"memory":"1Gi","tags":["a"]}}}`),
		http.StatusAccepted, "")
	b.waitOp(t, r.header.Get("Location"), lcm.Completed)
	r = b.want(t, b.do(t, http.MethodPatch, path, `{"vnfConfigurableProperties":{"limits":{"cpu":null,"disk":"5Gi","tags":["b"]}}}`),
		http.StatusAccepted, "")
	b.waitOp(t, r.header.Get("Location"), lcm.Completed)
	got = decode(t, b.want(t, b.do(t, http.MethodGet, path, ""), http.StatusOK, "vnfInstance").body)
	limits, _ := got["vnfConfigurableProperties"].(map[string]any)["limits"].(map[string]any)
	if want := map[string]any{"memory": "1Gi", "disk": "5Gi", "tags": []any{"b"}}; !reflect.DeepEqual(limits, want) {
		t.Errorf("vnfConfigurableProperties.limits after two PATCHes: %v, want %v", limits, want)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPatch, b.url+path, strings.NewReader(`{"vnfInstanceName":"x"}`))
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("If-Match", etag)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("PATCH with a stale If-Match: %d, want 412", res.StatusCode)
	}
}
