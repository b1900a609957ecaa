package proctest

import (
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Proc is a command run in a child process: the test binary itself, made
// the command by an environment variable its TestMain looks for.
type Proc struct {
	Cmd    *exec.Cmd
	Logs   *Logs
	name   string
	exited chan struct{}
	err    error
}

// Start runs the test binary with env added to the environment (runAs=1
// among it makes it the command named name) and args, and waits until it
// answers /readyz at base with 200. The process is killed at the test's
// end unless it has exited.
func Start(t *testing.T, name, runAs, base string, env []string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Logs: &Logs{}, name: name, exited: make(chan struct{})}
	p.Cmd = exec.Command(os.Args[0], args...)
	p.Cmd.Env = append(append(os.Environ(), runAs+"=1"), env...)
	p.Cmd.Stderr = p.Logs
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.Cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.Cmd.Process.Kill()
			<-p.exited
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited: %v\n%s", name, p.err, p.Logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready at %s\n%s", name, base, p.Logs)
		}
	}
}

// WaitLog polls until the process has logged a record match accepts.
func (p *Proc) WaitLog(t *testing.T, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if r := p.Logs.Find(match); r != nil {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log %s:\n%s", what, p.Logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Wait returns the process's exit error once it has exited.
func (p *Proc) Wait(t *testing.T) error {
	t.Helper()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not exit\n%s", p.name, p.Logs)
		return nil
	}
}
