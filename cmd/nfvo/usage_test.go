package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
	"github.com/cadenza-mano/cadenza/sol/vnflcm"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

const (
	usageVNFD   = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41" // of testdata/packages/cnf-manifests
	adminClient = "admin:adm1n"
	vnfmToNFVO  = "vnfm:vnfm-s3cret"
	nfvoToVNFM  = "nfvo:nfvo-s3cret"
)

// TestPackageUsageFromTheVNFM runs the NFVO command and a VNFM (the VNF
// LCM API over the engine, fetching packages from the NFVO over SOL 003)
// over HTTP with OAuth 2.0 on both. A VNF instance created before the NFVO
// followed the VNFM is found by reconciliation at start; later ones by the
// VNFM's notifications. An IN_USE package can be disabled but not deleted;
// when its last instance goes it is NOT_IN_USE and can be deleted. The
// NFVO keeps one subscription at the VNFM across restarts, and its
// callback refuses notifications without its credentials.
func TestPackageUsageFromTheVNFM(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		packageUsageFromTheVNFM(t, nil)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		packageUsageFromTheVNFM(t, []string{"--db", testenv.Postgres(t)})
	})
}

// packageUsageFromTheVNFM is the scenario, with the NFVO's database
// chosen by dbArgs (none: SQLite under its data directory).
func packageUsageFromTheVNFM(t *testing.T, dbArgs []string) {
	nfvoAddr, vnfmAddr := freeAddr(t), freeAddr(t)
	nfvoURL, vnfmURL := "http://"+nfvoAddr, "http://"+vnfmAddr
	data := filepath.Join(t.TempDir(), "nfvo")
	nfvoArgs := append([]string{"--data-dir", data, "--oauth-client", adminClient, "--oauth-client", vnfmToNFVO}, dbArgs...)
	following := append(append([]string{}, nfvoArgs...), "--vnfm-url", vnfmURL, "--vnfm-client", nfvoToVNFM)

	stopNFVO := serve(t, app.Command(spec()), nfvoAddr, nfvoArgs...)
	serve(t, app.Command(vnfmSpec(t, nfvoURL)), vnfmAddr, "--data-dir", filepath.Join(t.TempDir(), "vnfm"),
		"--oauth-client", adminClient, "--oauth-client", nfvoToVNFM)
	nfvo, vnfm := clientOf(t, nfvoURL, adminClient), clientOf(t, vnfmURL, adminClient)

	pkg := onboard(t, nfvo, nfvoURL)
	first := createInstance(t, vnfm, vnfmURL)
	stopNFVO()

	stopNFVO = serve(t, app.Command(spec()), nfvoAddr, following...)
	waitUsage(t, nfvo, nfvoURL, pkg, "IN_USE") // reconciled at start
	deleteInstance(t, vnfm, vnfmURL, first)
	waitUsage(t, nfvo, nfvoURL, pkg, "NOT_IN_USE") // VnfIdentifierDeletionNotification
	second := createInstance(t, vnfm, vnfmURL)
	waitUsage(t, nfvo, nfvoURL, pkg, "IN_USE") // VnfIdentifierCreationNotification

	expect(t, nfvo, http.MethodPatch, nfvoURL+"/vnfpkgm/v1/vnf_packages/"+pkg, `{"operationalState":"DISABLED"}`, http.StatusOK)
	body := expect(t, nfvo, http.MethodDelete, nfvoURL+"/vnfpkgm/v1/vnf_packages/"+pkg, "", http.StatusConflict)
	var pd struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(body, &pd); err != nil || pd.Status != http.StatusConflict || !strings.Contains(pd.Detail, "IN_USE") {
		t.Fatalf("delete while IN_USE: %s", body)
	}

	stopNFVO() // a restart keeps the one subscription
	serve(t, app.Command(spec()), nfvoAddr, following...)
	waitUsage(t, nfvo, nfvoURL, pkg, "IN_USE")
	var subs []vnflcm.LccnSubscription
	if err := json.Unmarshal(expect(t, vnfm, http.MethodGet, vnfmURL+"/vnflcm/v1/subscriptions", "", http.StatusOK), &subs); err != nil || len(subs) != 1 {
		t.Fatalf("subscriptions at the VNFM: %+v %v", subs, err)
	}
	for _, c := range []*http.Client{http.DefaultClient, basicClient("cadenza-nfvo", "guess")} {
		expect(t, c, http.MethodPost, nfvoURL+vnfpkgm.CallbackPath,
			`{"notificationType":"VnfIdentifierDeletionNotification","vnfInstanceId":"`+second+`"}`, http.StatusUnauthorized)
	}
	// With the right credentials, what is not a notification is refused and changes nothing.
	key, err := vimreg.LoadKey("", data)
	if err != nil {
		t.Fatal(err)
	}
	vnfmAsCaller := basicClient(callbackUser, callbackPassword(key))
	for _, body := range []string{`{"notificationType":`, `[]`, `{"notificationType":"VnfIdentifierDeletionNotification"}`} {
		res := expect(t, vnfmAsCaller, http.MethodPost, nfvoURL+vnfpkgm.CallbackPath, body, http.StatusBadRequest)
		if !strings.Contains(string(res), `"status":400`) {
			t.Errorf("callback %s: %s, want ProblemDetails", body, res)
		}
	}
	waitUsage(t, nfvo, nfvoURL, pkg, "IN_USE")

	deleteInstance(t, vnfm, vnfmURL, second)
	waitUsage(t, nfvo, nfvoURL, pkg, "NOT_IN_USE")
	expect(t, nfvo, http.MethodDelete, nfvoURL+"/vnfpkgm/v1/vnf_packages/"+pkg, "", http.StatusNoContent)
}

// vnfmSpec is a VNFM as cmd/vnfm wires one beside an NFVO, without VIMs
// (creating and deleting instance identifiers needs none) and with fast
// notification retries.
func vnfmSpec(t *testing.T, nfvoURL string) app.Spec {
	return app.Spec{
		Name:          "vnfm",
		DefaultListen: "127.0.0.1:0",
		Scopes:        app.ScopesOf(vnflcm.API),
		Mount: func(_ context.Context, a *app.App) error {
			ns, err := notify.New(a.DB, a.Jobs, notify.Options{Logger: a.Log, RetryBase: 200 * time.Millisecond})
			if err != nil {
				return err
			}
			pkgs, err := vnfpkgm.NewClient(vnfpkgm.ClientOptions{BaseURL: nfvoURL,
				CacheDir: filepath.Join(a.Opts.DataDir, "packages"), HTTPClient: clientOf(t, nfvoURL, vnfmToNFVO)})
			if err != nil {
				return err
			}
			noVIM := lcm.DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) {
				return nil, errors.New("no VIM in this test")
			})
			svc, err := lcm.NewService(a.DB, a.Jobs, lcm.Options{Granter: lcm.LocalGranter{Logger: a.Log},
				Packages: pkgs, Drivers: noVIM, Logger: a.Log})
			if err != nil {
				return err
			}
			vnflcm.Mount(a.Engine, a.Auth, svc, ns)
			return nil
		},
	}
}

// onboard uploads the CNF test package to the NFVO, waits until it is
// ONBOARDED and enables it.
func onboard(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	var pkg struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(expect(t, c, http.MethodPost, base+"/vnfpkgm/v1/vnf_packages", `{}`, http.StatusCreated), &pkg); err != nil {
		t.Fatal(err)
	}
	zip, err := csartest.Build("../../testdata/packages/cnf-manifests", csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, base+"/vnfpkgm/v1/vnf_packages/"+pkg.ID+"/package_content", bytes.NewReader(zip))
	req.Header.Set("Content-Type", "application/zip")
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %v %v", res, err)
	}
	res.Body.Close()
	waitFor(t, c, base, pkg.ID, "onboardingState", "ONBOARDED")
	expect(t, c, http.MethodPatch, base+"/vnfpkgm/v1/vnf_packages/"+pkg.ID, `{"operationalState":"ENABLED"}`, http.StatusOK)
	return pkg.ID
}

func createInstance(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	var inst struct {
		ID string `json:"id"`
	}
	body := expect(t, c, http.MethodPost, base+"/vnflcm/v1/vnf_instances", `{"vnfdId":"`+usageVNFD+`"}`, http.StatusCreated)
	if err := json.Unmarshal(body, &inst); err != nil || inst.ID == "" {
		t.Fatalf("create instance: %s", body)
	}
	return inst.ID
}

func deleteInstance(t *testing.T, c *http.Client, base, id string) {
	t.Helper()
	expect(t, c, http.MethodDelete, base+"/vnflcm/v1/vnf_instances/"+id, "", http.StatusNoContent)
}

func waitUsage(t *testing.T, c *http.Client, base, pkg, want string) {
	t.Helper()
	waitFor(t, c, base, pkg, "usageState", want)
}

// waitFor polls package pkg until attribute attr is want (30 s at most:
// a notification retried once is well within it).
func waitFor(t *testing.T, c *http.Client, base, pkg, attr, want string) {
	t.Helper()
	var got map[string]any
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = nil
		_ = json.Unmarshal(expect(t, c, http.MethodGet, base+"/vnfpkgm/v1/vnf_packages/"+pkg, "", http.StatusOK), &got)
		if got[attr] == want {
			return
		}
	}
	t.Fatalf("package %s: %s is %v, want %s", pkg, attr, got[attr], want)
}

// expect sends a JSON request (body may be empty) and fails the test
// unless it is answered status; it returns the body.
func expect(t *testing.T, c *http.Client, method, url, body string, status int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		if method == http.MethodPatch {
			req.Header.Set("Content-Type", "application/merge-patch+json")
		}
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: %s, want %d: %s", method, url, res.Status, status, raw)
	}
	return raw
}

// clientOf calls base with tokens of the client "ID:SECRET" from base's
// authorization server.
func clientOf(t *testing.T, base, client string) *http.Client {
	t.Helper()
	id, secret, _ := strings.Cut(client, ":")
	ts, err := auth.NewTokenSource(auth.ClientCredentials{TokenURL: base + auth.TokenPath, ClientID: id, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &auth.Transport{Source: ts}}
}

type basicAuth struct{ user, pass string }

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.pass)
	return http.DefaultTransport.RoundTrip(r)
}

func basicClient(user, pass string) *http.Client {
	return &http.Client{Transport: basicAuth{user, pass}}
}

// serve runs cmd at addr with args until the returned function (or the
// test's end) stops it, and waits until it is ready.
func serve(t *testing.T, cmd *cobra.Command, addr string, args ...string) func() {
	t.Helper()
	cmd.SetArgs(append([]string{"--listen", addr, "--log-level", "error"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	stop := sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("shutdown: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("no shutdown within 30 s")
		}
	})
	t.Cleanup(stop)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil && res.StatusCode == http.StatusOK {
			res.Body.Close()
			return stop
		}
		select {
		case err := <-done:
			t.Fatalf("%s exited: %v", cmd.Name(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestUsageFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		f       usageFlags
		wantErr bool
		oauth   bool
	}{
		{f: usageFlags{vnfmURL: "http://vnfm:9890"}},
		{f: usageFlags{vnfmURL: "http://vnfm:9890/", vnfmClient: "nfvo:s3cret"}, oauth: true},
		{f: usageFlags{vnfmURL: "http://vnfm", vnfmClient: "a:b", vnfmTokenURL: "https://as/token"}, oauth: true},
		{f: usageFlags{vnfmURL: "http://vnfm", vnfmClient: "nfvo"}, wantErr: true},
		{f: usageFlags{vnfmURL: "http://vnfm", vnfmClient: "a:b", vnfmTokenURL: "ftp://x"}, wantErr: true},
	} {
		hc, err := tt.f.httpClient()
		if (err != nil) != tt.wantErr {
			t.Errorf("%+v: err %v", tt.f, err)
		}
		if err != nil {
			continue
		}
		if _, isOAuth := hc.Transport.(*auth.Transport); isOAuth != tt.oauth {
			t.Errorf("%+v: OAuth transport %v, want %v", tt.f, isOAuth, tt.oauth)
		}
	}
	for listen, want := range map[string]string{"0.0.0.0:9880": "127.0.0.1:9880", ":9880": "127.0.0.1:9880",
		"[::]:9880": "127.0.0.1:9880", "nfvo.example:9880": "nfvo.example:9880", "10.0.0.2:1": "10.0.0.2:1"} {
		if got := reachable(listen); got != want {
			t.Errorf("reachable(%q) = %q, want %q", listen, got, want)
		}
	}
	if a, b := callbackPassword([]byte("key-1")), callbackPassword([]byte("key-2")); a == b || len(a) < 40 {
		t.Errorf("callback passwords %q %q", a, b)
	}
}
