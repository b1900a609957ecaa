package grant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// ClientOptions configure a Client.
type ClientOptions struct {
	// BaseURL is the NFVO's API root; the grant interface is below it at
	// /grant/v1.
	BaseURL string
	// VNFMURL is the VNFM's own API root, for the GrantRequest's links;
	// empty gives links relative to it.
	VNFMURL string
	// HTTPClient sends the requests; give it an auth.Transport to send
	// OAuth 2.0 tokens. nil means http.DefaultClient.
	HTTPClient *http.Client
	// MinBackoff and MaxBackoff bound the wait between polls of a
	// deferred grant and between retries of a failed request, when the
	// NFVO gives no Retry-After (defaults 100 ms and 5 s).
	MinBackoff, MaxBackoff time.Duration
	// Logger receives a line when a grant is deferred or a request is
	// retried; nil means slog.Default().
	Logger *slog.Logger
}

// Client asks an NFVO for grants over SOL 003 and is the engine's Granter
// for a VNFM beside an NFVO.
type Client struct {
	opts ClientOptions
	base *url.URL
}

var _ lcm.Granter = (*Client)(nil)

// NewClient checks opts and returns a client. It does no I/O.
func NewClient(opts ClientOptions) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(opts.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("grant client: base URL %q is not an http(s) URL", opts.BaseURL)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(5*time.Second, opts.MinBackoff)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Client{opts: opts, base: u}, nil
}

// Grant posts req and returns the grant once the NFVO has decided: at
// once (201) or, when it answers 202, by polling the grant's Location
// until it exists. Transport errors and 5xx/429 answers are retried with
// backoff until ctx ends; a refusal (403) wraps lcm.ErrGrantRejected
// with the NFVO's detail.
func (c *Client) Grant(ctx context.Context, req lcm.GrantRequest) (lcm.Grant, error) {
	body, err := json.Marshal(c.wireRequest(req))
	if err != nil {
		return lcm.Grant{}, err
	}
	post := c.base.JoinPath(API.Prefix(1), "grants").String()
	res, raw, err := c.send(ctx, http.MethodPost, post, body)
	if err != nil {
		return lcm.Grant{}, err
	}
	if res.StatusCode == http.StatusAccepted {
		loc, err := c.location(res, post)
		if err != nil {
			return lcm.Grant{}, err
		}
		c.opts.Logger.InfoContext(ctx, "grant deferred by the NFVO; polling", "opOcc", req.OpOccID, "grant", loc)
		res, raw, err = c.poll(ctx, loc, retryAfter(res, c.opts.MinBackoff))
		if err != nil {
			return lcm.Grant{}, err
		}
	}
	return c.decode(res, raw)
}

// poll GETs loc until it is no longer 202, waiting first wait, then as
// the NFVO's Retry-After says or with doubling backoff.
func (c *Client) poll(ctx context.Context, loc string, wait time.Duration) (*http.Response, []byte, error) {
	backoff := c.opts.MinBackoff
	for {
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, fmt.Errorf("wait for grant %s: %w", loc, err)
		}
		res, raw, err := c.send(ctx, http.MethodGet, loc, nil)
		if err != nil || res.StatusCode != http.StatusAccepted {
			return res, raw, err
		}
		backoff = min(2*backoff, c.opts.MaxBackoff)
		wait = retryAfter(res, backoff)
	}
}

// send does one request, retrying transient failures until ctx ends.
func (c *Client) send(ctx context.Context, method, u string, body []byte) (*http.Response, []byte, error) {
	backoff := c.opts.MinBackoff
	for {
		res, raw, err := c.once(ctx, method, u, body)
		transient := err != nil || res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests
		if !transient {
			return res, raw, nil
		}
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("grant: %s %s: %w", method, u, errors.Join(ctx.Err(), err))
		}
		wait := backoff
		if err == nil {
			wait = retryAfter(res, backoff)
			err = fmt.Errorf("NFVO answered %s: %s", res.Status, detailOf(raw))
		}
		c.opts.Logger.WarnContext(ctx, "grant request failed; retrying", "method", method, "url", u, "err", err, "in", wait)
		if serr := sleep(ctx, wait); serr != nil {
			return nil, nil, fmt.Errorf("grant: %s %s: %w (last: %v)", method, u, serr, err)
		}
		backoff = min(2*backoff, c.opts.MaxBackoff)
	}
}

func (c *Client) once(ctx context.Context, method, u string, body []byte) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, err
	}
	hreq.Header.Set("Accept", sol013.JSON)
	hreq.Header.Set("Version", API.Versions[0].Version)
	if body != nil {
		hreq.Header.Set("Content-Type", sol013.JSON)
	}
	res, err := c.opts.HTTPClient.Do(hreq)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	return res, raw, err
}

// decode turns the final answer into a grant or an error.
func (c *Client) decode(res *http.Response, raw []byte) (lcm.Grant, error) {
	switch res.StatusCode {
	case http.StatusOK, http.StatusCreated:
	case http.StatusForbidden:
		return lcm.Grant{}, fmt.Errorf("%w: %s", lcm.ErrGrantRejected, detailOf(raw))
	default:
		return lcm.Grant{}, fmt.Errorf("grant: NFVO answered %s: %s", res.Status, detailOf(raw))
	}
	var w Grant
	if err := json.Unmarshal(raw, &w); err != nil {
		return lcm.Grant{}, fmt.Errorf("grant: NFVO's grant does not decode: %w", err)
	}
	return fromWire(&w), nil
}

// location resolves the Location of a 202 against the request URL.
func (c *Client) location(res *http.Response, reqURL string) (string, error) {
	loc := res.Header.Get("Location")
	if loc == "" {
		return "", errors.New("grant: NFVO answered 202 without a Location")
	}
	base, _ := url.Parse(reqURL)
	u, err := base.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("grant: Location %q: %w", loc, err)
	}
	return u.String(), nil
}

// retryAfter is the response's Retry-After in seconds, else def.
func retryAfter(res *http.Response, def time.Duration) time.Duration {
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, time.Minute)
	}
	return def
}

// detailOf is a ProblemDetails' detail, or the body's start.
func detailOf(raw []byte) string {
	var pd sol013.ProblemDetails
	if json.Unmarshal(raw, &pd) == nil && pd.Detail != "" {
		return pd.Detail
	}
	return fmt.Sprintf("%.200s", raw)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
