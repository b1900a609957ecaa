package lcm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// Catalog is what CatalogSource needs of a local catalogue.
type Catalog interface {
	ByVNFDID(ctx context.Context, vnfdID string) (store.Item[catalog.Package], error)
	ContentDir(id string) string
}

// CatalogSource finds packages in a catalogue of this process (the
// all-in-one and standalone cases). Parsed VNFDs are kept: an onboarded
// package's content never changes.
type CatalogSource struct {
	cat   Catalog
	mu    sync.Mutex
	cache map[string]*Package // by package ID
}

var _ PackageSource = (*CatalogSource)(nil)

// NewCatalogSource returns a source over cat.
func NewCatalogSource(cat Catalog) *CatalogSource {
	return &CatalogSource{cat: cat, cache: map[string]*Package{}}
}

// Package returns the onboarded package of vnfdID.
func (c *CatalogSource) Package(ctx context.Context, vnfdID string) (*Package, error) {
	it, err := c.cat.ByVNFDID(ctx, vnfdID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("vnfd %s: %w", vnfdID, ErrPackage)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	p, ok := c.cache[it.ID]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err = LoadPackageDir(ctx, c.cat.ContentDir(it.ID), it.Doc.Entry)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", it.ID, err)
	}
	c.mu.Lock()
	c.cache[it.ID] = p
	c.mu.Unlock()
	return p, nil
}

// LoadPackageDir reads the VNFD of an extracted package in dir, whose
// entry definitions file is entry.
func LoadPackageDir(ctx context.Context, dir, entry string) (*Package, error) {
	fsys := os.DirFS(dir)
	d, err := vnfd.Load(ctx, fsys, entry)
	if err != nil {
		return nil, fmt.Errorf("read vnfd: %w: %v", ErrPackage, err)
	}
	return &Package{VNFD: d, Content: fsys}, nil
}
