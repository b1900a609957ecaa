package lcm

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkOperationOverhead measures the MANO's own cost of one LCM
// operation with a VIM that does nothing: starting it (occurrence, lock
// and job in one transaction) and running it (grant, plan, the driver
// calls, the final transaction), excluding the wait for the job queue to
// pick it up. Operations alternate scale out and scale in on one instance.
// It runs on each database backend.
func BenchmarkOperationOverhead(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchOperationOverhead(b, be.dsn(b)) })
	}
}

func benchOperationOverhead(b *testing.B, dsn string) {
	tb := setupOn(b, dsn, false)
	ctx := b.Context()
	id := tb.create(b)
	noJob := func(context.Context) error { return nil }
	run := func(start func() (string, error)) {
		opID, err := start()
		if err != nil {
			b.Fatal(err)
		}
		if err := tb.svc.run(ctx, opID, noJob); err != nil {
			b.Fatal(err)
		}
	}
	run(func() (string, error) {
		it, err := tb.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
		return it.ID, err
	})
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	i := 0
	for b.Loop() {
		typ := ScaleOut
		if i%2 == 1 {
			typ = ScaleIn
		}
		i++
		t0 := time.Now()
		run(func() (string, error) {
			it, err := tb.svc.Scale(ctx, id, ScaleRequest{Type: typ, AspectID: "web_aspect", NumberOfSteps: 1}, nil)
			return it.ID, err
		})
		took = append(took, time.Since(t0))
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/1000/float64(len(took)), "cpu-ms/op")
	reportPercentiles(b, took)
}

// cpuTime is the CPU time this process has used, user and system. On a
// shared machine it measures the work of an operation where its latency
// also measures the wait for a core; a database server's own work, in
// its own process, is not in it.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkOperationThroughQueue measures one operation from the request
// to COMPLETED through the durable job queue, with a VIM that does
// nothing: the overhead above plus the queue's pick-up latency.
func BenchmarkOperationThroughQueue(b *testing.B) {
	tb := setup(b, true)
	ctx := b.Context()
	id := tb.create(b)
	it, err := tb.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
	if err != nil {
		b.Fatal(err)
	}
	tb.wait(b, it.ID)
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		typ := ScaleOut
		if i%2 == 1 {
			typ = ScaleIn
		}
		i++
		t0 := time.Now()
		it, err := tb.svc.Scale(ctx, id, ScaleRequest{Type: typ, AspectID: "web_aspect", NumberOfSteps: 1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if op := tb.waitFast(b, it.ID); op.State != Completed {
			b.Fatalf("state %s", op.State)
		}
		took = append(took, time.Since(t0))
	}
	reportPercentiles(b, took)
}

// waitFast polls op occ id every 200 µs until it is final or FAILED_TEMP.
func (b *testBundle) waitFast(tb testing.TB, id string) OpOcc {
	tb.Helper()
	for {
		it, err := b.svc.OpOccs().Get(tb.Context(), id)
		if err != nil {
			tb.Fatal(err)
		}
		if it.Doc.State.Final() || it.Doc.State == FailedTemp {
			return it.Doc
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func reportPercentiles(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
