package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// TestTwoRunnersRunEachJobOnce runs 200 jobs with two runners, each with its
// own connection pool as two replicas would have, on one database.
func TestTwoRunnersRunEachJobOnce(t *testing.T) {
	t.Parallel()
	const n = 200
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			db := openStore(t, dsn)
			createEffects(t, db)
			workers := []*effectWorker{{db: db}, {db: openStore(t, dsn)}}
			var runners []*jobs.Runner
			for _, w := range workers {
				runners = append(runners, newRunner(t, w.db, jobs.Options{}, w))
			}
			err := db.Tx(t.Context(), func(ctx context.Context) error {
				for i := range n {
					if _, err := runners[0].InsertTx(ctx, effectArgs{Key: fmt.Sprint(i)}, nil); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("insert jobs: %v", err)
			}
			for _, r := range runners {
				start(t, r)
			}
			// A liveness bound, not a speed check: on a loaded machine two
			// pools contending for SQLite's one writer lock can take minutes.
			waitCompleted(t, db, n, 5*time.Minute)
			// A worker counts its completion after its transaction commits,
			// so the last counts may trail the rows waitCompleted saw.
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if workers[0].completions.Load()+workers[1].completions.Load() >= n {
					break
				}
			}
			var total int64
			for i, w := range workers {
				if d := w.duplicates.Load(); d != 0 {
					t.Errorf("runner %d ran %d jobs a second time", i, d)
				}
				total += w.completions.Load()
				t.Logf("runner %d completed %d jobs", i, w.completions.Load())
			}
			if total != n {
				t.Errorf("%d completions, want %d", total, n)
			}
			if got := countEffects(t, db); got != n {
				t.Errorf("%d effects, want %d", got, n)
			}
		})
	}
}

func waitCompleted(t *testing.T, db *store.DB, want int64, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var n int64
		if err := db.Gorm.Raw(`SELECT COUNT(*) FROM river_job WHERE state = 'completed'`).Scan(&n).Error; err != nil {
			t.Fatalf("count completed jobs: %v", err)
		}
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs completed after %v", n, want, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
