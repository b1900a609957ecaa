//go:build e2e

package lcm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
)

// Settings of TestConcurrentInstantiations: how many instantiations it
// starts at once (default 1000, the goal), how many job workers
// run them (default as many: with fewer, the instantiations are not all
// concurrent), the database ("postgres", or SQLite), and the
// Kubernetes client's request rate (default 1000 a second).
const (
	envConcurrentN       = "CADENZA_LCM_CONCURRENT_N"
	envConcurrentWorkers = "CADENZA_LCM_CONCURRENT_WORKERS"
	envConcurrentDB      = "CADENZA_LCM_CONCURRENT_DB"
	envConcurrentQPS     = "CADENZA_LCM_CONCURRENT_QPS"
)

// envInt is the positive integer in environment variable name, or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestConcurrentInstantiations starts many instantiations at once on the
// real Kubernetes control plane and reports how long until every one is
// COMPLETED, then terminates them all. It loads the control plane, hence
// the e2e tag.
func TestConcurrentInstantiations(t *testing.T) {
	cfg := testenv.Kubernetes(t)
	// The client's own rate limit, not the engine or the API server, would
	// be measured at the test default of 100 requests a second: each
	// instantiation lists and watches its workloads until they are ready.
	cfg.QPS, cfg.Burst = float32(envInt(envConcurrentQPS, 1000)), 2*envInt(envConcurrentQPS, 1000)
	n := envInt(envConcurrentN, 1000)
	workers := envInt(envConcurrentWorkers, n)
	drv, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "t.db")
	if os.Getenv(envConcurrentDB) == "postgres" {
		dsn = testenv.Postgres(t)
	}
	db, err := store.Open(t.Context(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{Queues: map[string]int{jobs.QueueDefault: workers},
		PollInterval: 50 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	b := &testBundle{runner: runner, pkgs: &dirSource{pkgs: map[string]*Package{}}}
	b.pkgs.add(t, manifestsCNF, manifestsEntry)
	b.svc, err = NewService(db, runner, Options{Granter: LocalGranter{Logger: quiet}, Packages: b.pkgs, Logger: quiet,
		Drivers: DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return drv, nil })})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	ids := make([]string, n)
	for i := range ids {
		ids[i] = b.create(t)
	}
	start := time.Now()
	ops := b.startAll(t, ids, func(id string) (string, error) {
		it, err := b.svc.Instantiate(t.Context(), id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
		return it.ID, err
	})
	b.waitAll(t, ops, 10*time.Minute)
	took := time.Since(start)
	t.Logf("%d concurrent instantiations (%d workers, %s): all COMPLETED after %v; %s", n, workers, db.Dialect,
		took.Round(time.Millisecond), b.completions(t, ops, start))
	t.Logf("on the control plane, after the start: %s", planeTimeline(t, cfg, start))

	ops = b.startAll(t, ids, func(id string) (string, error) {
		it, err := b.svc.Terminate(t.Context(), id, TerminateRequest{Type: Forceful}, nil)
		return it.ID, err
	})
	b.waitAll(t, ops, 10*time.Minute)
}

// startAll starts one operation per instance from as many goroutines.
func (b *testBundle) startAll(t *testing.T, ids []string, start func(id string) (string, error)) []string {
	ops := make([]string, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			op, err := start(id)
			if err != nil {
				t.Error(err)
			}
			ops[i] = op
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ops
}

// waitAll waits until every operation is COMPLETED.
func (b *testBundle) waitAll(t *testing.T, ops []string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for _, id := range ops {
		for {
			it, err := b.svc.OpOccs().Get(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if st := it.Doc.State; st == Completed {
				break
			} else if st.Final() || st == FailedTemp {
				t.Fatalf("op %s ended %s: %+v", id, st, it.Doc.Error)
			}
			if time.Now().After(deadline) {
				t.Fatalf("op %s still %s; %s", id, it.Doc.State, b.jobsOf(t, ops))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// completions describes when after start the operations ops completed.
func (b *testBundle) completions(t *testing.T, ops []string, start time.Time) string {
	var took []time.Duration
	for _, id := range ops {
		it, err := b.svc.OpOccs().Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		took = append(took, it.Doc.StateEnteredTime.Sub(start))
	}
	slices.Sort(took)
	return "completed after " + spread(took)
}

// planeTimeline describes when after start the control plane created the
// instances' Deployments and pods, and when those became ready.
func planeTimeline(t *testing.T, cfg *rest.Config, start time.Time) string {
	// The API server keeps times to the second: measured from a start with a fraction,
	// an object made in the start's second would seem made before it.
	start = start.Truncate(time.Second)
	cs, err := k8s.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := metav1.ListOptions{LabelSelector: kubernetes.LabelInstance}
	deps, err := cs.AppsV1().Deployments("").List(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := cs.CoreV1().Pods("").List(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var depCreated, depAvailable, podCreated, podReady []time.Duration
	for _, d := range deps.Items {
		depCreated = append(depCreated, d.CreationTimestamp.Sub(start))
		for _, c := range d.Status.Conditions {
			if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
				depAvailable = append(depAvailable, c.LastTransitionTime.Sub(start))
			}
		}
	}
	for _, p := range pods.Items {
		podCreated = append(podCreated, p.CreationTimestamp.Sub(start))
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				podReady = append(podReady, c.LastTransitionTime.Sub(start))
			}
		}
	}
	return fmt.Sprintf("Deployments created %s, Available %s; pods created %s, Ready %s",
		spread(depCreated), spread(depAvailable), spread(podCreated), spread(podReady))
}

// spread is the p10, p50, p90 and last of ds, in whole seconds (the
// resolution of Kubernetes timestamps).
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1))].Round(time.Second) }
	return fmt.Sprintf("%d: p10 %v, p50 %v, p90 %v, last %v", len(ds), at(0.1), at(0.5), at(0.9), at(1))
}

// jobsOf describes where the jobs of ops stand, for a wait that timed out:
// operations by state, and the queue's jobs by state with their last error.
func (b *testBundle) jobsOf(t *testing.T, ops []string) string {
	states := map[OpState]int{}
	for _, id := range ops {
		if it, err := b.svc.OpOccs().Get(context.Background(), id); err == nil {
			states[it.Doc.State]++
		}
	}
	var rows []struct {
		State   string
		N       int
		Attempt int
		Errors  string
	}
	err := b.svc.db.Gorm.Raw(`SELECT state, count(*) AS n, max(attempt) AS attempt, max(cast(errors AS text)) AS errors
		FROM river_job GROUP BY state`).Scan(&rows).Error
	return fmt.Sprintf("operations by state %v; jobs %+v (%v)", states, rows, err)
}
