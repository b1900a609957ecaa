package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// TestMigrateConcurrently migrates one fresh database from two pools at
// once, as two replicas starting together would, and again afterwards.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			dbs := []*store.DB{openStore(t, dsn), openStore(t, dsn)}
			errs := make([]error, len(dbs))
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() { errs[i] = jobs.Migrate(t.Context(), db) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("migration %d: %v", i, err)
				}
			}
			if err := jobs.Migrate(t.Context(), dbs[0]); err != nil {
				t.Errorf("migrating again: %v", err)
			}
		})
	}
}

// sleepArgs asks a worker to take D, or until its ctx ends.
type sleepArgs struct {
	D time.Duration `json:"d"`
}

func (sleepArgs) Kind() string { return "test_sleep" }

type sleepWorker struct {
	river.WorkerDefaults[sleepArgs]
	started chan struct{}
}

func (w *sleepWorker) Work(ctx context.Context, job *river.Job[sleepArgs]) error {
	close(w.started)
	select {
	case <-time.After(job.Args.D):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestStop(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		job       time.Duration
		shutdown  time.Duration
		wantState rivertype.JobState
	}{
		{"running job finishes", 300 * time.Millisecond, 30 * time.Second, rivertype.JobStateCompleted},
		{"job over the timeout is cancelled and made available again", time.Hour, 200 * time.Millisecond, rivertype.JobStateAvailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := openStore(t, backends[0].dsn(t))
			w := &sleepWorker{started: make(chan struct{})}
			r := newRunner(t, db, jobs.Options{ShutdownTimeout: c.shutdown}, w)
			if err := r.Start(t.Context()); err != nil {
				t.Fatalf("start: %v", err)
			}
			job, err := r.Insert(t.Context(), sleepArgs{D: c.job}, nil)
			if err != nil {
				t.Fatalf("insert: %v", err)
			}
			<-w.started
			if err := r.Stop(context.Background()); err != nil {
				t.Fatalf("stop: %v", err)
			}
			row, err := r.Client().JobGet(context.Background(), job.ID)
			if err != nil {
				t.Fatalf("get job: %v", err)
			}
			if row.State != c.wantState {
				t.Errorf("job is %s after Stop, want %s", row.State, c.wantState)
			}
		})
	}
}
