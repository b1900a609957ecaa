package sol013_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

const (
	issuer    = "https://nfvo.test"
	idpIssuer = "https://idp.test"
	audience  = "cadenza"
)

var (
	scopes     = []string{"vnflcm:v1:all", "vnflcm:v1:readonly", "vnfpkgm:v1:all"}
	admin      = auth.Client{ID: "admin", Secret: "admin-secret"}
	reader     = auth.Client{ID: "reader", Secret: "reader-secret", Scopes: []string{"vnflcm:v1:readonly"}}
	packager   = auth.Client{ID: "packager", Secret: "packager-secret", Scopes: []string{"vnfpkgm:v1:all"}}
	signingKey = sync.OnceValues(auth.GenerateKeySet)
	strangeKey = sync.OnceValues(auth.GenerateKeySet)
)

var vnflcm = sol013.API{Name: "vnflcm", Versions: []sol013.Version{{Major: 1, Version: "1.3.0"}}}

func routes(g *gin.RouterGroup) {
	g.GET("/vnf_instances", sol013.Wrap(func(*gin.Context) (any, error) { return []string{}, nil }))
	g.POST("/vnf_instances", sol013.Wrap(func(*gin.Context) (any, error) {
		return sol013.Created("/vnflcm/v1/vnf_instances/1", map[string]string{"id": "1"}), nil
	}))
}

func key(t *testing.T, f func() (*auth.KeySet, error)) *auth.KeySet {
	t.Helper()
	ks, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func serverOptions(t *testing.T) auth.ServerOptions {
	return auth.ServerOptions{Issuer: issuer, Audience: []string{audience}, Scopes: scopes,
		Clients: []auth.Client{admin, reader, packager}, Keys: key(t, signingKey)}
}

// startMANO serves, on one engine as the servers wire it, the built-in
// authorization server and the vnflcm API guarded by a Validator that trusts
// the built-in issuer and, through its JWKS, an external one.
func startMANO(t *testing.T, idpJWKS string) string {
	t.Helper()
	srv, err := auth.NewServer(serverOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewValidator(auth.ValidatorOptions{Audience: audience, Issuers: []auth.TrustedIssuer{
		{Issuer: issuer, Keys: key(t, signingKey)},
		{Issuer: idpIssuer, JWKSURL: idpJWKS},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := sol013.NewEngine()
	e.Any(auth.TokenPath, gin.WrapH(srv))
	e.Any(auth.JWKSPath, gin.WrapH(srv))
	vnflcm.Mount(e, v, 1, routes)
	return serve(t, e)
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// startAuthServer serves an authorization server built from the test
// options as edit changes them.
func startAuthServer(t *testing.T, edit func(*auth.ServerOptions)) string {
	t.Helper()
	opts := serverOptions(t)
	edit(&opts)
	srv, err := auth.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv)
}

// token obtains a token for c from the authorization server at base.
func token(t *testing.T, base string, c auth.Client) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+auth.TokenPath,
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, c.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("token request: %d %v", resp.StatusCode, err)
	}
	return body.AccessToken
}

func TestOAuth_TokenFlow(t *testing.T) {
	t.Parallel()
	idp := startAuthServer(t, func(o *auth.ServerOptions) { o.Issuer, o.Keys = idpIssuer, key(t, strangeKey) })
	mano := startMANO(t, idp+auth.JWKSPath)
	other := func(edit func(*auth.ServerOptions)) string { return token(t, startAuthServer(t, edit), admin) }
	var (
		adminTok    = token(t, mano, admin)
		readerTok   = token(t, mano, reader)
		packagerTok = token(t, mano, packager)
		idpTok      = token(t, idp, admin)
		badSig      = other(func(o *auth.ServerOptions) { o.Keys = key(t, strangeKey) })
		expired     = other(func(o *auth.ServerOptions) { o.NowFunc = func() time.Time { return time.Now().Add(-2 * time.Hour) } })
		wrongIss    = other(func(o *auth.ServerOptions) { o.Issuer = "https://elsewhere.test" })
		wrongAud    = other(func(o *auth.ServerOptions) { o.Audience = []string{"someone-else"} })
	)
	const (
		noToken      = `Bearer realm="cadenza"`
		invalidToken = `Bearer realm="cadenza", error="invalid_token", error_description="`
	)
	tests := []struct {
		name          string
		method        string
		authorization string
		wantStatus    int
		wantChallenge string // prefix of WWW-Authenticate
	}{
		{name: "admin reads", method: "GET", authorization: "Bearer " + adminTok, wantStatus: 200},
		{name: "admin writes", method: "POST", authorization: "Bearer " + adminTok, wantStatus: 201},
		{name: "readonly scope reads", method: "GET", authorization: "Bearer " + readerTok, wantStatus: 200},
		{name: "readonly scope cannot write", method: "POST", authorization: "Bearer " + readerTok, wantStatus: 403,
			wantChallenge: `Bearer realm="cadenza", error="insufficient_scope", scope="vnflcm:v1:all"`},
		{name: "scope of another API", method: "GET", authorization: "Bearer " + packagerTok, wantStatus: 403,
			wantChallenge: `Bearer realm="cadenza", error="insufficient_scope", scope="vnflcm:v1:all vnflcm:v1:readonly"`},
		{name: "external issuer through its JWKS", method: "POST", authorization: "Bearer " + idpTok, wantStatus: 201},
		{name: "no token", method: "GET", wantStatus: 401, wantChallenge: noToken},
		{name: "basic credentials", method: "GET", authorization: "Basic YWRtaW46YWRtaW4tc2VjcmV0", wantStatus: 401,
			wantChallenge: noToken},
		{name: "malformed token", method: "GET", authorization: "Bearer not-a-jwt", wantStatus: 401, wantChallenge: invalidToken},
		{name: "bad signature", method: "GET", authorization: "Bearer " + badSig, wantStatus: 401, wantChallenge: invalidToken},
		{name: "expired", method: "GET", authorization: "Bearer " + expired, wantStatus: 401, wantChallenge: invalidToken},
		{name: "wrong issuer", method: "GET", authorization: "Bearer " + wrongIss, wantStatus: 401, wantChallenge: invalidToken},
		{name: "wrong audience", method: "GET", authorization: "Bearer " + wrongAud, wantStatus: 401, wantChallenge: invalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := call(t, tt.method, mano+"/vnflcm/v1/vnf_instances", tt.authorization)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, body, tt.wantStatus)
			}
			if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, tt.wantChallenge) ||
				(tt.wantChallenge == "") != (got == "") || tt.wantChallenge == noToken && got != noToken {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.wantChallenge)
			}
			if resp.Header.Get("Version") != "1.3.0" {
				t.Errorf("Version header %q, want 1.3.0", resp.Header.Get("Version"))
			}
			if tt.wantStatus >= 400 {
				checkProblem(t, resp, body, tt.authorization)
			}
		})
	}
}

func call(t *testing.T, method, u, authorization string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{}`)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// checkProblem checks an error answer is ProblemDetails and does not echo
// the credential.
func checkProblem(t *testing.T, resp *http.Response, body, authorization string) {
	t.Helper()
	var pd sol013.ProblemDetails
	if ct := resp.Header.Get("Content-Type"); ct != sol013.ProblemMediaType {
		t.Errorf("Content-Type %q", ct)
	}
	if err := json.Unmarshal([]byte(body), &pd); err != nil || pd.Status != resp.StatusCode || pd.Detail == "" {
		t.Errorf("body %s is not the ProblemDetails of a %d (%v)", body, resp.StatusCode, err)
	}
	_, cred, _ := strings.Cut(authorization, " ")
	if len(cred) > 8 && (strings.Contains(body, cred) || strings.Contains(resp.Header.Get("WWW-Authenticate"), cred)) {
		t.Error("the answer echoes the credential")
	}
}

func TestOAuth_TokenEndpointOnEngine(t *testing.T) {
	t.Parallel()
	mano := startMANO(t, "http://127.0.0.1:1/jwks")
	resp, body := call(t, http.MethodGet, mano+auth.TokenPath, "")
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(body, `"invalid_request"`) ||
		resp.Header.Get("Allow") != http.MethodPost {
		t.Fatalf("GET on the token endpoint: %d %s (Allow %q)", resp.StatusCode, body, resp.Header.Get("Allow"))
	}
	resp, _ = call(t, http.MethodGet, mano+auth.JWKSPath, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("JWKS: %d", resp.StatusCode)
	}
}

func TestOAuth_NoneIgnoresOpenStackToken(t *testing.T) {
	t.Parallel()
	e := sol013.NewEngine()
	vnflcm.Mount(e, nil, 1, routes)
	req := httptest.NewRequest(http.MethodGet, "/vnflcm/v1/vnf_instances", nil)
	req.Header.Set("X-Auth-Token", "gAAAAABopenstack-keystone-token")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("--auth none with X-Auth-Token: got %d %s", rec.Code, rec.Body)
	}
}

func BenchmarkMount_Authorized(b *testing.B) {
	ks, err := signingKey()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := auth.NewServer(auth.ServerOptions{Issuer: issuer, Audience: []string{audience}, Scopes: scopes,
		Clients: []auth.Client{admin}, Keys: ks})
	if err != nil {
		b.Fatal(err)
	}
	v, err := auth.NewValidator(auth.ValidatorOptions{Audience: audience, Issuers: []auth.TrustedIssuer{{Issuer: issuer, Keys: ks}}})
	if err != nil {
		b.Fatal(err)
	}
	e := sol013.NewEngine()
	e.Any(auth.TokenPath, gin.WrapH(srv))
	vnflcm.Mount(e, v, 1, routes)
	ts := httptest.NewServer(e)
	b.Cleanup(ts.Close)
	tok := benchToken(b, ts.URL)
	req := httptest.NewRequest(http.MethodGet, "/vnflcm/v1/vnf_instances", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

func benchToken(b *testing.B, base string) string {
	b.Helper()
	resp, err := http.PostForm(base+auth.TokenPath, url.Values{"grant_type": {"client_credentials"},
		"client_id": {admin.ID}, "client_secret": {admin.Secret}})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		b.Fatal(err)
	}
	return body.AccessToken
}
