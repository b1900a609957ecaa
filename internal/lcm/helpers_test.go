package lcm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/lcm/lcmtest"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Package sources, relative to this directory.
const (
	manifestsCNF   = "../../testdata/packages/cnf-manifests"
	manifestsEntry = "Definitions/cnf.yaml"
	manifestsVNFD  = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"
)

// dirSource serves packages from source directories, by vnfdId.
type dirSource struct {
	mu   sync.Mutex
	pkgs map[string]*Package
}

func (d *dirSource) add(t testing.TB, dir, entry string) *Package {
	t.Helper()
	p, err := LoadPackageDir(t.Context(), dir, entry)
	if err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pkgs[p.VNFD.ID] = p
	return p
}

func (d *dirSource) Package(_ context.Context, vnfdID string) (*Package, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.pkgs[vnfdID]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("vnfd %s: %w", vnfdID, ErrPackage)
}

type testBundle struct {
	svc    *Service
	drv    *lcmtest.Driver
	runner *jobs.Runner
	pkgs   *dirSource
}

// setup returns an engine over a fresh SQLite database and a fake
// driver; with work false its jobs are queued but never worked.
func setup(t testing.TB, work bool) *testBundle {
	t.Helper()
	return setupOn(t, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), work)
}

// backends are the databases the engine runs on, by name: each gives
// the DSN of a fresh database.
var backends = []struct {
	name string
	dsn  func(testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "t.db") }},
	{"postgres", testenv.Postgres},
}

// setupOn is setup on the database dsn names; opts change the engine's
// options (another granter, say) before it is made.
func setupOn(t testing.TB, dsn string, work bool, opts ...func(*Options)) *testBundle {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	b := &testBundle{drv: lcmtest.NewDriver(), runner: runner, pkgs: &dirSource{pkgs: map[string]*Package{}}}
	b.pkgs.add(t, manifestsCNF, manifestsEntry)
	o := Options{Granter: LocalGranter{Logger: quiet}, Packages: b.pkgs, Logger: quiet,
		Drivers: DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return b.drv, nil })}
	for _, f := range opts {
		f(&o)
	}
	b.svc, err = NewService(db, runner, o)
	if err != nil {
		t.Fatal(err)
	}
	if work {
		if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	}
	return b
}

// create makes a NOT_INSTANTIATED instance of the manifests CNF.
func (b *testBundle) create(t testing.TB) string {
	t.Helper()
	it, err := b.svc.Create(t.Context(), CreateRequest{VNFDID: manifestsVNFD, Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	return it.ID
}

// manifests are the instantiation parameters of the manifests CNF.
var manifests = map[string]any{ParamManifests: []any{"Files/kubernetes/deployment.yaml"}}

// wait polls op occ id until it is final or FAILED_TEMP.
func (b *testBundle) wait(t testing.TB, id string) OpOcc {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		it, err := b.svc.OpOccs().Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if it.Doc.State.Final() || it.Doc.State == FailedTemp {
			return it.Doc
		}
		if time.Now().After(deadline) {
			t.Fatalf("op occ %s still %s", id, it.Doc.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ends returns a function that waits for the op occ a start returned and
// fails the test unless it ends in want.
func (b *testBundle) ends(t testing.TB, want OpState) func(store.Item[OpOcc], error) OpOcc {
	return func(it store.Item[OpOcc], err error) OpOcc {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		op := b.wait(t, it.ID)
		if op.State != want {
			t.Fatalf("%s ended %s, want %s (error %+v)", op.Operation, op.State, want, op.Error)
		}
		return op
	}
}

// instance reads instance id.
func (b *testBundle) instance(t testing.TB, id string) VNFInstance {
	t.Helper()
	it, err := b.svc.Instances().Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it.Doc
}

// quiet keeps the engine's and River's logs out of test output.
var quiet = slog.New(slog.DiscardHandler)

var errVIM = vim.Errorf(vim.ErrTransient, "deploy", "vim unreachable")

func isErr(err, want error) bool { return errors.Is(err, want) }
