package auth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

func TestServer_TokenEndpoint(t *testing.T) {
	t.Parallel()
	base := startServer(t, serverOptions(t))
	grant := url.Values{"grant_type": {"client_credentials"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, vs := range grant {
			v[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	allScopes := strings.Join(testScopes, " ")
	tests := []struct {
		name      string
		method    string
		form      url.Values
		edit      func(*http.Request)
		wantCode  int
		wantError string
		wantScope string
	}{
		{name: "basic auth, all scopes", form: grant, edit: basic(adminClient), wantCode: 200, wantScope: allScopes},
		{name: "form auth", form: with("client_id", adminClient.ID, "client_secret", adminClient.Secret),
			wantCode: 200, wantScope: allScopes},
		{name: "basic auth, form-encoded credentials", form: grant, edit: basic(awkwardClient), wantCode: 200, wantScope: allScopes},
		{name: "basic auth with the same client_id in the form", form: with("client_id", adminClient.ID),
			edit: basic(adminClient), wantCode: 200, wantScope: allScopes},
		{name: "requested subset", form: with("scope", "vnfpkgm:v1:all vnflcm:v1:readonly"), edit: basic(adminClient),
			wantCode: 200, wantScope: "vnfpkgm:v1:all vnflcm:v1:readonly"},
		{name: "unknown scopes dropped from the grant", form: with("scope", "nslcm:v1:all vnflcm:v1:readonly"),
			edit: basic(adminClient), wantCode: 200, wantScope: "vnflcm:v1:readonly"},
		{name: "empty scope parameter means the default", form: with("scope", ""), edit: basic(readerClient),
			wantCode: 200, wantScope: "vnflcm:v1:readonly"},
		{name: "limited client", form: grant, edit: basic(readerClient), wantCode: 200, wantScope: "vnflcm:v1:readonly"},
		{name: "limited client asks for more", form: with("scope", "vnflcm:v1:all"), edit: basic(readerClient),
			wantCode: 400, wantError: "invalid_scope"},
		{name: "unknown scope", form: with("scope", "nslcm:v1:all"), edit: basic(adminClient),
			wantCode: 400, wantError: "invalid_scope"},
		{name: "malformed scope", form: with("scope", "vnflcm:v1:all  vnfpkgm:v1:all"), edit: basic(adminClient),
			wantCode: 400, wantError: "invalid_scope"},
		{name: "bad secret", form: grant, edit: basic(auth.Client{ID: adminClient.ID, Secret: "wrong"}),
			wantCode: 401, wantError: "invalid_client"},
		{name: "bad secret in the form", form: with("client_id", adminClient.ID, "client_secret", readerClient.Secret),
			wantCode: 401, wantError: "invalid_client"},
		{name: "secret of another client", form: grant, edit: basic(auth.Client{ID: adminClient.ID, Secret: readerClient.Secret}),
			wantCode: 401, wantError: "invalid_client"},
		{name: "unknown client", form: grant, edit: basic(auth.Client{ID: "nobody", Secret: adminClient.Secret}),
			wantCode: 401, wantError: "invalid_client"},
		{name: "no client authentication", form: grant, wantCode: 401, wantError: "invalid_client"},
		{name: "client_id without secret", form: with("client_id", adminClient.ID), wantCode: 401, wantError: "invalid_client"},
		{name: "bearer instead of basic", form: grant,
			edit: func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, wantCode: 401, wantError: "invalid_client"},
		{name: "basic and form secret", form: with("client_id", adminClient.ID, "client_secret", adminClient.Secret),
			edit: basic(adminClient), wantCode: 400, wantError: "invalid_request"},
		{name: "basic and another client_id", form: with("client_id", readerClient.ID),
			edit: basic(adminClient), wantCode: 400, wantError: "invalid_request"},
		{name: "password grant", form: url.Values{"grant_type": {"password"}, "username": {"u"}, "password": {"p"}},
			edit: basic(adminClient), wantCode: 400, wantError: "unsupported_grant_type"},
		{name: "no grant type", form: url.Values{}, edit: basic(adminClient), wantCode: 400, wantError: "invalid_request"},
		{name: "repeated parameter", form: with("grant_type", "client_credentials"), edit: basic(adminClient),
			wantCode: 400, wantError: "invalid_request"},
		{name: "JSON body", form: grant, edit: func(r *http.Request) {
			basic(adminClient)(r)
			r.Header.Set("Content-Type", "application/json")
		}, wantCode: 400, wantError: "invalid_request"},
		{name: "secret in the URL", form: grant, edit: func(r *http.Request) {
			r.URL.RawQuery = url.Values{"client_id": {adminClient.ID}, "client_secret": {adminClient.Secret}}.Encode()
		}, wantCode: 400, wantError: "invalid_request"},
		{name: "GET", method: http.MethodGet, form: grant, edit: basic(adminClient), wantCode: 405, wantError: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := postToken(t, base, tt.form, func(r *http.Request) {
				if tt.method != "" {
					r.Method = tt.method
				}
				if tt.edit != nil {
					tt.edit(r)
				}
			})
			if r.Status != tt.wantCode || r.Error != tt.wantError {
				t.Fatalf("got %d %q (%s), want %d %q", r.Status, r.Error, r.Description, tt.wantCode, tt.wantError)
			}
			checkTokenReply(t, r, tt.wantScope)
		})
	}
}

// checkTokenReply checks what every token endpoint answer must hold.
func checkTokenReply(t *testing.T, r tokenReply, wantScope string) {
	t.Helper()
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	for _, c := range testClientList {
		if strings.Contains(r.Body, c.Secret) {
			t.Errorf("answer %q contains a client secret", r.Body)
		}
	}
	switch r.Status {
	case http.StatusOK:
		if r.TokenType != "Bearer" || r.AccessToken == "" || r.ExpiresIn != 3600 || r.Scope != wantScope {
			t.Errorf("got token_type %q expires_in %d scope %q, want Bearer 3600 %q", r.TokenType, r.ExpiresIn, r.Scope, wantScope)
		}
	case http.StatusUnauthorized:
		if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Basic ") {
			t.Errorf("WWW-Authenticate %q, want a Basic challenge", got)
		}
	case http.StatusMethodNotAllowed:
		if got := r.Header.Get("Allow"); got != http.MethodPost {
			t.Errorf("Allow %q, want POST", got)
		}
	}
}

func TestServer_TokenClaims(t *testing.T) {
	t.Parallel()
	clk := newClock()
	opts := serverOptions(t)
	opts.Audience = []string{"nfvo", "vnfm"}
	opts.TokenLifetime = 10 * time.Minute
	opts.NowFunc = clk.Now
	base := startServer(t, opts)
	first := getToken(t, base, readerClient, "")
	second := getToken(t, base, readerClient, "")

	var claims struct {
		jwt.RegisteredClaims
		Scope    string `json:"scope"`
		ClientID string `json:"client_id"`
	}
	tok, _, err := jwt.NewParser().ParseUnverified(first, &claims)
	if err != nil {
		t.Fatal(err)
	}
	var other jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(second, &other); err != nil {
		t.Fatal(err)
	}
	now := clk.Now().Truncate(time.Second)
	checks := []struct {
		name      string
		got, want any
	}{
		{"alg", tok.Method.Alg(), "RS256"},
		{"kid", tok.Header["kid"], opts.Keys.KeyID()},
		{"typ", tok.Header["typ"], "at+jwt"},
		{"iss", claims.Issuer, testIssuer},
		{"sub", claims.Subject, readerClient.ID},
		{"client_id", claims.ClientID, readerClient.ID},
		{"aud", strings.Join(claims.Audience, ","), "nfvo,vnfm"},
		{"iat", claims.IssuedAt.Time, now},
		{"nbf", claims.NotBefore.Time, now},
		{"exp", claims.ExpiresAt.Time, now.Add(10 * time.Minute)},
		{"scope", claims.Scope, "vnflcm:v1:readonly"},
		{"jti differs", claims.ID != "" && claims.ID != other.ID, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestServer_JWKS(t *testing.T) {
	t.Parallel()
	base := startServer(t, serverOptions(t))
	resp, err := http.Get(base + auth.JWKSPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = http.Post(base+auth.JWKSPath, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST on the JWKS: got %d, want 405", resp.StatusCode)
	}
}

func TestNewServer_Invalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*auth.ServerOptions)
		want string
	}{
		{"no issuer", func(o *auth.ServerOptions) { o.Issuer = "" }, "no issuer"},
		{"no audience", func(o *auth.ServerOptions) { o.Audience = nil }, "no audience"},
		{"no keys", func(o *auth.ServerOptions) { o.Keys = nil }, "no signing keys"},
		{"sub-second lifetime", func(o *auth.ServerOptions) { o.TokenLifetime = time.Millisecond }, "under a second"},
		{"unknown client scope", func(o *auth.ServerOptions) {
			o.Clients = []auth.Client{{ID: "a", Secret: "b", Scopes: []string{"vnflcm:v9:all"}}}
		}, `unknown scope "vnflcm:v9:all"`},
		{"duplicate client", func(o *auth.ServerOptions) { o.Clients = []auth.Client{adminClient, adminClient} }, "registered twice"},
		{"empty secret", func(o *auth.ServerOptions) { o.Clients = []auth.Client{{ID: "a"}} }, "empty client secret"},
		{"client with nothing to grant", func(o *auth.ServerOptions) {
			o.Scopes, o.Clients = nil, []auth.Client{{ID: "a", Secret: "b"}}
		}, "no scope to be granted"},
		{"bad known scope", func(o *auth.ServerOptions) { o.Scopes = []string{"two words"} }, "not an RFC 6749 scope token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := serverOptions(t)
			tt.edit(&opts)
			_, err := auth.NewServer(opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
