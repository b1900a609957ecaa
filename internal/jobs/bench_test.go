package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/jobs"
)

// BenchmarkInsertAndRun measures one job from its insert in a store
// transaction to the end of its worker's completing transaction, one job
// at a time: the latency a state change waits for its work to be done.
func BenchmarkInsertAndRun(b *testing.B) {
	cases := []struct {
		name    string
		backend backend
		opts    jobs.Options
	}{
		{"sqlite", backends[0], jobs.Options{}},
		{"postgres-listen", backends[1], jobs.Options{}},
		{"postgres-poll-100ms", backends[1], jobs.Options{PollOnly: true, PollInterval: 100 * time.Millisecond}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			db := openStore(b, c.backend.dsn(b))
			createEffects(b, db)
			w := &effectWorker{db: db, done: make(chan int64, 1)}
			r := newRunner(b, db, c.opts, w)
			start(b, r)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				err := db.Tx(context.Background(), func(ctx context.Context) error {
					_, err := r.InsertTx(ctx, effectArgs{Key: fmt.Sprint(i)}, nil)
					return err
				})
				if err != nil {
					b.Fatalf("insert: %v", err)
				}
				<-w.done
			}
		})
	}
}
