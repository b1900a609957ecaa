package vnflcm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls a VNFM's VNF LCM interface (SOL 003, v1) for what an NFVO
// reads of it: VNF instances and lifecycle subscriptions. It speaks the
// wire types of this package.
type Client struct {
	base string // the VNFM's /vnflcm/v1
	http *http.Client
}

// ErrNotFound means the VNFM has no such resource (404).
var ErrNotFound = errors.New("no such resource at the vnfm")

// NewClient returns a client of the VNFM at root (its API root, without
// /vnflcm/v1); hc nil is http.DefaultClient. It does no I/O.
func NewClient(root string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(root, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("vnfm client: %q is not an http(s) URL", root)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: u.String() + API.Prefix(1), http: hc}, nil
}

// Instance reads one VNF instance; ErrNotFound when the VNFM has none.
func (c *Client) Instance(ctx context.Context, id string) (VnfInstance, error) {
	var out VnfInstance
	_, err := c.do(ctx, http.MethodGet, c.base+"/vnf_instances/"+url.PathEscape(id), nil, &out)
	return out, err
}

// Instances lists every VNF instance, following the paging links.
func (c *Client) Instances(ctx context.Context) ([]VnfInstance, error) {
	return listAll[VnfInstance](ctx, c, "/vnf_instances")
}

// Subscriptions lists the VNFM's lifecycle subscriptions.
func (c *Client) Subscriptions(ctx context.Context) ([]LccnSubscription, error) {
	return listAll[LccnSubscription](ctx, c, "/subscriptions")
}

// listAll reads every page of the list at path, following the paging links.
func listAll[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	var all []T
	next := c.base + path
	for next != "" {
		var page []T
		h, err := c.do(ctx, http.MethodGet, next, nil, &page)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next, err = c.nextLink(h); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// Subscribe creates a subscription; a duplicate (303) counts as created.
func (c *Client) Subscribe(ctx context.Context, req LccnSubscriptionRequest) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, c.base+"/subscriptions", body, nil)
	return err
}

// Unsubscribe deletes a subscription; one already gone counts as deleted.
func (c *Client) Unsubscribe(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, c.base+"/subscriptions/"+url.PathEscape(id), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// nextLink is the absolute URL of a response's Link rel="next", or "".
func (c *Client) nextLink(h http.Header) (string, error) {
	for _, l := range h.Values("Link") {
		for part := range strings.SplitSeq(l, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok || !strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) {
				continue
			}
			ref, err := url.Parse(strings.Trim(strings.TrimSpace(target), "<>"))
			if err != nil {
				return "", fmt.Errorf("vnfm: bad Link %q: %w", l, err)
			}
			base, _ := url.Parse(c.base)
			return base.ResolveReference(ref).String(), nil
		}
	}
	return "", nil
}

// do sends one request and decodes a JSON answer into out (if not nil).
// 404 is ErrNotFound; other answers than 2xx and 303 are errors naming the
// VNFM's ProblemDetails.
func (c *Client) do(ctx context.Context, method, u string, body []byte, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Version", API.Versions[0].Version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// A duplicate subscription answers 303 with the existing one's
	// address: nothing to follow.
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("vnfm: %s %s: %w", method, u, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("vnfm: %s %s: %w", method, u, err)
	}
	switch {
	case res.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("vnfm: %s %s: %w", method, u, ErrNotFound)
	case res.StatusCode == http.StatusSeeOther:
		return res.Header, nil
	case res.StatusCode < 200 || res.StatusCode > 299:
		return nil, fmt.Errorf("vnfm: %s %s: %s: %s", method, u, res.Status, bytes.TrimSpace(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, fmt.Errorf("vnfm: %s %s: decode: %w", method, u, err)
		}
	}
	return res.Header, nil
}
