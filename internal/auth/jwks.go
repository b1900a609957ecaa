package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Defaults of the JWKS cache.
const (
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultMaxKeyAge          = time.Hour
)

// maxJWKS bounds a fetched key set.
const maxJWKS = 1 << 20

// fetchTimeout bounds one JWKS fetch, whatever the HTTP client's timeout.
const fetchTimeout = 10 * time.Second

// remoteKeys caches an external issuer's JWKS. A token with an unknown kid
// triggers a fetch (the issuer may have rotated its key), at most one per
// minInterval so that made-up kids cannot turn us into a flood; a set older
// than maxAge is fetched again before use. Fetches are serialised: callers
// that arrive during one wait for it rather than starting their own.
type remoteKeys struct {
	url         string
	client      *http.Client
	now         func() time.Time
	minInterval time.Duration
	maxAge      time.Duration

	fetching chan struct{} // holds a token while a fetch runs

	mu        sync.RWMutex
	keys      publicKeys
	fetchedAt time.Time // of the keys
	triedAt   time.Time // of the last fetch, successful or not
	lastErr   error     // of the last fetch
}

func newRemoteKeys(u string, client *http.Client, now func() time.Time, minInterval, maxAge time.Duration) *remoteKeys {
	return &remoteKeys{url: u, client: client, now: now, minInterval: minInterval, maxAge: maxAge,
		fetching: make(chan struct{}, 1)}
}

// find returns the key named kid. It fails without wrapping a sentinel only
// when no key set could ever be fetched; a stale set is used when a
// refresh fails.
func (k *remoteKeys) find(ctx context.Context, kid string) (publicKey, bool, error) {
	keys, fresh := k.snapshot()
	key, ok := keys.find(kid)
	if ok && fresh {
		return key, true, nil
	}
	if err := k.refresh(ctx); err != nil {
		if keys == nil {
			return publicKey{}, false, err
		}
		return key, ok, nil
	}
	keys, _ = k.snapshot()
	key, ok = keys.find(kid)
	return key, ok, nil
}

func (k *remoteKeys) snapshot() (publicKeys, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys, k.keys != nil && k.now().Sub(k.fetchedAt) < k.maxAge
}

// refresh fetches the set unless a fetch was tried within minInterval (by
// this caller's predecessor, possibly while it waited for its turn), in
// which case it returns that fetch's error. A failed fetch is logged here,
// so at most once per minInterval.
func (k *remoteKeys) refresh(ctx context.Context) error {
	select {
	case k.fetching <- struct{}{}:
		defer func() { <-k.fetching }()
	case <-ctx.Done():
		return fmt.Errorf("wait for JWKS fetch: %w", ctx.Err())
	}
	k.mu.RLock()
	tried, lastErr := k.triedAt, k.lastErr
	k.mu.RUnlock()
	if !tried.IsZero() && k.now().Sub(tried) < k.minInterval {
		return lastErr
	}
	// The fetch serves every waiting request, so the one that happens to
	// run it must not cancel it by going away.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	keys, err := k.fetch(fctx)
	if err != nil {
		slog.WarnContext(ctx, "oauth2: cannot refresh an issuer's keys", "url", k.url, "err", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.triedAt, k.lastErr = k.now(), err
	if err != nil {
		return err
	}
	k.keys, k.fetchedAt = keys, k.triedAt
	return nil
}

func (k *remoteKeys) fetch(ctx context.Context) (publicKeys, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", k.url, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS %s: status %s", k.url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKS+1))
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", k.url, err)
	}
	if len(body) > maxJWKS {
		return nil, fmt.Errorf("fetch JWKS %s: larger than %d bytes", k.url, maxJWKS)
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", k.url, err)
	}
	return keys, nil
}

// checkHTTPURL accepts an absolute http or https URL.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http or https URL")
	}
	return nil
}
