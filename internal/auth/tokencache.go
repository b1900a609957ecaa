package auth

import (
	"sync"
	"time"
)

// Bounds of the verified-token cache.
const (
	// tokenCacheSize bounds the entries; a MANO sees a few clients, each
	// reusing one token until it nearly expires.
	tokenCacheSize = 1024
	// tokenCacheMaxLen keeps unusually long tokens out, bounding memory.
	tokenCacheMaxLen = 4 << 10
	// tokenCacheTTL bounds how long a verification is reused, so a key an
	// issuer withdraws stops admitting tokens soon after the JWKS says so.
	tokenCacheTTL = 5 * time.Minute
)

// tokenCache remembers tokens whose signature, issuer and audience were
// verified, so a client reusing its token costs a map lookup instead of an
// RSA verification on every request. Only the exact token string hits;
// expiry is still checked on every use. Safe for concurrent use.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]cachedToken
}

// cachedToken is what a request needs of a verified token.
type cachedToken struct {
	expires time.Time // exp plus the leeway
	until   time.Time // end of reuse, at most tokenCacheTTL after verification
	scope   string
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: make(map[string]cachedToken)}
}

// get returns the token's entry if it is cached and still usable at now.
func (c *tokenCache) get(tok string, now time.Time) (cachedToken, bool) {
	c.mu.RLock()
	e, ok := c.entries[tok]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) || !now.Before(e.expires) {
		return cachedToken{}, false
	}
	return e, true
}

// put caches a verified token. When full it drops expired entries, then a
// random one (map iteration order is random).
func (c *tokenCache) put(tok string, e cachedToken, now time.Time) {
	if len(tok) > tokenCacheMaxLen {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= tokenCacheSize {
		for k, old := range c.entries {
			if !now.Before(old.until) || !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
	}
	for k := range c.entries {
		if len(c.entries) < tokenCacheSize {
			break
		}
		delete(c.entries, k)
	}
	c.entries[tok] = e
}
