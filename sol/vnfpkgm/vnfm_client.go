package vnfpkgm

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

	"github.com/cadenza-mano/cadenza/sol/vnflcm"
)

// vnfmClient calls what the NFVO needs of a VNFM's SOL 003 VNF LCM
// interface (v1) to keep package usage: subscriptions and instance reads.
// It shares the wire types of sol/vnflcm.
type vnfmClient struct {
	base string // the VNFM's /vnflcm/v1
	http *http.Client
}

// errGone means the VNFM has no such instance (404).
var errGone = errors.New("no such vnf instance")

// instanceRef is the part of a VnfInstance usage depends on.
type instanceRef struct {
	ID     string `json:"id"`
	VnfdID string `json:"vnfdId"`
}

func newVNFMClient(root string, hc *http.Client) (*vnfmClient, error) {
	u, err := url.Parse(strings.TrimSuffix(root, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("vnfm client: %q is not an http(s) URL", root)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &vnfmClient{base: u.String() + vnflcm.API.Prefix(1), http: hc}, nil
}

// instance reads one VNF instance; errGone when the VNFM has none.
func (c *vnfmClient) instance(ctx context.Context, id string) (instanceRef, error) {
	var out instanceRef
	_, err := c.do(ctx, http.MethodGet, c.base+"/vnf_instances/"+url.PathEscape(id), nil, &out)
	return out, err
}

// instances lists every VNF instance, following the paging links.
func (c *vnfmClient) instances(ctx context.Context) ([]instanceRef, error) {
	var all []instanceRef
	next := c.base + "/vnf_instances"
	for next != "" {
		var page []instanceRef
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

// subscriptions lists the VNFM's lifecycle subscriptions.
func (c *vnfmClient) subscriptions(ctx context.Context) ([]vnflcm.LccnSubscription, error) {
	var all []vnflcm.LccnSubscription
	next := c.base + "/subscriptions"
	for next != "" {
		var page []vnflcm.LccnSubscription
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

// subscribe creates a subscription; a duplicate (303) counts as created.
func (c *vnfmClient) subscribe(ctx context.Context, req vnflcm.LccnSubscriptionRequest) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, c.base+"/subscriptions", body, nil)
	return err
}

func (c *vnfmClient) unsubscribe(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, c.base+"/subscriptions/"+url.PathEscape(id), nil, nil)
	if errors.Is(err, errGone) {
		return nil
	}
	return err
}

// nextLink is the absolute URL of a response's Link rel="next", or "".
func (c *vnfmClient) nextLink(h http.Header) (string, error) {
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
// 404 is errGone; other answers than 2xx and 303 are errors naming the
// VNFM's ProblemDetails.
func (c *vnfmClient) do(ctx context.Context, method, u string, body []byte, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Version", vnflcm.API.Versions[0].Version)
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
		return nil, fmt.Errorf("vnfm: %s %s: %w", method, u, errGone)
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
