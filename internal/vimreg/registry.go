package vimreg

import (
	"context"
	"errors"
	"fmt"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// Table is the registry's collection (created by the store's migrations).
const Table = "vims"

// ErrNoDefault is returned when no VIM is the default.
var ErrNoDefault = errors.New("no default VIM is registered")

// record is the stored document: the VIM and its sealed credentials.
type record struct {
	VIM
	SealedAccessInfo string `json:"sealedAccessInfo,omitempty"`
}

// Registry is the VIMs the NFVO may grant, in its database.
type Registry struct {
	db   *store.DB
	vims *store.Collection[record]
	seal *sealer
}

// New returns the registry in db, sealing credentials with key (32 bytes;
// see LoadKey).
func New(db *store.DB, key []byte) (*Registry, error) {
	s, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	schema := query.SchemaOf(record{}).Column("id", "id", query.KindString)
	return &Registry{db: db, vims: store.NewCollection[record](db, Table, schema), seal: s}, nil
}

// Put adds or replaces vims, in one transaction. A VIM put as the default
// takes the flag from the one that had it; VIMs not named stay as they are.
func (r *Registry) Put(ctx context.Context, vims []VIM) error {
	if err := validateSet(vims); err != nil {
		return err
	}
	return r.db.Tx(ctx, func(ctx context.Context) error {
		for _, v := range vims {
			if v.Default {
				if err := r.clearDefault(ctx, v.ID); err != nil {
					return err
				}
			}
			if err := r.put(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *Registry) put(ctx context.Context, v VIM) error {
	sealed, err := r.seal.seal(v.ID, v.AccessInfo)
	if err != nil {
		return fmt.Errorf("seal vim %s credentials: %w", v.ID, err)
	}
	rec := record{VIM: v, SealedAccessInfo: sealed}
	rec.AccessInfo = nil
	_, err = r.vims.Update(ctx, v.ID, 0, func(old *record) error {
		*old = rec
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		_, err = r.vims.Create(ctx, v.ID, &rec)
	}
	return err
}

// clearDefault takes the default flag from every VIM but keep.
func (r *Registry) clearDefault(ctx context.Context, keep string) error {
	all, err := r.all(ctx)
	if err != nil {
		return err
	}
	for _, rec := range all {
		if !rec.Default || rec.ID == keep {
			continue
		}
		if _, err := r.vims.Update(ctx, rec.ID, 0, func(old *record) error {
			old.Default = false
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// Get returns VIM id without its credentials; store.ErrNotFound (wrapped)
// when it is not registered.
func (r *Registry) Get(ctx context.Context, id string) (VIM, error) {
	it, err := r.vims.Get(ctx, id)
	if err != nil {
		return VIM{}, err
	}
	return it.Doc.VIM, nil
}

// AccessInfo opens the credentials of VIM id, for a grant that hands them
// to a VNFM. Callers must not log them.
func (r *Registry) AccessInfo(ctx context.Context, id string) (map[string]string, error) {
	it, err := r.vims.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.seal.open(id, it.Doc.SealedAccessInfo)
}

// Default returns the default VIM without its credentials, or
// ErrNoDefault.
func (r *Registry) Default(ctx context.Context) (VIM, error) {
	all, err := r.all(ctx)
	if err != nil {
		return VIM{}, err
	}
	for _, rec := range all {
		if rec.Default {
			return rec.VIM, nil
		}
	}
	return VIM{}, ErrNoDefault
}

// List returns every VIM without credentials, in registration order.
func (r *Registry) List(ctx context.Context) ([]VIM, error) {
	all, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]VIM, len(all))
	for i, rec := range all {
		out[i] = rec.VIM
	}
	return out, nil
}

// all reads every record; a registry holds a handful of VIMs.
func (r *Registry) all(ctx context.Context) ([]record, error) {
	var out []record
	var after int64
	for {
		p, err := r.vims.List(ctx, nil, after, 100)
		if err != nil {
			return nil, err
		}
		for _, it := range p.Items {
			out = append(out, it.Doc)
		}
		if p.Next == 0 {
			return out, nil
		}
		after = p.Next
	}
}
