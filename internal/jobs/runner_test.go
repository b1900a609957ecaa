package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/cadenza-mano/cadenza/internal/jobs"
)

func TestInsertTx(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := openStore(t, be.dsn(t))
			createEffects(t, db)
			w := &effectWorker{db: db}
			r := newRunner(t, db, jobs.Options{}, w)

			var rolledBack *rivertype.JobRow
			err := db.Tx(ctx, func(ctx context.Context) error {
				var err error
				rolledBack, err = r.InsertTx(ctx, effectArgs{Key: "rolled-back"}, nil)
				if err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("rolled-back transaction: %v", err)
			}
			var committed *rivertype.JobRow
			err = db.Tx(ctx, func(ctx context.Context) error {
				var err error
				committed, err = r.InsertTx(ctx, effectArgs{Key: "committed"}, nil)
				return err
			})
			if err != nil {
				t.Fatalf("committed transaction: %v", err)
			}
			start(t, r)

			row := waitState(t, r, committed.ID, rivertype.JobStateCompleted, 30*time.Second)
			if row.Attempt != 1 {
				t.Errorf("committed job ran %d attempts, want 1", row.Attempt)
			}
			// SQLite may give the committed job the rolled-back one's ID,
			// so count the rows and check which job ran.
			if n := countJobs(t, db); n != 1 {
				t.Errorf("%d job rows, want 1 (the rolled-back insert left %d)", n, rolledBack.ID)
			}
			if !strings.Contains(string(row.EncodedArgs), `"committed"`) {
				t.Errorf("completed job has args %s, want the committed one", row.EncodedArgs)
			}
			if n := countEffects(t, db); n != 1 {
				t.Errorf("%d effects, want 1 (the committed job's)", n)
			}
			if n := w.waitCompletions(1, 30*time.Second); n != 1 {
				t.Errorf("%d completions, want 1", n)
			}
		})
	}
}

func TestInsertTxNeedsTransaction(t *testing.T) {
	t.Parallel()
	db := openStore(t, backends[0].dsn(t))
	r := newRunner(t, db, jobs.Options{}, &effectWorker{db: db})
	if _, err := r.InsertTx(t.Context(), effectArgs{Key: "x"}, nil); !errors.Is(err, jobs.ErrNoTx) {
		t.Fatalf("InsertTx without a transaction: got %v, want ErrNoTx", err)
	}
}

// TestCompleteTxRollsBackWithState checks that a job whose final
// transaction fails is not completed: it is retried, and its effect lands
// once.
func TestCompleteTxRollsBackWithState(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			db := openStore(t, be.dsn(t))
			createEffects(t, db)
			w := &failOnceWorker{effectWorker: effectWorker{db: db}}
			r := newRunner(t, db, jobs.Options{}, w)
			start(t, r)
			row, err := r.Insert(t.Context(), effectArgs{Key: "k"}, nil)
			if err != nil {
				t.Fatalf("insert: %v", err)
			}
			// The first attempt fails after CompleteTx; its retry is
			// scheduled about a second later by River's default policy.
			row = waitState(t, r, row.ID, rivertype.JobStateCompleted, 60*time.Second)
			if row.Attempt != 2 {
				t.Errorf("job completed at attempt %d, want 2", row.Attempt)
			}
			if n := countEffects(t, db); n != 1 {
				t.Errorf("%d effects, want 1", n)
			}
		})
	}
}

// failOnceWorker completes the job and records the effect, then fails the
// transaction on the first attempt, so both are rolled back.
type failOnceWorker struct {
	effectWorker
}

func (w *failOnceWorker) Work(ctx context.Context, job *river.Job[effectArgs]) error {
	if job.Attempt > 1 {
		return w.effectWorker.Work(ctx, job)
	}
	return w.db.Tx(ctx, func(ctx context.Context) error {
		if err := jobs.CompleteTx(ctx, job); err != nil {
			return err
		}
		return fmt.Errorf("attempt %d: %w", job.Attempt, errRollback)
	})
}
