package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/klog/v2"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/server"
	"github.com/cadenza-mano/cadenza/internal/telemetry"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

var nfvoSpec = Spec{
	Name: "nfvo", DefaultListen: "127.0.0.1:0", Scopes: ScopesOf(vnfpkgm.API),
	Mount: func(_ context.Context, a *App) error {
		dir := filepath.Join(a.Opts.DataDir, "packages")
		svc, err := catalog.NewService(a.DB, a.Jobs, catalog.Options{Dir: dir})
		if err != nil {
			return err
		}
		ns, err := notify.New(a.DB, a.Jobs, notify.Options{})
		if err != nil {
			return err
		}
		vnfpkgm.Mount(a.Engine, a.Auth, svc, ns)
		return nil
	},
}

// start runs the NFVO's app with args on a free port until the test ends,
// and checks that it then shuts down cleanly.
func start(t *testing.T, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	cmd := Command(nfvoSpec)
	cmd.SetArgs(append([]string{"--listen", addr, "--data-dir", t.TempDir(), "--log-format", "text"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("shutdown: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("no shutdown within 30 s")
		}
	})
	base := "http://" + addr
	for i := 0; ; i++ {
		res, err := http.Get(base + "/readyz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			return base
		}
		select {
		case err := <-done:
			t.Fatalf("server exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func token(t *testing.T, base, id, secret, scope string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, _ := http.NewRequest("POST", base+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", res.StatusCode, err)
	}
	return tok.AccessToken
}

func call(t *testing.T, method, u, bearer, body string) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func TestNFVO_OAuthFlow(t *testing.T) {
	t.Parallel()
	base := start(t, "--oauth-client", "ops:s3cret", "--oauth-client", "viewer:v1ew:vnfpkgm:v1:readonly")
	list := base + "/vnfpkgm/v1/vnf_packages"
	if res, _ := call(t, "GET", list, "", ""); res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d %v", res.StatusCode, res.Header)
	}
	ops := token(t, base, "ops", "s3cret", "")
	if res, body := call(t, "POST", list, ops, `{}`); res.StatusCode != 201 {
		t.Fatalf("create with token: %d %s", res.StatusCode, body)
	}
	viewer := token(t, base, "viewer", "v1ew", "")
	if res, body := call(t, "GET", list, viewer, ""); res.StatusCode != 200 || !strings.Contains(body, "CREATED") {
		t.Fatalf("list with readonly token: %d %s", res.StatusCode, body)
	}
	if res, _ := call(t, "POST", list, viewer, `{}`); res.StatusCode != 403 {
		t.Fatalf("create with readonly token: %d", res.StatusCode)
	}
	if res, _ := call(t, "GET", list, ops+"x", ""); res.StatusCode != 401 {
		t.Fatalf("tampered token: %d", res.StatusCode)
	}
}

func TestNFVO_Operability(t *testing.T) {
	t.Parallel()
	base := start(t, "--auth", "none")
	// X-Auth-Token, as OpenStack clients send it, is ignored with --auth none.
	req, _ := http.NewRequest("GET", base+"/vnfpkgm/v1/vnf_packages", nil)
	req.Header.Set("X-Auth-Token", "notused")
	req.Header.Set(server.RequestIDHeader, "trace-42")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get(server.RequestIDHeader) != "trace-42" {
		t.Fatalf("list: %d, request id %q", res.StatusCode, res.Header.Get(server.RequestIDHeader))
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if res, body := call(t, "GET", base+p, "", ""); res.StatusCode != 200 || !strings.Contains(body, "ok") {
			t.Fatalf("%s: %d %s", p, res.StatusCode, body)
		}
	}
	_, metrics := call(t, "GET", base+"/metrics", "", "")
	want := `cadenza_http_requests_total{code="200",method="GET",route="/vnfpkgm/v1/vnf_packages"} 1`
	if !strings.Contains(metrics, want) || !strings.Contains(metrics, "cadenza_http_request_duration_seconds_bucket") {
		t.Fatalf("metrics lack %s", want)
	}
}

func TestCommand_EnvAndValidation(t *testing.T) {
	t.Setenv("MANO_AUTH", "bogus")
	cmd := Command(nfvoSpec)
	cmd.SetArgs([]string{"--data-dir", t.TempDir()})
	cmd.SetOut(io.Discard)
	err := cmd.ExecuteContext(t.Context())
	if err == nil || !strings.Contains(err.Error(), `--auth "bogus"`) {
		t.Fatalf("MANO_AUTH=bogus: got %v", err)
	}
	cmd = Command(nfvoSpec)
	cmd.SetArgs([]string{"--data-dir", t.TempDir(), "--auth", "oauth2", "--oauth-client", "no-secret"})
	if err := cmd.ExecuteContext(t.Context()); err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("bad --oauth-client accepted: %v", err)
	}
}

// TestRouteKlog checks that client-go's klog lines reach the process's logger as JSON.
func TestRouteKlog(t *testing.T) {
	var buf strings.Builder
	log, err := telemetry.NewLogger(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	routeKlog(log)
	klog.InfoS("watch ended", "reflector", "pods")
	klog.Flush()
	var line map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &line); err != nil {
		t.Fatalf("klog line not in the logger's JSON: %q: %v", buf.String(), err)
	}
	if line["component"] != "kubernetes-client" || line["msg"] != "watch ended" || line["reflector"] != "pods" {
		t.Errorf("line %v", line)
	}
}

// TestJobOptions checks --job-workers: it sets the default queue's workers and leaves the
// server's other queues, and the server's own options, as they were.
func TestJobOptions(t *testing.T) {
	spec := jobs.Options{Queues: map[string]int{jobs.QueueDefault: 16, "bulk": 2}}
	got := jobOptions(spec, 200)
	if got.Queues[jobs.QueueDefault] != 200 || got.Queues["bulk"] != 2 {
		t.Errorf("queues with --job-workers 200: %v", got.Queues)
	}
	if spec.Queues[jobs.QueueDefault] != 16 {
		t.Errorf("the server's own options changed: %v", spec.Queues)
	}
	if got := jobOptions(spec, 0); got.Queues[jobs.QueueDefault] != 16 {
		t.Errorf("queues with --job-workers 0: %v, want the server's", got.Queues)
	}
	if got := jobOptions(jobs.Options{}, 50); got.Queues[jobs.QueueDefault] != 50 || len(got.Queues) != 1 {
		t.Errorf("queues of a server with the jobs defaults, --job-workers 50: %v", got.Queues)
	}
}
