package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// record is shaped like a VNF instance: scalars, a nested object, an array
// of objects and an open map, so filters exercise every kind of path.
type record struct {
	ID        string            `json:"id"`
	Name      string            `json:"vnfInstanceName"`
	State     string            `json:"instantiationState"`
	Size      int               `json:"size"`
	Info      *info             `json:"instantiatedVnfInfo,omitempty"`
	Extension map[string]string `json:"extensions,omitempty"`
}

type info struct {
	Flavour string `json:"flavourId"`
	Vnfcs   []vnfc `json:"vnfcResourceInfo"`
}

type vnfc struct {
	VduID string `json:"vduId"`
}

var recordSchema = query.SchemaOf(record{}).Column("id", "id", query.KindString)

// backends runs fn once per database kind the tests use.
func backends(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, openDB(t, testenv.Postgres(t)))
	})
}

func openSQLite(tb testing.TB) *store.DB {
	tb.Helper()
	return openDB(tb, "sqlite://"+filepath.Join(tb.TempDir(), "test.db"))
}

func openDB(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, "")
	if err != nil {
		tb.Fatalf("open %s: %v", dsn, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func scratch(db *store.DB) *store.Collection[record] {
	return store.NewCollection[record](db, store.TableScratch, recordSchema)
}

func TestCollection_CRUD(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := scratch(db)
		r := record{ID: "a", Name: "one", State: "NOT_INSTANTIATED"}
		m, err := c.Create(ctx, r.ID, &r)
		if err != nil || m.Version != 1 || m.Seq == 0 {
			t.Fatalf("create: %+v %v", m, err)
		}
		if _, err := c.Create(ctx, r.ID, &r); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second create: got %v, want ErrExists", err)
		}
		it, err := c.Update(ctx, "a", 1, func(r *record) error { r.Name = "two"; return nil })
		if err != nil || it.Version != 2 || it.Doc.Name != "two" {
			t.Fatalf("update: %+v %v", it, err)
		}
		if _, err := c.Update(ctx, "a", 1, func(*record) error { return nil }); !errors.Is(err, store.ErrVersionMismatch) {
			t.Fatalf("stale update: got %v, want ErrVersionMismatch", err)
		}
		got, err := c.Get(ctx, "a")
		if err != nil || got.Doc.Name != "two" || got.Version != 2 {
			t.Fatalf("get: %+v %v", got, err)
		}
		veto := errors.New("veto")
		if err := c.Delete(ctx, "a", func(store.Item[record]) error { return veto }); !errors.Is(err, veto) {
			t.Fatalf("vetoed delete: got %v", err)
		}
		if err := c.Delete(ctx, "a", nil); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := c.Get(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("get after delete: got %v, want ErrNotFound", err)
		}
	})
}

// TestCollection_ConcurrentUpdates checks that updates without a version
// never lose a write: each of n writers increments once.
func TestCollection_ConcurrentUpdates(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := scratch(db)
		if _, err := c.Create(ctx, "counter", &record{ID: "counter"}); err != nil {
			t.Fatal(err)
		}
		const n = 16
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if _, err := c.Update(ctx, "counter", 0, func(r *record) error { r.Size++; return nil }); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := c.Get(ctx, "counter")
		if err != nil || got.Doc.Size != n || got.Version != n+1 {
			t.Fatalf("after %d increments: %+v %v", n, got, err)
		}
	})
}

// TestCollection_UpdateFrom checks that an update from a held item saves
// the read when the item is current, and loses no concurrent write when it
// is stale: fn is applied again to what is stored.
func TestCollection_UpdateFrom(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := scratch(db)
		if _, err := c.Create(ctx, "a", &record{ID: "a", Name: "one"}); err != nil {
			t.Fatal(err)
		}
		held, err := c.Get(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		inc := func(r *record) error { r.Size++; return nil }
		it, err := c.UpdateFrom(ctx, held, inc)
		if err != nil || it.Version != 2 || it.Doc.Size != 1 {
			t.Fatalf("update from a current item: %+v %v", it, err)
		}
		// held is now stale: another writer renamed the document since.
		if _, err := c.Update(ctx, "a", 0, func(r *record) error { r.Name = "two"; return nil }); err != nil {
			t.Fatal(err)
		}
		it, err = c.UpdateFrom(ctx, held, inc)
		if err != nil || it.Version != 4 || it.Doc.Size != 2 || it.Doc.Name != "two" {
			t.Fatalf("update from a stale item: %+v %v", it, err)
		}
		veto := errors.New("veto")
		if _, err := c.UpdateFrom(ctx, it, func(*record) error { return veto }); !errors.Is(err, veto) {
			t.Fatalf("vetoed update: got %v", err)
		}
		got, err := c.Get(ctx, "a")
		if err != nil || got.Version != 4 || got.Doc.Size != 2 || got.Doc.Name != "two" {
			t.Fatalf("stored: %+v %v", got, err)
		}
	})
}

func TestCollection_Tx(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := scratch(db)
		boom := errors.New("boom")
		err := db.Tx(ctx, func(ctx context.Context) error {
			if _, err := c.Create(ctx, "x", &record{ID: "x"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx: %v", err)
		}
		if _, err := c.Get(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rolled back create is visible: %v", err)
		}
	})
}

func TestCollection_ListFilterAndPaging(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := scratch(db)
		seed(t, c, 250)
		tests := []struct {
			name   string
			filter query.Filter
			want   int
		}{
			{"all", nil, 250},
			{"eq scalar", query.Filter{{Path: []string{"instantiationState"}, Op: query.Eq, Values: []string{"INSTANTIATED"}}}, 125},
			{"gt number", query.Filter{{Path: []string{"size"}, Op: query.Gt, Values: []string{"199"}}}, 50},
			{"through array", query.Filter{{Path: []string{"instantiatedVnfInfo", "vnfcResourceInfo", "vduId"}, Op: query.Eq, Values: []string{"vdu-6"}}}, 25},
			{"open map", query.Filter{{Path: []string{"extensions", "site"}, Op: query.Eq, Values: []string{"edge-3"}}}, 50},
			{"indexed column", query.Filter{{Path: []string{"id"}, Op: query.Eq, Values: []string{"r-00042", "r-00043"}}}, 2},
			{"two terms", query.Filter{
				{Path: []string{"instantiationState"}, Op: query.Neq, Values: []string{"INSTANTIATED"}},
				{Path: []string{"vnfInstanceName"}, Op: query.Cont, Values: []string{"9"}}}, 33},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				seen := map[string]bool{}
				var after int64
				for pages := 0; ; pages++ {
					p, err := c.List(ctx, tc.filter, after, 40)
					if err != nil {
						t.Fatal(err)
					}
					for _, it := range p.Items {
						if seen[it.ID] {
							t.Fatalf("%s listed twice", it.ID)
						}
						seen[it.ID] = true
						if !recordSchema.Match(tc.filter, asMap(t, it.Doc)) {
							t.Fatalf("%s listed but does not match", it.ID)
						}
					}
					if p.Next == 0 {
						break
					}
					if len(p.Items) != 40 {
						t.Fatalf("a page before the last has %d items", len(p.Items))
					}
					after = p.Next
				}
				if len(seen) != tc.want {
					t.Fatalf("listed %d, want %d", len(seen), tc.want)
				}
			})
		}
	})
}

func seed(tb testing.TB, c *store.Collection[record], n int) {
	tb.Helper()
	ctx := context.Background()
	err := c.DB().Tx(ctx, func(ctx context.Context) error {
		for i := range n {
			r := newRecord(i)
			if _, err := c.Create(ctx, r.ID, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
}

func newRecord(i int) record {
	r := record{ID: fmt.Sprintf("r-%05d", i), Name: fmt.Sprintf("vnf-%d", i), Size: i,
		State: "NOT_INSTANTIATED", Extension: map[string]string{"site": fmt.Sprintf("edge-%d", i%5)}}
	if i%2 == 0 {
		r.State = "INSTANTIATED"
		r.Info = &info{Flavour: "small", Vnfcs: []vnfc{{VduID: "vdu-" + fmt.Sprint(i%10)}, {VduID: "vdu-x"}}}
	}
	return r
}
