package grant_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/cadenza-mano/cadenza/conformance/etsischema"
	igrant "github.com/cadenza-mano/cadenza/internal/grant"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/lcm/lcmtest"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
	"github.com/cadenza-mano/cadenza/sol/grant"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

const (
	manifestsCNF   = "../../testdata/packages/cnf-manifests"
	manifestsEntry = "Definitions/cnf.yaml"
	manifestsVNFD  = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"
	// vimToken is the registered VIM's credential: it may reach the VNFM
	// in a grant and the driver, and nothing else.
	vimToken     = "vim-token-5b0e7d2a-secret"
	schemaGrant  = "SOL003/VNFLifecycleOperationGranting-API/grant"
	openapiGrant = "../../../shared/etsi/openapi/SOL003/v3.3.1-bundled/sol003_operation_openapi.json"
)

// backends are the databases both servers run on.
var backends = []struct {
	name string
	dsn  func(testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "t.db") }},
	{"postgres", testenv.Postgres},
}

// edgeVIM is the default VIM of the test NFVO.
func edgeVIM(quota int) vimreg.VIM {
	return vimreg.VIM{ID: "edge", VIMType: vim.VIMTypeKubernetes, Default: true, Zones: []string{"zone-a", "zone-b"},
		InterfaceInfo: map[string]string{"endpoint": "https://edge.example:6443"},
		AccessInfo:    map[string]string{"bearer_token": vimToken}, Quota: &vimreg.Quota{Compute: quota}}
}

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// nfvo is a running NFVO grant API over a VIM registry.
type nfvo struct {
	url  string
	reg  *vimreg.Registry
	svc  *igrant.Service
	logs *logBuffer
}

func startRunner(t testing.TB, dsn string, log *slog.Logger) (*store.DB, *jobs.Runner) {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return db, runner
}

func start(t testing.TB, runner *jobs.Runner) {
	t.Helper()
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
}

// startNFVO serves the grant API on dsn with vims registered.
func startNFVO(t testing.TB, dsn string, deferAbove int, vims ...vimreg.VIM) *nfvo {
	t.Helper()
	n := &nfvo{logs: &logBuffer{}}
	log := n.logs.logger()
	db, runner := startRunner(t, dsn, log)
	reg, err := vimreg.New(db, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Put(t.Context(), vims); err != nil {
		t.Fatal(err)
	}
	n.reg = reg
	n.svc, err = igrant.New(db, runner, reg, igrant.Options{DeferAbove: deferAbove, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	start(t, runner)
	e := sol013.NewEngine()
	grant.Mount(e, nil, n.svc)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	n.url = srv.URL
	return n
}

// exchange is one request of the grant client and its answer.
type exchange struct {
	method, path string
	status       int
	req, res     []byte
}

// recorder is the VNFM's transport: it keeps every exchange with the NFVO.
type recorder struct {
	mu  sync.Mutex
	log []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return res, err
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(raw))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, exchange{req.Method, req.URL.Path, res.StatusCode, body, raw})
	return res, nil
}

func (r *recorder) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.log...)
}

// vnfm is an LCM engine whose granter is the SOL 003 client.
type vnfm struct {
	svc  *lcm.Service
	drv  *lcmtest.Driver
	rec  *recorder
	logs *logBuffer

	mu    sync.Mutex
	asked []*vim.Connection // what the driver factory was asked for
}

type pkgSource struct{ pkg *lcm.Package }

func (p pkgSource) Package(_ context.Context, id string) (*lcm.Package, error) {
	if id != p.pkg.VNFD.ID {
		return nil, fmt.Errorf("vnfd %s: %w", id, lcm.ErrPackage)
	}
	return p.pkg, nil
}

// startVNFM runs an engine on dsn that asks the NFVO at nfvoURL.
func startVNFM(t testing.TB, dsn, nfvoURL string) *vnfm {
	t.Helper()
	v := &vnfm{drv: lcmtest.NewDriver(), rec: &recorder{}, logs: &logBuffer{}}
	log := v.logs.logger()
	db, runner := startRunner(t, dsn, log)
	pkg, err := lcm.LoadPackageDir(t.Context(), manifestsCNF, manifestsEntry)
	if err != nil {
		t.Fatal(err)
	}
	client, err := grant.NewClient(grant.ClientOptions{BaseURL: nfvoURL, Logger: log,
		HTTPClient: &http.Client{Transport: v.rec}, MinBackoff: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	v.svc, err = lcm.NewService(db, runner, lcm.Options{Granter: client, Packages: pkgSource{pkg}, Logger: log,
		Drivers: lcm.DriverFactoryFunc(func(_ context.Context, c *vim.Connection) (vim.Driver, error) {
			v.mu.Lock()
			defer v.mu.Unlock()
			v.asked = append(v.asked, c)
			return v.drv, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	start(t, runner)
	return v
}

var manifests = map[string]any{lcm.ParamManifests: []any{"Files/kubernetes/deployment.yaml"}}

// instantiate creates an instance and instantiates it at level, and
// returns the instance id and the final operation.
func (v *vnfm) instantiate(t testing.TB, level string) (string, lcm.OpOcc) {
	t.Helper()
	inst, err := v.svc.Create(t.Context(), lcm.CreateRequest{VNFDID: manifestsVNFD, Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	return inst.ID, v.wait(t)(v.svc.Instantiate(t.Context(), inst.ID, lcm.InstantiateRequest{FlavourID: "default",
		InstantiationLevelID: level, AdditionalParams: manifests}, nil))
}

// wait returns a function that waits for the op occ a start returned to
// end or fail.
func (v *vnfm) wait(t testing.TB) func(store.Item[lcm.OpOcc], error) lcm.OpOcc {
	return func(it store.Item[lcm.OpOcc], err error) lcm.OpOcc {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for {
			got, err := v.svc.OpOccs().Get(t.Context(), it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Doc.State.Final() || got.Doc.State == lcm.FailedTemp {
				return got.Doc
			}
			select {
			case <-t.Context().Done():
				t.Fatalf("op occ %s still %s", it.ID, got.Doc.State)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

func (v *vnfm) instance(t testing.TB, id string) lcm.VNFInstance {
	t.Helper()
	it, err := v.svc.Instances().Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it.Doc
}

func (v *vnfm) askedFor() []*vim.Connection {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]*vim.Connection(nil), v.asked...)
}

// validator checks grant bodies against ETSI's schemas: the v2.6.1
// conformance schema of Grant, and the v3.3.1 OpenAPI's GrantRequest
// and Grant.
type validator struct {
	set               *etsischema.Set
	request, grant331 *jsonschema.Schema
}

var openapiOnce struct {
	sync.Once
	v   validator
	err error
}

func schemas(t testing.TB) *validator {
	t.Helper()
	openapiOnce.Do(func() {
		f, err := os.Open(openapiGrant)
		if err != nil {
			openapiOnce.err = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			openapiOnce.err = err
			return
		}
		c := jsonschema.NewCompiler()
		const url = "file:///sol003_operation_openapi.json"
		if err := c.AddResource(url, doc); err != nil {
			openapiOnce.err = err
			return
		}
		v := &openapiOnce.v
		v.request, err = c.Compile(url + "#/components/requestBodies/GrantRequest/content/application~1json/schema")
		if err == nil {
			v.grant331, err = c.Compile(url + "#/components/responses/Grants.Post.201/content/application~1json/schema")
		}
		openapiOnce.err = err
	})
	if openapiOnce.err != nil {
		t.Fatalf("ETSI OpenAPI: %v", openapiOnce.err)
	}
	v := openapiOnce.v
	v.set = etsischema.ForTest(t)
	return &v
}

func (v *validator) grantRequest(t testing.TB, body []byte) {
	t.Helper()
	validate(t, v.request, "GrantRequest (SOL 003 v3.3.1)", body)
}

func (v *validator) grant(t testing.TB, body []byte) {
	t.Helper()
	v.set.MustValidate(t, schemaGrant, body)
	validate(t, v.grant331, "Grant (SOL 003 v3.3.1)", body)
}

func validate(t testing.TB, s *jsonschema.Schema, name string, body []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err == nil {
		err = s.Validate(inst)
	}
	if err != nil {
		t.Errorf("%s: %v\nbody: %.2000s", name, err, body)
	}
}

// noSecret fails when text shows the VIM's credential.
func noSecret(t testing.TB, where, text string) {
	t.Helper()
	if strings.Contains(text, vimToken) {
		t.Errorf("%s shows the VIM credential", where)
	}
}

func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return m
}
