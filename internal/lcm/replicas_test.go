package lcm

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/lcm/lcmtest"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// countingDriver counts Deploy calls per VNF instance.
type countingDriver struct {
	*lcmtest.Driver
	mu      sync.Mutex
	deploys map[string]int
}

func (d *countingDriver) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	d.mu.Lock()
	d.deploys[h.VNFInstanceID]++
	d.mu.Unlock()
	return d.Driver.Deploy(ctx, h, spec)
}

// TestTwoReplicas runs two VNFMs on one PostgreSQL database and many
// concurrent instantiations: every one completes, and each is worked once.
func TestTwoReplicas(t *testing.T) {
	t.Parallel()
	dsn := testenv.Postgres(t)
	drv := &countingDriver{Driver: lcmtest.NewDriver(), deploys: map[string]int{}}
	var svcs []*Service
	for range 2 {
		db, err := store.Open(t.Context(), dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		pkgs := &dirSource{pkgs: map[string]*Package{}}
		pkgs.add(t, manifestsCNF, manifestsEntry)
		svc, err := NewService(db, r, Options{Granter: LocalGranter{Logger: quiet}, Packages: pkgs, Logger: quiet,
			Drivers: DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return drv, nil })})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.WithoutCancel(t.Context())); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Stop(context.Background()) })
		svcs = append(svcs, svc)
	}
	const n = 60
	ops := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			svc := svcs[i%2]
			inst, err := svc.Create(t.Context(), CreateRequest{VNFDID: manifestsVNFD})
			if err != nil {
				t.Error(err)
				return
			}
			op, err := svc.Instantiate(t.Context(), inst.ID, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			ops[i] = op.ID
		})
	}
	wg.Wait()
	b := &testBundle{svc: svcs[0]}
	for _, id := range ops {
		if id == "" {
			continue
		}
		if op := b.wait(t, id); op.State != Completed {
			t.Fatalf("op %s ended %s", id, op.State)
		}
	}
	drv.mu.Lock()
	defer drv.mu.Unlock()
	if len(drv.deploys) != n {
		t.Errorf("%d instances deployed, want %d", len(drv.deploys), n)
	}
	for id, c := range drv.deploys {
		if c != 1 {
			t.Errorf("instance %s deployed %d times", id, c)
		}
	}
}
