package auth_test

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

const externalIssuer = "https://idp.test"

// idp is an external authorization server whose keys can rotate and whose
// JWKS endpoint counts its fetches and can fail.
type idp struct {
	url     string
	clk     *clock
	current atomic.Pointer[auth.Server]
	fetches atomic.Int32
	down    atomic.Bool
}

func startIDP(t *testing.T, ks *auth.KeySet, clk *clock) *idp {
	t.Helper()
	p := &idp{clk: clk}
	p.rotate(t, ks)
	p.url = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == auth.JWKSPath {
			p.fetches.Add(1)
			if p.down.Load() {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		p.current.Load().ServeHTTP(w, r)
	}))
	return p
}

// rotate makes the IdP sign with ks and publish only ks.
func (p *idp) rotate(t *testing.T, ks *auth.KeySet) {
	t.Helper()
	opts := serverOptions(t)
	opts.Issuer, opts.Keys, opts.NowFunc = externalIssuer, ks, p.clk.Now
	srv, err := auth.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	p.current.Store(srv)
}

func (p *idp) token(t *testing.T) string { return getToken(t, p.url, adminClient, "") }

// trustingValidator trusts the local issuer by keys and the IdP by JWKS.
func trustingValidator(t *testing.T, p *idp) *auth.Validator {
	t.Helper()
	return localValidator(t, func(o *auth.ValidatorOptions) {
		o.Issuers = append(o.Issuers, auth.TrustedIssuer{Issuer: externalIssuer, JWKSURL: p.url + auth.JWKSPath})
		o.NowFunc = p.clk.Now
		o.MinRefreshInterval = time.Minute
		o.MaxKeyAge = time.Hour
	})
}

func authenticate(v *auth.Validator, tok string) error {
	return v.Authenticate(requestWith("Bearer "+tok), "vnflcm:v1:all")
}

func TestValidator_ExternalIssuer(t *testing.T) {
	t.Parallel()
	clk := newClock()
	p := startIDP(t, keys(t, otherKeys), clk)
	v := trustingValidator(t, p)
	local := tokenFrom(t, serverOptions(t), "")
	for i, tok := range []string{p.token(t), p.token(t), local} {
		if err := authenticate(v, tok); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
	// A token naming the IdP but signed by the local key is refused: each
	// issuer is trusted only with its own keys.
	opts := serverOptions(t)
	opts.Issuer = externalIssuer
	if err := authenticate(v, tokenFrom(t, opts, "")); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("token of the IdP signed by the local key: got %v", err)
	}
}

func TestValidator_KeyRotation(t *testing.T) {
	t.Parallel()
	first := keys(t, otherKeys)
	second, err := auth.GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	p := startIDP(t, first, clk)
	v := trustingValidator(t, p)
	if err := authenticate(v, p.token(t)); err != nil {
		t.Fatal(err)
	}
	p.rotate(t, second)
	rotated := p.token(t)
	// Within the refresh interval an unknown kid does not fetch again.
	for range 5 {
		if err := authenticate(v, rotated); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Fatalf("unknown kid within the refresh interval: got %v", err)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Fatalf("JWKS fetched %d times within the refresh interval, want 1", n)
	}
	clk.Add(time.Minute)
	if err := authenticate(v, rotated); err != nil {
		t.Fatalf("after the refresh interval: %v", err)
	}
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2", n)
	}
}

func TestValidator_JWKSUnavailable(t *testing.T) {
	t.Parallel()
	clk := newClock()
	p := startIDP(t, keys(t, otherKeys), clk)
	p.down.Store(true)
	v := trustingValidator(t, p)
	tok := p.token(t)
	err := authenticate(v, tok)
	if err == nil || errors.Is(err, auth.ErrUnauthenticated) || errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("no key set ever fetched: got %v, want an error that is neither 401 nor 403", err)
	}
	// Back up: after the refresh interval the keys arrive.
	p.down.Store(false)
	clk.Add(time.Minute)
	if err := authenticate(v, tok); err != nil {
		t.Fatal(err)
	}
	// Down again, and the set is stale: the cached keys still serve, and a
	// new token (not in the verified-token cache) still verifies.
	p.down.Store(true)
	clk.Add(2 * time.Hour)
	if err := authenticate(v, p.token(t)); err != nil {
		t.Fatalf("stale key set: %v", err)
	}
}

// TestValidator_ConcurrentFirstFetch checks that requests arriving together
// share one JWKS fetch. Run it with -race.
func TestValidator_ConcurrentFirstFetch(t *testing.T) {
	t.Parallel()
	p := startIDP(t, keys(t, otherKeys), newClock())
	v := trustingValidator(t, p)
	tok := p.token(t)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() { errs <- authenticate(v, tok) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
}

func TestValidator_CachedTokenExpires(t *testing.T) {
	t.Parallel()
	clk := newClock()
	opts := serverOptions(t)
	opts.NowFunc = clk.Now
	opts.TokenLifetime = 10 * time.Minute
	tok := tokenFrom(t, opts, "")
	v := localValidator(t, func(o *auth.ValidatorOptions) { o.NowFunc = clk.Now })
	if err := authenticate(v, tok); err != nil {
		t.Fatal(err)
	}
	clk.Add(10*time.Minute + auth.DefaultLeeway)
	if err := authenticate(v, tok); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("expired token that was verified before: got %v", err)
	}
}
