package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// The VNFD of the package the usage tests onboard.
const usageVNFD = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"

var usageBackends = []struct {
	name string
	dsn  func(t testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "c.db") }},
	{"postgres", func(t testing.TB) string { return testenv.Postgres(t) }},
}

// usageService is a catalogue on dsn with one onboarded package, whose id
// it returns. Jobs are not worked: the test processes the package itself.
func usageService(t testing.TB, dsn string) (*Service, string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(ctx, db, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewService(db, runner, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	data, err := csartest.Build(benchSource, csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.Create(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Upload(ctx, it.ID, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := s.Process(ctx, it.ID, nil); err != nil {
		t.Fatal(err)
	}
	return s, it.ID
}

func usageOf(t *testing.T, s *Service, id string) UsageState {
	t.Helper()
	it, err := s.packages.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it.Doc.UsageState
}

func wantUsage(t *testing.T, s *Service, id string, want UsageState) {
	t.Helper()
	if got := usageOf(t, s, id); got != want {
		t.Fatalf("usageState %s, want %s", got, want)
	}
}

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestUsage: a package is IN_USE while an instance refers to it, may be
// disabled but not deleted then, and instances once gone stay gone.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, b := range usageBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, id := usageService(t, b.dsn(t))
			wantUsage(t, s, id, NotInUse)
			ref := func(inst string) Reference { return Reference{InstanceID: inst, VNFDID: usageVNFD, Source: "vnfm-a"} }

			mustDo(t, s.Use(ctx, ref("i1")))
			wantUsage(t, s, id, InUse)
			mustDo(t, s.Use(ctx, ref("i1"))) // a repeated notification
			mustDo(t, s.Use(ctx, ref("i2")))
			refs, err := s.References(ctx, usageVNFD)
			if err != nil || len(refs) != 2 || refs[0].PackageID != id {
				t.Fatalf("references %+v %v", refs, err)
			}

			disabled := Disabled
			if _, err := s.Modify(ctx, id, 0, Modification{OperationalState: &disabled}); err == nil {
				t.Fatal("a package never enabled is already DISABLED")
			}
			enabled := Enabled
			mustDo(t, modifyErr(s.Modify(ctx, id, 0, Modification{OperationalState: &enabled})))
			mustDo(t, modifyErr(s.Modify(ctx, id, 0, Modification{OperationalState: &disabled})))
			if err := s.Delete(ctx, id); !errors.Is(err, ErrStateConflict) {
				t.Fatalf("delete while IN_USE: %v", err)
			}

			mustDo(t, s.Release(ctx, "i1", "vnfm-a"))
			wantUsage(t, s, id, InUse)
			mustDo(t, s.Release(ctx, "i2", "vnfm-a"))
			wantUsage(t, s, id, NotInUse)
			mustDo(t, s.Use(ctx, ref("i1"))) // late creation notification
			wantUsage(t, s, id, NotInUse)

			mustDo(t, s.Release(ctx, "i3", "vnfm-a")) // deletion before creation
			mustDo(t, s.Use(ctx, ref("i3")))
			wantUsage(t, s, id, NotInUse)

			mustDo(t, s.Use(ctx, ref("i4")))
			wantUsage(t, s, id, InUse)
			mustDo(t, s.Use(ctx, Reference{InstanceID: "i4", VNFDID: "another-vnfd", Source: "vnfm-a"}))
			wantUsage(t, s, id, NotInUse)

			if err := s.Use(ctx, Reference{InstanceID: "i5"}); !errors.Is(err, ErrInvalidReference) {
				t.Fatalf("reference without vnfdId: %v", err)
			}
			mustDo(t, s.Delete(ctx, id))
		})
	}
}

func modifyErr(_ store.Item[Package], err error) error { return err }

// TestUsage_Reconcile: a listing releases what it no longer has and adds
// what it has, but leaves alone what notifications wrote after it was
// taken, and touches only its own source's references.
func TestUsage_Reconcile(t *testing.T) {
	t.Parallel()
	for _, b := range usageBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, id := usageService(t, b.dsn(t))
			use := func(inst, source string) {
				mustDo(t, s.Use(ctx, Reference{InstanceID: inst, VNFDID: usageVNFD, Source: source}))
			}
			use("a", "vnfm-a")
			use("other", "vnfm-b")
			listedAt := time.Now()
			time.Sleep(2 * time.Millisecond) // "late" must be written after the listing, even at µs precision
			use("late", "vnfm-a")
			mustDo(t, s.Reconcile(ctx, "vnfm-a", map[string]string{"b": usageVNFD}, listedAt))
			live := map[string]bool{}
			refs, err := s.References(ctx, usageVNFD)
			mustDo(t, err)
			for _, r := range refs {
				live[r.InstanceID] = true
			}
			if fmt.Sprint(live) != fmt.Sprint(map[string]bool{"b": true, "late": true, "other": true}) {
				t.Fatalf("live references %v", live)
			}
			a, err := s.usage.Get(ctx, "a")
			if err != nil || !a.Doc.Gone {
				t.Fatalf("a: %+v %v", a.Doc, err)
			}
			mustDo(t, s.Reconcile(ctx, "vnfm-a", nil, time.Now()))
			wantUsage(t, s, id, InUse) // vnfm-b's
			mustDo(t, s.Reconcile(ctx, "", nil, time.Now()))
			wantUsage(t, s, id, NotInUse)
			// Long-gone references are pruned.
			mustDo(t, s.Reconcile(ctx, "vnfm-a", nil, time.Now().Add(GonePruneAfter+time.Minute)))
			if _, err := s.usage.Get(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a not pruned: %v", err)
			}
		})
	}
}

// TestUsage_Concurrent: instances created and deleted at once leave the
// usage state equal to whether a reference remains.
func TestUsage_Concurrent(t *testing.T) {
	t.Parallel()
	for _, b := range usageBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, id := usageService(t, b.dsn(t))
			for round := range 3 {
				keep := round%2 == 0
				var wg sync.WaitGroup
				errs := make(chan error, 16)
				for i := range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						inst := fmt.Sprintf("r%d-i%d", round, i)
						if err := s.Use(ctx, Reference{InstanceID: inst, VNFDID: usageVNFD, Source: "v"}); err != nil {
							errs <- err
							return
						}
						if keep && i == 0 {
							return
						}
						errs <- s.Release(ctx, inst, "v")
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					mustDo(t, err)
				}
				want := NotInUse
				if keep {
					want = InUse
				}
				wantUsage(t, s, id, want)
				mustDo(t, s.Release(ctx, fmt.Sprintf("r%d-i0", round), "v"))
				wantUsage(t, s, id, NotInUse)
			}
		})
	}
}

// BenchmarkReconcile reconciles a listing of 2,000 instances of one
// package: first against no references (each is recorded and the package
// recounted), then again in the steady state, which needs no transaction.
func BenchmarkReconcile(b *testing.B) {
	for _, be := range usageBackends {
		b.Run(be.name, func(b *testing.B) {
			s, _ := usageService(b, be.dsn(b))
			live := map[string]string{}
			for i := range 2000 {
				live[fmt.Sprintf("i%05d", i)] = usageVNFD
			}
			ctx := context.Background()
			start := time.Now()
			mustDo(b, s.Reconcile(ctx, "v", live, time.Now()))
			first := time.Since(start)
			for b.Loop() {
				mustDo(b, s.Reconcile(ctx, "v", live, time.Now()))
			}
			b.ReportMetric(float64(first.Milliseconds()), "first-ms")
		})
	}
}
