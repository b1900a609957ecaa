package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// backend is a database the tests run against; dsn makes a fresh one.
type backend struct {
	name string
	dsn  func(t testing.TB) string
}

var backends = []backend{
	{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "jobs.db") }},
	{"postgres", func(t testing.TB) string { return testenv.Postgres(t) }},
}

func openStore(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// createEffects makes the table workers record their effect in; the
// primary key turns a second effect of one job into an error.
func createEffects(t testing.TB, db *store.DB) {
	t.Helper()
	if err := db.Gorm.Exec(`CREATE TABLE IF NOT EXISTS job_effects (job_key TEXT PRIMARY KEY)`).Error; err != nil {
		t.Fatalf("create job_effects: %v", err)
	}
}

func countJobs(t testing.TB, db *store.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Gorm.Raw(`SELECT COUNT(*) FROM river_job`).Scan(&n).Error; err != nil {
		t.Fatalf("count jobs: %v", err)
	}
	return n
}

func countEffects(t testing.TB, db *store.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Gorm.Raw(`SELECT COUNT(*) FROM job_effects`).Scan(&n).Error; err != nil {
		t.Fatalf("count effects: %v", err)
	}
	return n
}

// effectArgs asks for the effect named Key.
type effectArgs struct {
	Key string `json:"key"`
}

func (effectArgs) Kind() string { return "test_effect" }

// effectWorker records the job's effect and completes the job in one
// transaction, counting completions and effects that were already there.
type effectWorker struct {
	river.WorkerDefaults[effectArgs]
	db          *store.DB
	completions atomic.Int64
	duplicates  atomic.Int64
	done        chan int64 // receives each completed job's ID, if not nil
}

func (w *effectWorker) Work(ctx context.Context, job *river.Job[effectArgs]) error {
	err := w.db.Tx(ctx, func(ctx context.Context) error {
		tx, _ := store.SQLTx(ctx)
		q := `INSERT INTO job_effects (job_key) VALUES (` + placeholder(w.db) + `)`
		if _, err := tx.ExecContext(ctx, q, job.Args.Key); err != nil {
			if isUnique(err) {
				w.duplicates.Add(1)
			}
			return err
		}
		return jobs.CompleteTx(ctx, job)
	})
	if err != nil {
		return err
	}
	w.completions.Add(1)
	if w.done != nil {
		w.done <- job.ID
	}
	return nil
}

// waitCompletions returns the worker's completion count once it reaches n
// or d has passed. The count trails the committed row that a test sees
// (the worker adds to it after its transaction), so reading it right
// after the job shows completed can miss the last one.
func (w *effectWorker) waitCompletions(n int64, d time.Duration) int64 {
	deadline := time.Now().Add(d)
	for w.completions.Load() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return w.completions.Load()
}

func placeholder(db *store.DB) string {
	if db.Dialect == query.Postgres {
		return "$1"
	}
	return "?"
}

func isUnique(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "23505")
}

// newRunner returns a runner on db with w registered; it is stopped when
// the test ends.
func newRunner[T river.JobArgs](t testing.TB, db *store.DB, opts jobs.Options, w river.Worker[T]) *jobs.Runner {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	r, err := jobs.New(context.Background(), db, opts)
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	if err := jobs.AddWorker(r, w); err != nil {
		t.Fatalf("add worker: %v", err)
	}
	return r
}

func start(t testing.TB, r *jobs.Runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatalf("start runner: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Stop(context.Background()); err != nil {
			t.Errorf("stop runner: %v", err)
		}
	})
}

// waitState polls until the job reaches want; it fails the test after d.
func waitState(t testing.TB, r *jobs.Runner, id int64, want rivertype.JobState, d time.Duration) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		row, err := r.Client().JobGet(context.Background(), id)
		if err != nil {
			t.Fatalf("get job %d: %v", id, err)
		}
		if row.State == want {
			return row
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s after %v, want %s (errors: %v)", id, row.State, d, want, row.Errors)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var errRollback = errors.New("roll back")
