package check

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxBody bounds the response bodies the client reads; larger ones are a
// failure in their own right.
const MaxBody = 16 << 20

// Client calls one server's APIs.
type Client struct {
	// Base is the server's root URL, e.g. http://127.0.0.1:9880.
	Base *url.URL
	// Token is the bearer token sent unless a request says otherwise.
	Token string
	// HTTP does the requests; nil means a client with a 30 s timeout.
	// NewClient's does not follow redirects: a check sees a 303 as the
	// server sent it.
	HTTP *http.Client
	// ObserveFunc, if set, sees every response, for checks that span all
	// of them (such as the Version header).
	ObserveFunc func(*Response)
}

// NewClient returns a client for the server at base.
func NewClient(base, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want http(s)://host[:port]", base)
	}
	hc := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return &Client{Base: u, Token: token, HTTP: hc}, nil
}

// WithToken returns a copy of c that sends token instead.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// Request is one call. Path is relative to the client's base, may carry a
// query, and is sent as written (dot segments and escapes kept); Body, if
// not nil, is sent with ContentType.
type Request struct {
	Method      string
	Path        string
	Header      http.Header
	Body        []byte
	ContentType string
	// NoAuth sends no Authorization header.
	NoAuth bool
}

// Response is a completed exchange, body read.
type Response struct {
	Method string
	URL    *url.URL
	Status int
	Header http.Header
	Body   []byte
}

// String names the exchange for messages: "GET /x -> 200".
func (r *Response) String() string {
	return fmt.Sprintf("%s %s -> %d", r.Method, r.URL.RequestURI(), r.Status)
}

// Do sends req and reads the whole response.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	// Parsed whole rather than resolved against Base, which would remove
	// dot segments: checks probing path traversal send them as written.
	u, err := url.Parse(c.Base.String() + req.Path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	if req.Body != nil && req.ContentType != "" {
		hr.Header.Set("Content-Type", req.ContentType)
	}
	if c.Token != "" && !req.NoAuth {
		hr.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return c.send(hr)
}

func (c *Client) send(hr *http.Request) (*Response, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := hc.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", hr.Method, hr.URL.RequestURI(), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", hr.Method, hr.URL.RequestURI(), err)
	}
	r := &Response{Method: hr.Method, URL: hr.URL, Status: res.StatusCode, Header: res.Header, Body: b}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("%s: body over %d bytes", r, MaxBody)
	}
	if c.ObserveFunc != nil {
		c.ObserveFunc(r)
	}
	return r, nil
}

// Get is Do for a GET of path.
func (c *Client) Get(ctx context.Context, path string) (*Response, error) {
	return c.Do(ctx, Request{Method: http.MethodGet, Path: path})
}
