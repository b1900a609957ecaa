package auth

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Paths the authorization server answers on.
const (
	TokenPath = "/oauth2/token"
	JWKSPath  = "/oauth2/jwks"
)

// DefaultTokenLifetime is how long an access token lives unless
// ServerOptions.TokenLifetime says otherwise.
const DefaultTokenLifetime = time.Hour

// ServerOptions configures the built-in authorization server.
type ServerOptions struct {
	// Issuer is the iss claim of every token, usually the server's base URL.
	Issuer string
	// Audience is the aud claim of every token: the resource servers that
	// must accept it.
	Audience []string
	// Clients are the registered clients.
	Clients []Client
	// Scopes lists every scope the server knows; a client configured
	// without scopes may be granted all of them.
	Scopes []string
	// Keys signs the tokens.
	Keys *KeySet
	// TokenLifetime is the tokens' lifetime; zero means DefaultTokenLifetime.
	TokenLifetime time.Duration
	// NowFunc returns the current time; nil means time.Now.
	NowFunc func() time.Time
}

// Server is the built-in OAuth 2.0 authorization server: the client
// credentials grant at TokenPath and the signing keys at JWKSPath. It is an
// http.Handler for those two paths and safe for concurrent use. On a gin
// engine, route both paths to it for every method:
//
//	e.Any(auth.TokenPath, gin.WrapH(srv))
//	e.Any(auth.JWKSPath, gin.WrapH(srv))
type Server struct {
	issuer   string
	audience jwt.ClaimStrings
	keys     *KeySet
	lifetime time.Duration
	now      func() time.Time
	clients  map[string]*registeredClient
	// dummy is compared against when the client id is unknown, so an
	// unknown id costs the same time as a wrong secret.
	dummy [sha256.Size]byte
}

// registeredClient keeps only the hash of the secret, so comparing it takes
// the same time whatever its length.
type registeredClient struct {
	id         string
	secretHash [sha256.Size]byte
	scopes     []string
}

// NewServer checks opts and returns the server. Every client scope must be
// one of opts.Scopes, so a typo in a flag fails at start, not at first use.
func NewServer(opts ServerOptions) (*Server, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("configure authorization server: %w", err)
	}
	s := &Server{
		issuer:   opts.Issuer,
		audience: slices.Clone(opts.Audience),
		keys:     opts.Keys,
		lifetime: cmp.Or(opts.TokenLifetime, DefaultTokenLifetime),
		now:      opts.NowFunc,
		clients:  make(map[string]*registeredClient, len(opts.Clients)),
	}
	if s.now == nil {
		s.now = time.Now
	}
	_, _ = rand.Read(s.dummy[:])
	for _, c := range opts.Clients {
		scopes := c.Scopes
		if len(scopes) == 0 {
			scopes = opts.Scopes
		}
		s.clients[c.ID] = &registeredClient{id: c.ID, secretHash: sha256.Sum256([]byte(c.Secret)), scopes: slices.Clone(scopes)}
	}
	return s, nil
}

func (o ServerOptions) validate() error {
	var errs []error
	if o.Issuer == "" {
		errs = append(errs, errors.New("no issuer"))
	}
	if len(o.Audience) == 0 {
		errs = append(errs, errors.New("no audience"))
	}
	if o.Keys == nil {
		errs = append(errs, errors.New("no signing keys"))
	}
	if o.TokenLifetime < 0 || o.TokenLifetime > 0 && o.TokenLifetime < time.Second {
		errs = append(errs, fmt.Errorf("token lifetime %v is under a second", o.TokenLifetime))
	}
	for _, sc := range o.Scopes {
		if !validScopeToken(sc) {
			errs = append(errs, fmt.Errorf("scope %q is not an RFC 6749 scope token", sc))
		}
	}
	seen := map[string]bool{}
	for _, c := range o.Clients {
		errs = append(errs, checkClient(c, o.Scopes, seen)...)
	}
	return errors.Join(errs...)
}

func checkClient(c Client, known []string, seen map[string]bool) []error {
	var errs []error
	if err := errors.Join(checkCredential("client id", c.ID), checkCredential("client secret", c.Secret)); err != nil {
		errs = append(errs, fmt.Errorf("client %q: %w", c.ID, err))
	}
	if seen[c.ID] {
		errs = append(errs, fmt.Errorf("client %q is registered twice", c.ID))
	}
	seen[c.ID] = true
	if len(c.Scopes) == 0 && len(known) == 0 {
		errs = append(errs, fmt.Errorf("client %q has no scope to be granted", c.ID))
	}
	for _, sc := range c.Scopes {
		if !slices.Contains(known, sc) {
			errs = append(errs, fmt.Errorf("client %q: unknown scope %q (known: %v)", c.ID, sc, known))
		}
	}
	return errs
}

// ServeHTTP answers TokenPath and JWKSPath; mount it on both, for any method
// (it answers a wrong method itself, as RFC 6749 wants an error body).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case TokenPath:
		s.serveToken(w, r)
	case JWKSPath:
		s.serveJWKS(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.keys.JWKS())
}
