package auth_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

// countingServer serves an authorization server, counts token requests,
// and can swap the server it fronts (use) to simulate a key rotation.
type countingServer struct {
	url    string
	grants atomic.Int32
	srv    atomic.Pointer[auth.Server]
}

func startCounting(t *testing.T, opts auth.ServerOptions) *countingServer {
	t.Helper()
	c := &countingServer{}
	c.use(t, opts)
	c.url = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == auth.TokenPath {
			c.grants.Add(1)
		}
		c.srv.Load().ServeHTTP(w, r)
	}))
	return c
}

func (c *countingServer) use(t *testing.T, opts auth.ServerOptions) {
	t.Helper()
	srv, err := auth.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	c.srv.Store(srv)
}

func newSource(t *testing.T, tokenURL string, cl auth.Client, edit func(*auth.ClientCredentials)) *auth.TokenSource {
	t.Helper()
	cfg := auth.ClientCredentials{TokenURL: tokenURL, ClientID: cl.ID, ClientSecret: cl.Secret}
	if edit != nil {
		edit(&cfg)
	}
	s, err := auth.NewTokenSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenSource_CachesUntilNearExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	opts := serverOptions(t)
	opts.NowFunc, opts.TokenLifetime = clk.Now, 10*time.Minute
	as := startCounting(t, opts)
	src := newSource(t, as.url+auth.TokenPath, awkwardClient, func(c *auth.ClientCredentials) {
		c.Scopes, c.NowFunc = []string{"vnflcm:v1:readonly"}, clk.Now
	})
	v := localValidator(t, func(o *auth.ValidatorOptions) { o.NowFunc = clk.Now })

	first, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Authenticate(requestWith("Bearer "+first), "vnflcm:v1:readonly"); err != nil {
		t.Fatalf("token from the source: %v", err)
	}
	if err := v.Authenticate(requestWith("Bearer "+first), "vnflcm:v1:all"); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("requested scopes not honoured: got %v", err)
	}
	clk.Add(9 * time.Minute)
	if again, err := src.Token(t.Context()); err != nil || again != first || as.grants.Load() != 1 {
		t.Fatalf("within its life: got a new token %v, %d grants, err %v", again != first, as.grants.Load(), err)
	}
	clk.Add(45 * time.Second) // 15 s before expiry: inside the margin
	if again, err := src.Token(t.Context()); err != nil || again == first || as.grants.Load() != 2 {
		t.Fatalf("near expiry: got the same token %v, %d grants, err %v", again == first, as.grants.Load(), err)
	}
}

func TestTokenSource_ConcurrentCallersShareARequest(t *testing.T) {
	t.Parallel()
	as := startCounting(t, serverOptions(t))
	src := newSource(t, as.url+auth.TokenPath, adminClient, nil)
	var wg sync.WaitGroup
	toks := make([]string, 16)
	for i := range toks {
		wg.Go(func() {
			tok, err := src.Token(t.Context())
			if err != nil {
				t.Error(err)
			}
			toks[i] = tok
		})
	}
	wg.Wait()
	if n := as.grants.Load(); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	for _, tok := range toks[1:] {
		if tok != toks[0] {
			t.Fatal("callers got different tokens")
		}
	}
}

func TestTokenSource_Errors(t *testing.T) {
	t.Parallel()
	base := startServer(t, serverOptions(t))
	tests := []struct {
		name string
		cfg  auth.ClientCredentials
		want string
	}{
		{name: "bad secret", cfg: auth.ClientCredentials{TokenURL: base + auth.TokenPath, ClientID: adminClient.ID,
			ClientSecret: "not-the-secret"}, want: "401 Unauthorized: invalid_client"},
		{name: "scope not allowed", cfg: auth.ClientCredentials{TokenURL: base + auth.TokenPath, ClientID: readerClient.ID,
			ClientSecret: readerClient.Secret, Scopes: []string{"vnfpkgm:v1:all"}}, want: "invalid_scope"},
		{name: "not a token endpoint", cfg: auth.ClientCredentials{TokenURL: base + auth.JWKSPath, ClientID: adminClient.ID,
			ClientSecret: adminClient.Secret}, want: "405"},
		{name: "nobody listening", cfg: auth.ClientCredentials{TokenURL: "http://127.0.0.1:1/oauth2/token", ClientID: "a",
			ClientSecret: "b"}, want: "request access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, err := auth.NewTokenSource(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Token(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.cfg.ClientSecret) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

// resource is a resource server that admits requests whose token v accepts
// and echoes their body.
func resource(t *testing.T, v *auth.Validator) (string, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if err := v.Authenticate(r, "vnflcm:v1:all"); err != nil {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(w, r.Body)
	}))
	return url, &calls
}

func TestTransport(t *testing.T) {
	t.Parallel()
	// The authorization server first signs with a key the resource server
	// does not trust (as after a key rotation), then with one it does: the
	// transport must retry once with a fresh token.
	stale := serverOptions(t)
	stale.Keys = keys(t, otherKeys)
	tests := []struct {
		name       string
		first      auth.ServerOptions
		body       func() io.Reader
		wantStatus int
		wantCalls  int32
		wantGrants int32
	}{
		{name: "valid token", first: serverOptions(t), body: func() io.Reader { return strings.NewReader("hello") },
			wantStatus: 200, wantCalls: 1, wantGrants: 1},
		{name: "rejected token, replayable body", first: stale, body: func() io.Reader { return strings.NewReader("hello") },
			wantStatus: 200, wantCalls: 2, wantGrants: 2},
		{name: "rejected token, no body", first: stale, wantStatus: 200, wantCalls: 2, wantGrants: 2},
		{name: "rejected token, body cannot be replayed", first: stale,
			body: func() io.Reader { return io.MultiReader(strings.NewReader("hello")) }, wantStatus: 401, wantCalls: 1, wantGrants: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			as := startCounting(t, tt.first)
			url, calls := resource(t, localValidator(t, nil))
			src := newSource(t, as.url+auth.TokenPath, adminClient, nil)
			if _, err := src.Token(t.Context()); err != nil { // cache the first server's token
				t.Fatal(err)
			}
			as.use(t, serverOptions(t))
			client := &http.Client{Transport: &auth.Transport{Source: src}}
			var body io.Reader
			if tt.body != nil {
				body = tt.body()
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || calls.Load() != tt.wantCalls || as.grants.Load() != tt.wantGrants {
				t.Fatalf("got %d after %d calls and %d grants, want %d after %d and %d",
					resp.StatusCode, calls.Load(), as.grants.Load(), tt.wantStatus, tt.wantCalls, tt.wantGrants)
			}
			if tt.wantStatus == 200 && tt.body != nil && string(got) != "hello" {
				t.Errorf("resource received %q, want the body", got)
			}
		})
	}
}

func TestNewTokenSource_Invalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  auth.ClientCredentials
	}{
		{"relative URL", auth.ClientCredentials{TokenURL: "/oauth2/token", ClientID: "a", ClientSecret: "b"}},
		{"no secret", auth.ClientCredentials{TokenURL: "http://nfvo.test/oauth2/token", ClientID: "a"}},
		{"no id", auth.ClientCredentials{TokenURL: "http://nfvo.test/oauth2/token", ClientSecret: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := auth.NewTokenSource(tt.cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
