package lcm

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
)

// envCrashChild, when set to a DSN, turns the test binary into the VNFM
// that the crash test kills: it works the engine's jobs on that database
// and blocks once its first Deploy has changed the VIM.
const envCrashChild = "CADENZA_LCM_CRASH_CHILD_DSN"

// blockedLine is what the child prints once the VIM has its resources.
const blockedLine = "deployed, now blocking"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envCrashChild); dsn != "" {
		os.Exit(runCrashChild(dsn))
	}
	os.Exit(m.Run())
}

// blockingDriver deploys, says so, and never returns from Deploy.
type blockingDriver struct{ vim.Driver }

func (d blockingDriver) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	if err := d.Driver.Deploy(ctx, h, spec); err != nil {
		return err
	}
	fmt.Println(blockedLine)
	select {} // only SIGKILL ends it
}

func runCrashChild(dsn string) int {
	ctx := context.Background()
	fail := func(what string, err error) int {
		fmt.Fprintln(os.Stderr, what+":", err)
		return 2
	}
	path := os.Getenv(testenv.EnvKubeconfig)
	if path == "" {
		path = os.Getenv("KUBECONFIG")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return fail("kubeconfig", err)
	}
	drv, err := kubernetes.New(cfg, kubernetes.Options{})
	if err != nil {
		return fail("driver", err)
	}
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		return fail("store", err)
	}
	r, err := jobs.New(ctx, db, jobs.Options{NoMaintenance: true, Logger: quiet})
	if err != nil {
		return fail("runner", err)
	}
	pkg, err := LoadPackageDir(ctx, manifestsCNF, manifestsEntry)
	if err != nil {
		return fail("package", err)
	}
	_, err = NewService(db, r, Options{Granter: LocalGranter{Logger: quiet}, Logger: quiet,
		Packages: &dirSource{pkgs: map[string]*Package{pkg.VNFD.ID: pkg}},
		Drivers:  DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return blockingDriver{drv}, nil })})
	if err == nil {
		err = r.Start(ctx)
	}
	if err != nil {
		return fail("engine", err)
	}
	select {} // until SIGKILL
}

// TestCrashDuringInstantiate kills the VNFM with SIGKILL once an
// instantiation has created its resources on a real Kubernetes control
// plane; another VNFM on the same database then finishes the operation
// from where it was, and the VIM ends with one copy of the VNF.
func TestCrashDuringInstantiate(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	drv, err := kubernetes.New(cfg, kubernetes.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(t.Context(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const jobTimeout, rescueAfter = 15 * time.Second, 16 * time.Second
	runner, err := jobs.New(t.Context(), db, jobs.Options{JobTimeout: jobTimeout, RescueStuckJobsAfter: rescueAfter, Logger: quiet})
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
	id := b.create(t)
	it, err := b.svc.Instantiate(t.Context(), id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
	if err != nil {
		t.Fatal(err)
	}

	killChildInDeploy(t, dsn)
	job := opJob(t, runner)
	if job.State != rivertype.JobStateRunning {
		t.Fatalf("job is %s after the kill, want running", job.State)
	}
	// The rescuer looks when the runner starts, then every 30 s: start
	// once the job is overdue.
	time.Sleep(time.Until(job.AttemptedAt.Add(rescueAfter + 100*time.Millisecond)))
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	deadline := time.Now().Add(2 * time.Minute)
	for opJob(t, runner).State != rivertype.JobStateCompleted && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	op := b.wait(t, it.ID)
	if op.State != Completed {
		t.Fatalf("after the crash the operation ended %s (%+v)", op.State, op.Error)
	}
	if job := opJob(t, runner); job.Attempt != 2 {
		t.Errorf("job completed at attempt %d, want 2 (1 killed, 1 rescued)", job.Attempt)
	}
	checkOneCopy(t, id)
	inst := b.instance(t, id)
	if inst.Instantiated == nil || inst.Instantiated.Handle == nil || string(inst.Instantiated.Handle.State) != string(op.Handle.State) {
		t.Fatalf("instance handle %+v, op handle %+v", inst.Instantiated, op.Handle)
	}
	b.ends(t, Completed)(b.svc.Terminate(t.Context(), id, TerminateRequest{Type: Forceful}, nil))
}

// opJob is the engine's one job.
func opJob(t *testing.T, r *jobs.Runner) *rivertype.JobRow {
	t.Helper()
	res, err := r.Client().JobList(t.Context(), river.NewJobListParams().Kinds(OpArgs{}.Kind()))
	if err != nil || len(res.Jobs) != 1 {
		t.Fatalf("jobs: %v, %d", err, len(res.Jobs))
	}
	return res.Jobs[0]
}

// checkOneCopy checks that the VNF has one namespace with one ready pod.
func checkOneCopy(t *testing.T, id string) {
	t.Helper()
	cs := k8s.NewForConfigOrDie(testenv.Kubernetes(t))
	nss, err := cs.CoreV1().Namespaces().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ns := range nss.Items {
		if strings.Contains(ns.Name, id) {
			n++
		}
	}
	d, err := cs.AppsV1().Deployments("vnf-"+id).Get(t.Context(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || *d.Spec.Replicas != 1 || d.Status.ReadyReplicas != 1 {
		t.Fatalf("%d namespaces, deployment %d/%d ready", n, d.Status.ReadyReplicas, *d.Spec.Replicas)
	}
}

// killChildInDeploy runs the test binary as a VNFM on dsn, waits until its
// Deploy has changed the VIM, and kills it with SIGKILL.
func killChildInDeploy(t *testing.T, dsn string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	blocked := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == blockedLine {
				blocked <- true
			}
		}
		close(blocked)
	}()
	select {
	case ok := <-blocked:
		if !ok {
			t.Fatal("child ended before deploying")
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("child never deployed")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want SIGKILL", cmd.ProcessState)
	}
}
