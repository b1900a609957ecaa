package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// envCrashChild, when set to a DSN, turns the test binary into the process
// that the crash test kills: it works jobs on that database and blocks in
// the first one.
const envCrashChild = "CADENZA_JOBS_CRASH_CHILD_DSN"

// envCrashChildLeads makes the child take part in leader election, so that
// the process killed is the one that runs maintenance.
const envCrashChildLeads = "CADENZA_JOBS_CRASH_CHILD_LEADS"

// blockedLine is what the child prints once it is inside the job.
const blockedLine = "blocked in job"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envCrashChild); dsn != "" {
		os.Exit(runCrashChild(dsn))
	}
	os.Exit(m.Run())
}

// runCrashChild works jobs until it is killed. Unless envCrashChildLeads
// is set it stays out of leader election: a killed leader keeps its lease
// for River's leadership TTL (about 15 s), which would only slow the test,
// whose subject is the rescue of the job; the e2e suite kills a leader.
func runCrashChild(dsn string) int {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "open store:", err)
		return 2
	}
	r, err := jobs.New(ctx, db, jobs.Options{
		NoMaintenance: os.Getenv(envCrashChildLeads) == "",
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err == nil {
		err = jobs.AddWorker(r, &blockingWorker{})
	}
	if err == nil {
		err = r.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		return 2
	}
	select {} // until SIGKILL
}

// blockingWorker announces that it is in the job and never returns.
type blockingWorker struct {
	river.WorkerDefaults[effectArgs]
}

func (*blockingWorker) Work(ctx context.Context, _ *river.Job[effectArgs]) error {
	fmt.Println(blockedLine)
	<-ctx.Done()
	select {} // only SIGKILL ends it
}

func TestCrashedJobRunsAgainToCompletion(t *testing.T) {
	testCrashedJob(t, false)
}

// testCrashedJob kills a runner with SIGKILL inside a job and checks that a
// new runner on the same database completes the job once. With childLeads
// the killed runner was the maintenance leader.
func testCrashedJob(t *testing.T, childLeads bool) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			db := openStore(t, dsn)
			createEffects(t, db)
			w := &effectWorker{db: db}
			const rescueAfter = time.Second
			r := newRunner(t, db, jobs.Options{JobTimeout: rescueAfter / 2, RescueStuckJobsAfter: rescueAfter}, w)
			job, err := r.Insert(t.Context(), effectArgs{Key: "crash"}, nil)
			if err != nil {
				t.Fatalf("insert: %v", err)
			}

			killChildInJob(t, dsn, childLeads)
			running := waitState(t, r, job.ID, rivertype.JobStateRunning, time.Second)
			// The rescuer looks at once when the runner starts and then
			// only every 30 s, so start when the job is already overdue.
			time.Sleep(time.Until(running.AttemptedAt.Add(rescueAfter + 100*time.Millisecond)))
			start(t, r)

			// A killed leader's lease must run out before the new runner
			// leads and rescues.
			row := waitState(t, r, job.ID, rivertype.JobStateCompleted, 2*time.Minute)
			if row.Attempt != 2 {
				t.Errorf("job completed at attempt %d, want 2 (1 killed, 1 rescued)", row.Attempt)
			}
			if n := w.waitCompletions(1, 30*time.Second); n != 1 {
				t.Errorf("%d completions, want 1", n)
			}
			if n := countEffects(t, db); n != 1 {
				t.Errorf("%d effects, want 1", n)
			}
		})
	}
}

// killChildInJob runs the test binary as a runner on dsn, waits until it
// is inside the job, and kills it with SIGKILL.
func killChildInJob(t *testing.T, dsn string, leads bool) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+dsn)
	if leads {
		cmd.Env = append(cmd.Env, envCrashChildLeads+"=1")
	}
	cmd.Stderr = t.Output()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("child stdout: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if err := waitLine(lines, blockedLine, 30*time.Second); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
}

func waitLine(lines <-chan string, want string, d time.Duration) error {
	timeout := time.After(d)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return fmt.Errorf("exited before printing %q", want)
			}
			if strings.Contains(l, want) {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("did not print %q within %v", want, d)
		}
	}
}
