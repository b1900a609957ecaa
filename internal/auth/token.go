package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxTokenRequest bounds the token request body; a real one is a few
// hundred bytes.
const maxTokenRequest = 16 << 10

// Realm names the protection space in WWW-Authenticate challenges: one for
// the whole MANO, since one authorization server serves every API.
const Realm = "cadenza"

// OAuth 2.0 error codes of the token endpoint (RFC 6749 §5.2).
const (
	errInvalidRequest       = "invalid_request"
	errInvalidClient        = "invalid_client"
	errUnsupportedGrantType = "unsupported_grant_type"
	errInvalidScope         = "invalid_scope"
)

// tokenError is an RFC 6749 §5.2 error answer. Descriptions never quote
// the secret, and keep to the characters §5.2 allows.
type tokenError struct {
	status int
	code   string
	desc   string
}

func (e *tokenError) Error() string { return e.code + ": " + e.desc }

func badRequest(code, desc string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: code, desc: desc}
}

func badClient(desc string) *tokenError {
	return &tokenError{status: http.StatusUnauthorized, code: errInvalidClient, desc: desc}
}

// tokenResponse is the RFC 6749 §5.1 success body.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// accessClaims are the claims of an access token (RFC 9068 §2.2).
type accessClaims struct {
	jwt.RegisteredClaims
	Scope    string `json:"scope,omitempty"`
	ClientID string `json:"client_id,omitempty"`
}

// serveToken is the token endpoint: the client credentials grant only.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	resp, err := s.grant(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		writeTokenError(w, err)
		return
	}
	_ = json.NewEncoder(w).Encode(resp)
}

func writeTokenError(w http.ResponseWriter, err *tokenError) {
	if err.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
	}
	if err.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.WriteHeader(err.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.code, "error_description": err.desc})
}

// grant checks the request, authenticates the client and issues the token.
func (s *Server) grant(w http.ResponseWriter, r *http.Request) (*tokenResponse, *tokenError) {
	form, terr := readTokenRequest(w, r)
	if terr != nil {
		return nil, terr
	}
	if form.Get("grant_type") == "" {
		return nil, badRequest(errInvalidRequest, "missing grant_type")
	}
	c, terr := s.authenticateClient(r, form)
	if terr != nil {
		return nil, terr
	}
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		return nil, badRequest(errUnsupportedGrantType, "only the client_credentials grant is supported")
	}
	scopes, terr := grantScopes(c, form)
	if terr != nil {
		return nil, terr
	}
	return s.issue(c, scopes)
}

// readTokenRequest enforces POST, the form media type, the size bound and
// RFC 6749 §3.2's rule that no parameter repeats. Credentials in the URL
// are refused: they would end up in access logs.
func readTokenRequest(w http.ResponseWriter, r *http.Request) (url.Values, *tokenError) {
	if r.Method != http.MethodPost {
		return nil, &tokenError{status: http.StatusMethodNotAllowed, code: errInvalidRequest,
			desc: "the token endpoint accepts only POST"}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, badRequest(errInvalidRequest, "the body must be application/x-www-form-urlencoded")
	}
	if q := r.URL.Query(); q.Has("client_secret") {
		return nil, badRequest(errInvalidRequest, "client_secret must not be sent in the URL")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequest)
	if err := r.ParseForm(); err != nil {
		return nil, badRequest(errInvalidRequest, "the body is not a valid form or is too large")
	}
	for name, vs := range r.PostForm {
		if len(vs) > 1 {
			return nil, badRequest(errInvalidRequest, "a parameter is repeated: "+sanitizeDesc(name))
		}
	}
	return r.PostForm, nil
}

// authenticateClient accepts exactly one of HTTP Basic and the
// client_id/client_secret form fields (RFC 6749 §2.3.1).
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*registeredClient, *tokenError) {
	id, secret, terr := clientCredentials(r, form)
	if terr != nil {
		return nil, terr
	}
	c, known := s.clients[id]
	want := s.dummy
	if known {
		want = c.secretHash
	}
	got := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 || !known {
		return nil, badClient("client authentication failed")
	}
	return c, nil
}

func clientCredentials(r *http.Request, form url.Values) (id, secret string, terr *tokenError) {
	hasHeader := r.Header.Get("Authorization") != ""
	if hasHeader && (form.Get("client_secret") != "" || form.Get("client_id") != "" && !hasBasicID(r, form.Get("client_id"))) {
		return "", "", badRequest(errInvalidRequest, "use exactly one client authentication method")
	}
	if !hasHeader {
		id, secret = form.Get("client_id"), form.Get("client_secret")
		if id == "" || secret == "" {
			return "", "", badClient("no client authentication: use HTTP Basic or client_id and client_secret")
		}
		return id, secret, nil
	}
	return basicCredentials(r)
}

// basicCredentials decodes HTTP Basic credentials, which RFC 6749 §2.3.1
// form-encodes before the base64.
func basicCredentials(r *http.Request) (string, string, *tokenError) {
	rawID, rawSecret, ok := r.BasicAuth()
	if !ok {
		return "", "", badClient("the Authorization header is not valid HTTP Basic")
	}
	id, err1 := url.QueryUnescape(rawID)
	secret, err2 := url.QueryUnescape(rawSecret)
	if err := errors.Join(err1, err2); err != nil || id == "" {
		return "", "", badClient("the HTTP Basic credentials are not form-encoded")
	}
	return id, secret, nil
}

// hasBasicID reports whether the Basic credentials name client id, so a
// client that repeats its id in the form is not told it used two methods.
func hasBasicID(r *http.Request, id string) bool {
	got, _, terr := basicCredentials(r)
	return terr == nil && got == id
}

// grantScopes intersects the requested scopes with the client's; no
// request means all of the client's.
func grantScopes(c *registeredClient, form url.Values) ([]string, *tokenError) {
	if form.Get("scope") == "" { // RFC 6749 §3.1: an empty parameter is an omitted one
		return c.scopes, nil
	}
	requested := strings.Split(form.Get("scope"), " ")
	var granted []string
	for _, sc := range requested {
		if !validScopeToken(sc) {
			return nil, badRequest(errInvalidScope, "the scope parameter is malformed")
		}
		if containsScope(c.scopes, sc) && !containsScope(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		return nil, badRequest(errInvalidScope, "none of the requested scopes is allowed for this client")
	}
	return granted, nil
}

func containsScope(list []string, sc string) bool {
	for _, s := range list {
		if s == sc {
			return true
		}
	}
	return false
}

func (s *Server) issue(c *registeredClient, scopes []string) (*tokenResponse, *tokenError) {
	now := s.now().Truncate(time.Second)
	scope := strings.Join(scopes, " ")
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   c.id,
			Audience:  s.audience,
			ExpiresAt: jwt.NewNumericDate(now.Add(s.lifetime)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        rand.Text(),
		},
		Scope:    scope,
		ClientID: c.id,
	}
	tok, err := s.keys.sign(claims)
	if err != nil {
		slog.Error("oauth2 token endpoint failed", "client_id", c.id, "err", err)
		return nil, &tokenError{status: http.StatusInternalServerError, code: "server_error", desc: "cannot sign the token"}
	}
	return &tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(s.lifetime / time.Second), Scope: scope}, nil
}

// sanitizeDesc keeps only the characters RFC 6749 §5.2 allows in
// error_description, and at most 64 of them.
func sanitizeDesc(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}
