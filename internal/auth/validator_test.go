package auth_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

// localValidator trusts the test server's issuer through its key set.
func localValidator(t testing.TB, edit func(*auth.ValidatorOptions)) *auth.Validator {
	t.Helper()
	opts := auth.ValidatorOptions{
		Audience: testAudience,
		Issuers:  []auth.TrustedIssuer{{Issuer: testIssuer, Keys: keys(t, sharedKeys)}},
	}
	if edit != nil {
		edit(&opts)
	}
	v, err := auth.NewValidator(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func requestWith(header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/vnflcm/v1/vnf_instances", nil)
	for _, h := range header {
		r.Header.Add("Authorization", h)
	}
	return r
}

func TestValidator_Authenticate(t *testing.T) {
	t.Parallel()
	opts := serverOptions(t)
	valid := tokenFrom(t, opts, "")
	readOnly := tokenFrom(t, opts, "vnflcm:v1:readonly")
	variant := func(edit func(*auth.ServerOptions)) string {
		o := serverOptions(t)
		edit(&o)
		return tokenFrom(t, o, "")
	}
	clk := newClock()
	tests := []struct {
		name    string
		header  []string
		scopes  []string
		wantErr error
		detail  string
	}{
		{name: "valid", header: []string{"Bearer " + valid}, scopes: []string{"vnflcm:v1:all"}},
		{name: "valid, any of the scopes", header: []string{"Bearer " + readOnly},
			scopes: []string{"vnflcm:v1:all", "vnflcm:v1:readonly"}},
		{name: "valid, no scope needed", header: []string{"Bearer " + readOnly}},
		{name: "scheme is case-insensitive", header: []string{"bearer " + valid}},
		{name: "wrong scope", header: []string{"Bearer " + readOnly}, scopes: []string{"vnflcm:v1:all"},
			wantErr: auth.ErrForbidden, detail: "grants none of vnflcm:v1:all"},
		{name: "scope prefix is not the scope", header: []string{"Bearer " + readOnly}, scopes: []string{"vnflcm:v1:read"},
			wantErr: auth.ErrForbidden},
		{name: "no header", wantErr: auth.ErrNoToken},
		{name: "basic scheme", header: []string{"Basic YTpi"}, wantErr: auth.ErrNoToken},
		{name: "empty bearer", header: []string{"Bearer "}, wantErr: auth.ErrUnauthenticated, detail: "empty bearer token"},
		{name: "not token68", header: []string{"Bearer a b"}, wantErr: auth.ErrUnauthenticated, detail: "malformed bearer token"},
		{name: "two headers", header: []string{"Bearer " + valid, "Bearer " + valid},
			wantErr: auth.ErrUnauthenticated, detail: "more than one"},
		{name: "not a JWT", header: []string{"Bearer abc.def"}, wantErr: auth.ErrUnauthenticated, detail: "malformed token"},
		{name: "tampered claims", header: []string{"Bearer " + tamper(t, valid)},
			wantErr: auth.ErrUnauthenticated, detail: "invalid token signature"},
		{name: "signed by another key", header: []string{"Bearer " + variant(func(o *auth.ServerOptions) {
			o.Keys = keys(t, otherKeys)
		})}, wantErr: auth.ErrUnauthenticated, detail: "signing key is unknown"},
		{name: "expired", header: []string{"Bearer " + variant(func(o *auth.ServerOptions) {
			o.NowFunc = clk.At(-time.Hour - time.Minute)
		})}, wantErr: auth.ErrUnauthenticated, detail: "token has expired"},
		{name: "expired within the leeway", header: []string{"Bearer " + variant(func(o *auth.ServerOptions) {
			o.NowFunc = clk.At(-time.Hour - 10*time.Second)
		})}},
		{name: "not valid yet", header: []string{"Bearer " + variant(func(o *auth.ServerOptions) {
			o.NowFunc = clk.At(time.Hour)
		})}, wantErr: auth.ErrUnauthenticated, detail: "not valid yet"},
		{name: "wrong issuer", header: []string{"Bearer " + variant(func(o *auth.ServerOptions) {
			o.Issuer = "https://elsewhere.test"
		})}, wantErr: auth.ErrUnauthenticated, detail: "issuer is not trusted"},
		{name: "wrong audience", header: []string{"Bearer " + variant(func(o *auth.ServerOptions) {
			o.Audience = []string{"someone-else"}
		})}, wantErr: auth.ErrUnauthenticated, detail: "audience"},
		{name: "alg none", header: []string{"Bearer " + unsigned(t, valid)},
			wantErr: auth.ErrUnauthenticated, detail: "invalid token signature or algorithm"},
		{name: "HMAC keyed with the public key", header: []string{"Bearer " + hmacForged(t, valid)},
			wantErr: auth.ErrUnauthenticated, detail: "invalid token signature or algorithm"},
	}
	v := localValidator(t, func(o *auth.ValidatorOptions) { o.NowFunc = clk.Now })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.Authenticate(requestWith(tt.header...), tt.scopes...)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("detail %q lacks %q", err, tt.detail)
			}
			for _, h := range tt.header {
				if _, tok, _ := strings.Cut(h, " "); err != nil && len(tok) > 8 && strings.Contains(err.Error(), tok) {
					t.Errorf("error %q echoes the token", err)
				}
			}
		})
	}
}

// tamper changes the token's scope claim and keeps the signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(claims), `"sub":"admin"`, `"sub":"admix"`, 1)
	if forged == string(claims) {
		t.Fatalf("claims %s lack the subject to tamper with", claims)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(forged))
	return strings.Join(parts, ".")
}

// unsigned re-signs tok's claims with alg "none".
func unsigned(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return header + "." + parts[1] + "."
}

// hmacForged signs tok's claims with HS256 keyed by the public JWKS, the
// classic algorithm-confusion attack.
func hmacForged(t *testing.T, tok string) string {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		t.Fatal(err)
	}
	forged := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	forged.Header["kid"] = keys(t, sharedKeys).KeyID()
	s, err := forged.SignedString(keys(t, sharedKeys).JWKS())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewValidator_Invalid(t *testing.T) {
	t.Parallel()
	ks := keys(t, sharedKeys)
	tests := []struct {
		name string
		opts auth.ValidatorOptions
		want string
	}{
		{"no audience", auth.ValidatorOptions{Issuers: []auth.TrustedIssuer{{Issuer: "a", Keys: ks}}}, "no audience"},
		{"no issuer", auth.ValidatorOptions{Audience: "x"}, "no trusted issuer"},
		{"unnamed issuer", auth.ValidatorOptions{Audience: "x", Issuers: []auth.TrustedIssuer{{Keys: ks}}}, "without an issuer name"},
		{"issuer without keys", auth.ValidatorOptions{Audience: "x", Issuers: []auth.TrustedIssuer{{Issuer: "a"}}}, "neither keys nor"},
		{"relative JWKS URL", auth.ValidatorOptions{Audience: "x", Issuers: []auth.TrustedIssuer{{Issuer: "a", JWKSURL: "/jwks"}}},
			"absolute http"},
		{"issuer twice", auth.ValidatorOptions{Audience: "x", Issuers: []auth.TrustedIssuer{{Issuer: "a", Keys: ks}, {Issuer: "a", Keys: ks}}},
			"trusted twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := auth.NewValidator(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func BenchmarkAuthenticate(b *testing.B) {
	v := localValidator(b, nil)
	r := requestWith("Bearer " + tokenFrom(b, serverOptions(b), ""))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Authenticate(r, "vnflcm:v1:all", "vnflcm:v1:readonly"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate_Uncached measures a token's first verification:
// the RSA signature check dominates it.
func BenchmarkAuthenticate_Uncached(b *testing.B) {
	v := localValidator(b, nil)
	r := requestWith("Bearer " + tokenFrom(b, serverOptions(b), ""))
	b.ReportAllocs()
	for b.Loop() {
		if err := auth.VerifyUncached(v, r); err != nil {
			b.Fatal(err)
		}
	}
}
