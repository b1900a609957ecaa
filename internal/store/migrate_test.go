package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// TestMigrate_RerunKeepsData starts a process on a database twice more after
// the first: each later start, store and job queue migrations both, applies
// nothing and the documents stay as they were.
func TestMigrate_RerunKeepsData(t *testing.T) {
	t.Parallel()
	backendDSNs(t, func(t *testing.T, dsn string) {
		db := startProcess(t, dsn)
		seed(t, scratch(db), 20)
		want := appliedVersions(t, db)
		db.Close()
		for start := 2; start <= 3; start++ {
			db := startProcess(t, dsn)
			if got := appliedVersions(t, db); !slices.Equal(got, want) {
				t.Fatalf("start %d: schema_migrations %v, want %v", start, got, want)
			}
			if n := countAll(t, scratch(db), nil); n != 20 {
				t.Fatalf("start %d: %d documents, want 20", start, n)
			}
			db.Close()
		}
	})
}

// TestMigrate_UpgradeKeepsRows takes a database left at every older schema
// version, with documents in it, to the latest: the documents are still
// there and readable, filters run on them, and the newer tables work.
func TestMigrate_UpgradeKeepsRows(t *testing.T) {
	t.Parallel()
	latest := store.LatestVersion()
	if latest < 2 {
		t.Fatalf("schema has %d versions; nothing to upgrade from", latest)
	}
	for from := 1; from < latest; from++ {
		t.Run(fmt.Sprintf("from-%d", from), func(t *testing.T) {
			t.Parallel()
			backendDSNs(t, func(t *testing.T, dsn string) {
				old, err := store.OpenAt(t.Context(), dsn, from)
				if err != nil {
					t.Fatalf("open at version %d: %v", from, err)
				}
				if got := appliedVersions(t, old); len(got) != from || got[len(got)-1] != from {
					t.Fatalf("database at version %d has %v", from, got)
				}
				seedBeforeViews(t, old, 60)
				old.Close()

				db := openDB(t, dsn)
				if got, want := appliedVersions(t, db), versionsUpTo(latest); !slices.Equal(got, want) {
					t.Fatalf("after upgrade: schema_migrations %v, want %v", got, want)
				}
				c := scratch(db)
				c.SetView(recordView(1))
				if n := countAll(t, c, nil); n != 60 {
					t.Fatalf("after upgrade: %d documents, want 60", n)
				}
				even := query.Filter{{Path: []string{"instantiationState"}, Op: query.Eq, Values: []string{"INSTANTIATED"}}}
				if n := countAll(t, c, even); n != 30 {
					t.Fatalf("after upgrade: filter keeps %d, want 30", n)
				}
				got, err := c.Get(t.Context(), "r-00007")
				if err != nil || !reflect.DeepEqual(got.Doc, newRecord(7)) || got.Version != 1 {
					t.Fatalf("after upgrade: %+v %v", got, err)
				}
				if _, err := c.Update(t.Context(), "r-00007", 1, func(r *record) error { r.Size = -1; return nil }); err != nil {
					t.Fatalf("update after upgrade: %v", err)
				}
				if _, err := c.Create(t.Context(), "new", &record{ID: "new"}); err != nil {
					t.Fatalf("create after upgrade: %v", err)
				}
				// Rows from before the view columns have no view until
				// they are written again; listed, they are converted.
				if views := listAllViews(t, c, nil); views.stale != 59 || len(views.ids) != 61 {
					t.Fatalf("after upgrade: %d views, %d of them converted; want 61 and 59", len(views.ids), views.stale)
				}
				if n, err := c.RefreshViews(t.Context(), 7); n != 59 || err != nil {
					t.Fatalf("refresh after upgrade: %d views stored, %v; want 59", n, err)
				}
				if views := listAllViews(t, c, nil); views.stale != 0 || len(views.ids) != 61 {
					t.Fatalf("after refresh: %d views, %d of them converted; want 61 and 0", len(views.ids), views.stale)
				}
			})
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// seedBeforeViews stores n records as a build whose schema has no views did.
func seedBeforeViews(t *testing.T, db *store.DB, n int) {
	for i := range n {
		r := newRecord(i)
		if err := store.InsertBeforeViews(t.Context(), db, store.TableScratch, r.ID, mustJSON(t, r)); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
}

// TestMigrate_ConcurrentStarts starts several processes on one fresh
// database at once, as replicas rolled out together do: every start
// succeeds and each migration is recorded once.
func TestMigrate_ConcurrentStarts(t *testing.T) {
	t.Parallel()
	const replicas, rounds = 4, 3
	backendDSNs(t, func(t *testing.T, dsn string) {
		for round := range rounds {
			if round > 0 {
				dsn = freshDSN(t, dsn)
			}
			var ready, wg sync.WaitGroup
			ready.Add(replicas)
			errs := make(chan error, replicas)
			for range replicas {
				wg.Go(func() {
					ready.Done()
					ready.Wait() // start together
					db, err := store.Open(t.Context(), dsn, "")
					if err == nil {
						err = jobs.Migrate(t.Context(), db)
						db.Close()
					}
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("round %d: a concurrent start failed: %v", round, err)
				}
			}
			db := openDB(t, dsn)
			if got, want := appliedVersions(t, db), versionsUpTo(store.LatestVersion()); !slices.Equal(got, want) {
				t.Fatalf("round %d: schema_migrations %v, want %v", round, got, want)
			}
			db.Close()
		}
	})
}

// TestMigrate_NewerSchemaRefused starts this build on a database a newer
// build has migrated: the start fails with ErrSchemaTooNew, naming both
// versions, and leaves the database as it was.
func TestMigrate_NewerSchemaRefused(t *testing.T) {
	t.Parallel()
	backendDSNs(t, func(t *testing.T, dsn string) {
		newer := openDB(t, dsn)
		seed(t, scratch(newer), 5)
		future := store.LatestVersion() + 1
		if err := newer.Gorm.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`,
			future, "from a newer build").Error; err != nil {
			t.Fatal(err)
		}
		want := appliedVersions(t, newer)

		db, err := store.Open(t.Context(), dsn, "")
		if err == nil {
			db.Close()
			t.Fatal("opened a database whose schema is newer than this build's")
		}
		if !errors.Is(err, store.ErrSchemaTooNew) ||
			!strings.Contains(err.Error(), fmt.Sprint(future)) ||
			!strings.Contains(err.Error(), fmt.Sprint(store.LatestVersion())) {
			t.Fatalf("error %q does not say the schema is newer, with both versions", err)
		}
		if got := appliedVersions(t, newer); !slices.Equal(got, want) {
			t.Fatalf("schema_migrations changed by the refused start: %v, want %v", got, want)
		}
		if n := countAll(t, scratch(newer), nil); n != 5 {
			t.Fatalf("%d documents after the refused start, want 5", n)
		}
	})
}

// backendDSNs runs fn once per database kind with the DSN of a fresh,
// empty database.
func backendDSNs(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, "sqlite://"+filepath.Join(t.TempDir(), "test.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, testenv.Postgres(t))
	})
}

// freshDSN returns another fresh database of the same kind as dsn.
func freshDSN(t *testing.T, dsn string) string {
	if strings.HasPrefix(dsn, "sqlite://") {
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	return testenv.Postgres(t)
}

// startProcess opens dsn as a process starts: store, then job queue.
func startProcess(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db := openDB(t, dsn)
	if err := jobs.Migrate(t.Context(), db); err != nil {
		t.Fatalf("job queue migrations: %v", err)
	}
	return db
}

func appliedVersions(t *testing.T, db *store.DB) []int {
	t.Helper()
	var vs []int
	if err := db.Gorm.Raw(`SELECT version FROM schema_migrations ORDER BY version`).Scan(&vs).Error; err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return vs
}

func versionsUpTo(n int) []int {
	vs := make([]int, n)
	for i := range vs {
		vs[i] = i + 1
	}
	return vs
}

func countAll(t *testing.T, c *store.Collection[record], f query.Filter) int {
	t.Helper()
	n := 0
	var after int64
	for {
		p, err := c.List(context.Background(), f, after, 25)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		n += len(p.Items)
		if p.Next == 0 {
			return n
		}
		after = p.Next
	}
}

// TestMigrate_JSONBKeepsSeq upgrades a SQLite database across the JSONB
// rebuild of its tables (migration 7) after the newest document was
// deleted: the next document does not get the deleted one's seq, so
// paging markers issued before the upgrade still mean what they meant.
func TestMigrate_JSONBKeepsSeq(t *testing.T) {
	t.Parallel()
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "t.db")
	old, err := store.OpenAt(t.Context(), dsn, 6)
	if err != nil {
		t.Fatal(err)
	}
	seedBeforeViews(t, old, 10)
	if err := old.Gorm.Exec(`DELETE FROM ` + store.TableScratch + ` WHERE id = 'r-00009'`).Error; err != nil {
		t.Fatal(err)
	}
	old.Close()

	db := openDB(t, dsn)
	m, err := scratch(db).Create(t.Context(), "new", &record{ID: "new"})
	if err != nil || m.Seq != 11 {
		t.Fatalf("after the upgrade a new document has seq %d (%v), want 11", m.Seq, err)
	}
	var typ string
	if err := db.Gorm.Raw(`SELECT typeof(doc) FROM ` + store.TableScratch + ` WHERE id = 'r-00003'`).Scan(&typ).Error; err != nil || typ != "blob" {
		t.Fatalf("an upgraded document is stored as %q (%v), want JSONB, a blob", typ, err)
	}
}
