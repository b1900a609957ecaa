package auth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

const (
	testIssuer   = "https://nfvo.test"
	testAudience = "cadenza"
)

var testScopes = []string{"vnflcm:v1:all", "vnflcm:v1:readonly", "vnfpkgm:v1:all"}

// The registered clients of the test server: one with every scope, one
// limited to a read-only scope, one whose secret needs form-encoding.
var (
	adminClient    = auth.Client{ID: "admin", Secret: "s3cret-admin-value"}
	readerClient   = auth.Client{ID: "reader", Secret: "s3cret-reader-value", Scopes: []string{"vnflcm:v1:readonly"}}
	awkwardClient  = auth.Client{ID: "odd id", Secret: "p@ss word%&=+"}
	testClientList = []auth.Client{adminClient, readerClient, awkwardClient}
)

// Key generation is slow; tests share two key sets and make more only
// when they need a key nobody else has.
var (
	sharedKeys = sync.OnceValues(auth.GenerateKeySet)
	otherKeys  = sync.OnceValues(auth.GenerateKeySet)
)

func keys(t testing.TB, f func() (*auth.KeySet, error)) *auth.KeySet {
	t.Helper()
	ks, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// clock is a settable time source shared by servers and validators.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func (c *clock) At(d time.Duration) func() time.Time {
	return func() time.Time { return c.Now().Add(d) }
}

// serverOptions are the test server's options; tests change what they need.
func serverOptions(t testing.TB) auth.ServerOptions {
	return auth.ServerOptions{
		Issuer:   testIssuer,
		Audience: []string{testAudience},
		Clients:  testClientList,
		Scopes:   testScopes,
		Keys:     keys(t, sharedKeys),
	}
}

// startServer serves an authorization server over real HTTP and returns
// its base URL.
func startServer(t testing.TB, opts auth.ServerOptions) string {
	t.Helper()
	srv, err := auth.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv)
}

func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// tokenReply is a token endpoint answer, success or error.
type tokenReply struct {
	Status      int
	Header      http.Header
	Body        string
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// postToken sends a token request with form as body, letting edit change
// the request before it goes.
func postToken(t testing.TB, base string, form url.Values, edit func(*http.Request)) tokenReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+auth.TokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := tokenReply{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("token endpoint answered %d with non-JSON %q", resp.StatusCode, body)
	}
	return r
}

// basic authenticates as c with HTTP Basic, form-encoding as RFC 6749 asks.
func basic(c auth.Client) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret)) }
}

// getToken obtains a token for c from the server at base, failing the test
// unless it is granted.
func getToken(t testing.TB, base string, c auth.Client, scope string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	r := postToken(t, base, form, basic(c))
	if r.Status != http.StatusOK {
		t.Fatalf("token request: %d %s", r.Status, r.Body)
	}
	return r.AccessToken
}

// tokenFrom starts a server with opts and returns a token it issued to the
// admin client.
func tokenFrom(t testing.TB, opts auth.ServerOptions, scope string) string {
	t.Helper()
	return getToken(t, startServer(t, opts), adminClient, scope)
}
