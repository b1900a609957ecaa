package vnfpkgm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/lcm"
)

// ClientOptions configure a Client.
type ClientOptions struct {
	// BaseURL is the NFVO's API root, e.g. "https://nfvo:9880"; the
	// package interface is below it at /vnfpkgm/v1.
	BaseURL string
	// HTTPClient sends the requests; give it an auth.Transport to send
	// OAuth 2.0 tokens. nil means http.DefaultClient.
	HTTPClient *http.Client
	// CacheDir keeps downloaded packages, one directory per vnfdId.
	CacheDir string
	// CSAR are the checks a downloaded package must pass.
	CSAR csar.Options
}

// Client reads onboarded VNF packages from an NFVO over SOL 003 VNF
// package management, by vnfdId, and keeps them on disk: an onboarded
// package never changes, so each is downloaded once.
type Client struct {
	opts ClientOptions
	base *url.URL

	mu    sync.Mutex // serialises downloads; guards cache
	cache map[string]*lcm.Package
}

var _ lcm.PackageSource = (*Client)(nil)

// NewClient checks opts and returns a client. It does no I/O.
func NewClient(opts ClientOptions) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(opts.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("package client: base URL %q is not an http(s) URL", opts.BaseURL)
	}
	if opts.CacheDir == "" {
		return nil, errors.New("package client: a cache directory is required")
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	return &Client{opts: opts, base: u, cache: map[string]*lcm.Package{}}, nil
}

// safeID admits the vnfdIds that can name a cache directory.
var safeID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// Files of one cached package under CacheDir/<vnfdId>.
const (
	cachedZip     = "package.zip"
	cachedContent = "content"
	cachedEntry   = "entry" // the entry definitions path; written last
)

// Package returns the onboarded package of vnfdID: from memory, from the
// disk cache, or downloaded from the NFVO. A vnfdId the NFVO does not know
// is lcm.ErrPackage.
func (c *Client) Package(ctx context.Context, vnfdID string) (*lcm.Package, error) {
	if !safeID.MatchString(vnfdID) {
		return nil, fmt.Errorf("vnfdId %q: %w", vnfdID, lcm.ErrPackage)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.cache[vnfdID]; ok {
		return p, nil
	}
	dir := filepath.Join(c.opts.CacheDir, vnfdID)
	entry, err := os.ReadFile(filepath.Join(dir, cachedEntry))
	if errors.Is(err, os.ErrNotExist) {
		entry, err = c.download(ctx, vnfdID, dir)
	}
	if err != nil {
		return nil, err
	}
	p, err := lcm.LoadPackageDir(ctx, filepath.Join(dir, cachedContent), string(entry))
	if err != nil {
		return nil, fmt.Errorf("vnfd %s: %w", vnfdID, err)
	}
	c.cache[vnfdID] = p
	return p, nil
}

// download fetches, checks and extracts the package into dir, and returns
// its entry definitions path. The entry file is written last, so a crash
// part way leaves a directory that the next call downloads again.
func (c *Client) download(ctx context.Context, vnfdID, dir string) ([]byte, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("clear package cache %s: %w", vnfdID, err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create package cache %s: %w", vnfdID, err)
	}
	zipPath := filepath.Join(dir, cachedZip)
	if err := c.fetch(ctx, vnfdID, zipPath); err != nil {
		return nil, err
	}
	pkg, err := csar.Open(ctx, zipPath, filepath.Join(dir, cachedContent), c.opts.CSAR)
	if err != nil {
		return nil, fmt.Errorf("vnfd %s: package from the NFVO: %w: %v", vnfdID, lcm.ErrPackage, err)
	}
	entry := []byte(pkg.EntryDefinitions)
	pkg.Close()
	if err := os.WriteFile(filepath.Join(dir, cachedEntry), entry, 0o640); err != nil {
		return nil, fmt.Errorf("package cache %s: %w", vnfdID, err)
	}
	return entry, nil
}

// fetch downloads the package content of vnfdID into path.
func (c *Client) fetch(ctx context.Context, vnfdID, path string) error {
	u := c.base.JoinPath(API.Prefix(1), "onboarded_vnf_packages", vnfdID, "package_content")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("fetch package of vnfd %s: %w", vnfdID, err)
	}
	req.Header.Set("Accept", "application/zip")
	req.Header.Set("Version", API.Versions[0].Version)
	res, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetch package of vnfd %s: %w", vnfdID, err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusConflict:
		return fmt.Errorf("vnfd %s: NFVO answered %s: %w", vnfdID, res.Status, lcm.ErrPackage)
	case res.StatusCode != http.StatusOK:
		return fmt.Errorf("fetch package of vnfd %s: NFVO answered %s", vnfdID, res.Status)
	}
	limit := c.opts.CSAR.MaxPackageSize
	if limit <= 0 {
		limit = csar.DefaultMaxPackageSize
	}
	if _, err := csar.Spool(ctx, res.Body, path, limit); err != nil {
		return fmt.Errorf("fetch package of vnfd %s: %w", vnfdID, err)
	}
	return nil
}
