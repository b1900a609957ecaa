package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// expiryMargin is how long before its expiry a cached token is replaced,
// so that it does not expire on its way to the resource server.
const expiryMargin = 30 * time.Second

// maxTokenResponse bounds a token endpoint's answer.
const maxTokenResponse = 64 << 10

// ClientCredentials configures a TokenSource: the MANO acting as an OAuth
// 2.0 client, for instance the VNFM asking the NFVO for grants or either
// server calling a subscriber's notification endpoint.
type ClientCredentials struct {
	// TokenURL is the authorization server's token endpoint.
	TokenURL string
	// ClientID and ClientSecret authenticate the client (HTTP Basic).
	ClientID     string
	ClientSecret string
	// Scopes are requested if set; otherwise the server's default applies.
	Scopes []string
	// HTTPClient calls the token endpoint; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// NowFunc returns the current time; nil means time.Now.
	NowFunc func() time.Time
}

// TokenSource obtains access tokens with the client credentials grant and
// caches each until shortly before it expires. It is safe for concurrent
// use; concurrent callers that find no valid token share one request.
type TokenSource struct {
	cfg      ClientCredentials
	fetching chan struct{} // holds a token while a request runs

	mu     sync.Mutex
	token  string
	expiry time.Time // zero: valid until Invalidate
}

// NewTokenSource checks cfg and returns the source. It does no I/O.
func NewTokenSource(cfg ClientCredentials) (*TokenSource, error) {
	if err := checkHTTPURL(cfg.TokenURL); err != nil {
		return nil, fmt.Errorf("configure token source: token URL: %w", err)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("configure token source: client id and secret are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	return &TokenSource{cfg: cfg, fetching: make(chan struct{}, 1)}, nil
}

// Token returns a valid access token, from the cache or freshly obtained.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	if tok, ok := s.cached(); ok {
		return tok, nil
	}
	select {
	case s.fetching <- struct{}{}:
		defer func() { <-s.fetching }()
	case <-ctx.Done():
		return "", fmt.Errorf("wait for access token: %w", ctx.Err())
	}
	if tok, ok := s.cached(); ok { // obtained while we waited
		return tok, nil
	}
	tok, expiry, err := s.request(ctx)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.token, s.expiry = tok, expiry
	s.mu.Unlock()
	return tok, nil
}

// Invalidate drops tok from the cache if it is still the cached token, so
// the next Token call obtains a new one. Callers use it when a resource
// server rejected tok.
func (s *TokenSource) Invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == tok {
		s.token, s.expiry = "", time.Time{}
	}
}

func (s *TokenSource) cached() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.token != "" && (s.expiry.IsZero() || s.cfg.NowFunc().Before(s.expiry))
	return s.token, ok
}

// request asks the token endpoint for a token and returns it with the time
// to stop using it.
func (s *TokenSource) request(ctx context.Context) (string, time.Time, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(s.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(s.cfg.Scopes, " "))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("request access token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	start := s.cfg.NowFunc()
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("request access token: %w", err)
	}
	defer resp.Body.Close()
	tr, err := readTokenResponse(resp)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("request access token from %s: %w", s.cfg.TokenURL, err)
	}
	var expiry time.Time
	if tr.ExpiresIn > 0 {
		life := time.Duration(tr.ExpiresIn) * time.Second
		expiry = start.Add(life - min(expiryMargin, life/4))
	}
	return tr.AccessToken, expiry, nil
}

// readTokenResponse decodes a token endpoint's answer: the token, or the
// RFC 6749 §5.2 error as an error.
func readTokenResponse(resp *http.Response) (*tokenResponse, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			return nil, fmt.Errorf("status %s", resp.Status)
		}
		return nil, fmt.Errorf("status %s: %s: %s", resp.Status, sanitizeDesc(e.Error), sanitizeDesc(e.Description))
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "Bearer") {
		return nil, errors.New("response lacks a bearer access_token")
	}
	return &tr, nil
}

// Transport is an http.RoundTripper that sends Source's token as a Bearer
// credential. When the server answers 401 it obtains a fresh token and
// tries once more, if the request body can be sent again.
type Transport struct {
	Source *TokenSource
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper. It does not modify req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, tok, err := t.send(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // lets the connection be reused
	resp.Body.Close()
	t.Source.Invalidate(tok)
	retry := req
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("replay request body: %w", err)
		}
		retry = req.Clone(req.Context())
		retry.Body = body
	}
	resp, _, err = t.send(retry)
	return resp, err
}

func (t *Transport) send(req *http.Request) (*http.Response, string, error) {
	tok, err := t.Source.Token(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close() // RoundTrip must close the body, even on error
		}
		return nil, "", err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	return resp, tok, err
}

// replayable reports whether req can be sent a second time.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}
