package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultLeeway is the clock skew allowed on exp, nbf and iat.
const DefaultLeeway = 30 * time.Second

// validAlgs are the JWS algorithms a token may be signed with. "none" and
// the HMAC family are absent on purpose: a resource server never shares a
// secret with the issuer.
var validAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// ValidatorOptions configures token validation.
type ValidatorOptions struct {
	// Audience must be among the token's aud values.
	Audience string
	// Issuers are the authorization servers whose tokens are accepted.
	Issuers []TrustedIssuer
	// Leeway is the allowed clock skew; zero means DefaultLeeway.
	Leeway time.Duration
	// HTTPClient fetches JWKS; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// MinRefreshInterval is the least time between two fetches of one JWKS,
	// which bounds what tokens with made-up key ids can cost; zero means
	// DefaultMinRefreshInterval.
	MinRefreshInterval time.Duration
	// MaxKeyAge is how long a fetched JWKS is used before it is fetched
	// again, so removed keys stop being trusted; zero means DefaultMaxKeyAge.
	MaxKeyAge time.Duration
	// NowFunc returns the current time; nil means time.Now.
	NowFunc func() time.Time
}

// TrustedIssuer is one authorization server whose tokens are accepted: the
// built-in one through its KeySet, an external one through its JWKS URL.
type TrustedIssuer struct {
	// Issuer is the exact iss claim of its tokens.
	Issuer string
	// Keys are local verification keys (the built-in server's).
	Keys *KeySet
	// JWKSURL is where the issuer publishes its keys.
	JWKSURL string
}

// Validator checks bearer access tokens on the resource side. It implements
// sol013.Authenticator and is safe for concurrent use.
type Validator struct {
	parser  *jwt.Parser
	issuers map[string]*issuerKeys
	leeway  time.Duration
	now     func() time.Time
	cache   *tokenCache
}

// issuerKeys are the keys of one trusted issuer.
type issuerKeys struct {
	local  publicKeys
	remote *remoteKeys
}

// NewValidator checks opts and returns the validator. It does no I/O: a
// JWKS is fetched when the first token needs it.
func NewValidator(opts ValidatorOptions) (*Validator, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("configure token validation: %w", err)
	}
	now := opts.NowFunc
	if now == nil {
		now = time.Now
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	leeway := cmp.Or(opts.Leeway, DefaultLeeway)
	v := &Validator{
		parser: jwt.NewParser(
			jwt.WithValidMethods(validAlgs),
			jwt.WithAudience(opts.Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(leeway),
			jwt.WithTimeFunc(now),
		),
		issuers: make(map[string]*issuerKeys, len(opts.Issuers)),
		leeway:  leeway,
		now:     now,
		cache:   newTokenCache(),
	}
	for _, iss := range opts.Issuers {
		ik := &issuerKeys{}
		if iss.Keys != nil {
			ik.local = iss.Keys.public
		}
		if iss.JWKSURL != "" {
			ik.remote = newRemoteKeys(iss.JWKSURL, client, now,
				cmp.Or(opts.MinRefreshInterval, DefaultMinRefreshInterval), cmp.Or(opts.MaxKeyAge, DefaultMaxKeyAge))
		}
		v.issuers[iss.Issuer] = ik
	}
	return v, nil
}

func (o ValidatorOptions) validate() error {
	var errs []error
	if o.Audience == "" {
		errs = append(errs, errors.New("no audience"))
	}
	if len(o.Issuers) == 0 {
		errs = append(errs, errors.New("no trusted issuer"))
	}
	seen := map[string]bool{}
	for _, iss := range o.Issuers {
		switch {
		case iss.Issuer == "":
			errs = append(errs, errors.New("trusted issuer without an issuer name"))
		case seen[iss.Issuer]:
			errs = append(errs, fmt.Errorf("issuer %q is trusted twice", iss.Issuer))
		case iss.Keys == nil && iss.JWKSURL == "":
			errs = append(errs, fmt.Errorf("issuer %q has neither keys nor a JWKS URL", iss.Issuer))
		}
		seen[iss.Issuer] = true
		if iss.JWKSURL != "" {
			if err := checkHTTPURL(iss.JWKSURL); err != nil {
				errs = append(errs, fmt.Errorf("issuer %q: JWKS URL: %w", iss.Issuer, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Authenticate checks r's bearer token and that it grants one of scopes
// (any valid token will do when scopes is empty). Its errors wrap
// ErrUnauthenticated or ErrForbidden, or are neither when the check itself
// failed (an issuer's JWKS could not be fetched).
func (v *Validator) Authenticate(r *http.Request, scopes ...string) error {
	tok, err := bearerToken(r)
	if err != nil {
		return err
	}
	t, err := v.verified(r.Context(), tok)
	if err != nil {
		return err
	}
	if len(scopes) > 0 && !grantsAny(t.scope, scopes) {
		return fmt.Errorf("%w: the token grants none of %s", ErrForbidden, strings.Join(scopes, ", "))
	}
	return nil
}

// verified returns what the request needs of tok, from the cache or by
// verifying it.
func (v *Validator) verified(ctx context.Context, tok string) (cachedToken, error) {
	now := v.now()
	if t, ok := v.cache.get(tok, now); ok {
		return t, nil
	}
	if err := checkToken68(tok); err != nil {
		return cachedToken{}, err
	}
	claims, err := v.verify(ctx, tok)
	if err != nil {
		return cachedToken{}, err
	}
	t := cachedToken{
		expires: claims.ExpiresAt.Add(v.leeway),
		until:   now.Add(tokenCacheTTL),
		scope:   claims.Scope,
	}
	v.cache.put(tok, t, now)
	return t, nil
}

// verify parses tok and checks its signature, issuer, audience and times.
func (v *Validator) verify(ctx context.Context, tok string) (*accessClaims, error) {
	claims := &accessClaims{}
	var keyErr error // the key lookup's own error, less noisy than jwt's wrapping
	_, err := v.parser.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
		k, err := v.key(ctx, t, claims.Issuer)
		keyErr = err
		return k, err
	})
	switch {
	case keyErr != nil:
		return nil, keyErr
	case err != nil:
		return nil, classify(err)
	}
	return claims, nil
}

// key finds the key that must have signed t: the issuer must be trusted
// and know the token's kid, bound to the token's algorithm if the key says.
func (v *Validator) key(ctx context.Context, t *jwt.Token, iss string) (any, error) {
	ik, ok := v.issuers[iss]
	if !ok {
		return nil, unauthenticated("the token's issuer is not trusted")
	}
	kid, _ := t.Header["kid"].(string)
	k, ok := ik.local.find(kid)
	if !ok && ik.remote != nil {
		var err error
		if k, ok, err = ik.remote.find(ctx, kid); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, unauthenticated("the token's signing key is unknown to its issuer")
	}
	if k.alg != "" && k.alg != t.Method.Alg() {
		return nil, unauthenticated("the token's algorithm does not match its key")
	}
	return k.key, nil
}

// classify turns a jwt error into a detail that names the failed check and
// never quotes the token.
func classify(err error) error {
	checks := []struct {
		err    error
		detail string
	}{
		{jwt.ErrTokenMalformed, "malformed token"},
		{jwt.ErrTokenSignatureInvalid, "invalid token signature or algorithm"},
		{jwt.ErrTokenUnverifiable, "token cannot be verified: unknown or missing algorithm"},
		{jwt.ErrTokenExpired, "token has expired"},
		{jwt.ErrTokenNotValidYet, "token is not valid yet"},
		{jwt.ErrTokenUsedBeforeIssued, "token is issued in the future"},
		{jwt.ErrTokenInvalidAudience, "token is not meant for this server (audience)"},
		{jwt.ErrTokenRequiredClaimMissing, "token lacks a required claim"},
	}
	for _, c := range checks {
		if errors.Is(err, c.err) {
			return unauthenticated(c.detail)
		}
	}
	return unauthenticated("invalid token")
}

// grantsAny reports whether the space-separated scope claim holds one of
// want. It does not allocate: this runs on every request.
func grantsAny(scope string, want []string) bool {
	for scope != "" {
		var sc string
		sc, scope, _ = strings.Cut(scope, " ")
		for _, w := range want {
			if sc == w {
				return true
			}
		}
	}
	return false
}
