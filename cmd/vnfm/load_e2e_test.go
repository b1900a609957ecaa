//go:build e2e

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/cmd/internal/proctest"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// envProcessN is how many instantiations TestProcessConcurrentInstantiations starts at once
// (default 1000).
const envProcessN = "CADENZA_VNFM_LOAD_N"

const (
	loadPackage = "../../testdata/packages/cnf-manifests"
	loadVNFD    = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"
)

// TestProcessConcurrentInstantiations runs the vnfm command as an operator would for a
// burst of instantiations: standalone, OAuth 2.0, --job-workers as many as the burst, the
// test control plane as its default VIM at 1,000 requests a second (as the engine's
// TestConcurrentInstantiations). Over HTTP it onboards a CNF package, subscribes a
// receiver to the lifecycle notifications, creates the instances, starts every
// instantiation at once and reports when the receiver had each one's COMPLETED
// notification. Then it terminates and deletes them all, and checks the process logged no
// error.
func TestProcessConcurrentInstantiations(t *testing.T) {
	kubeconfig := os.Getenv(testenv.EnvKubeconfig)
	testenv.Kubernetes(t)
	n := 1000
	if v, err := strconv.Atoi(os.Getenv(envProcessN)); err == nil && v > 0 {
		n = v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	p := proctest.Start(t, "vnfm", runAsVNFM, base, []string{"MANO_LISTEN=" + addr,
		"MANO_DATA_DIR=" + filepath.Join(t.TempDir(), "data"), "MANO_OAUTH_CLIENT=load:load-secret",
		"MANO_JOB_WORKERS=" + strconv.Itoa(n), "MANO_LOG_LEVEL=warn"},
		"--vim-kubeconfig", kubeconfig, "--vim-qps", "1000", "--vim-burst", "2000")
	hc, err := app.PeerClient("load", "load:load-secret", base, "")
	if err != nil {
		t.Fatal(err)
	}
	c := &loadClient{t: t, hc: hc, base: base}
	rcv := newReceiver(t)
	c.onboard()
	c.call(http.MethodPost, "/vnflcm/v1/subscriptions", map[string]any{
		"callbackUri": rcv.url,
		"filter": map[string]any{"notificationTypes": []string{"VnfLcmOperationOccurrenceNotification"},
			"operationStates": []string{"COMPLETED", "FAILED_TEMP"}},
	}, http.StatusCreated, nil)

	ids := make([]string, n)
	c.each(ids, 32, func(i int) {
		var inst struct{ ID string }
		c.call(http.MethodPost, "/vnflcm/v1/vnf_instances", map[string]any{"vnfdId": loadVNFD}, http.StatusCreated, &inst)
		ids[i] = inst.ID
	})
	start := time.Now()
	c.each(ids, n, func(i int) {
		c.call(http.MethodPost, "/vnflcm/v1/vnf_instances/"+ids[i]+"/instantiate", map[string]any{"flavourId": "default",
			"additionalParams": map[string]any{"lcm-kubernetes-def-files": []string{"Files/kubernetes/deployment.yaml"}}},
			http.StatusAccepted, nil)
	})
	accepted := time.Since(start)
	done := rcv.wait(t, "INSTANTIATE", ids, 10*time.Minute)
	t.Logf("%d concurrent instantiations through the vnfm process: all accepted after %s, all COMPLETED after %s; %s; %s",
		n, accepted.Round(time.Millisecond), done[len(done)-1].Sub(start).Round(time.Millisecond), spread(start, done),
		peakMemory(p.Cmd.Process.Pid))

	c.each(ids, n, func(i int) {
		c.call(http.MethodPost, "/vnflcm/v1/vnf_instances/"+ids[i]+"/terminate", map[string]any{"terminationType": "FORCEFUL"},
			http.StatusAccepted, nil)
	})
	rcv.wait(t, "TERMINATE", ids, 10*time.Minute)
	c.each(ids, 32, func(i int) {
		c.call(http.MethodDelete, "/vnflcm/v1/vnf_instances/"+ids[i], nil, http.StatusNoContent, nil)
	})
	if r := p.Logs.Find(func(r map[string]any) bool { return r["level"] == "ERROR" }); r != nil {
		t.Errorf("the vnfm logged an error: %v", r)
	}
}

// peakMemory describes the peak resident memory of process pid, as Linux reports it.
func peakMemory(pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "peak memory unknown"
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return "vnfm peak memory " + strings.Join(strings.Fields(v), " ")
		}
	}
	return "peak memory unknown"
}

// spread describes when operations completed, after start.
func spread(start time.Time, at []time.Time) string {
	q := func(f float64) time.Duration { return at[int(f*float64(len(at)-1))].Sub(start).Round(time.Second) }
	return fmt.Sprintf("completed: p10 %s, p50 %s, p90 %s", q(0.1), q(0.5), q(0.9))
}

// loadClient calls the vnfm's APIs with its OAuth 2.0 client, failing the test on an
// unexpected answer.
type loadClient struct {
	t    *testing.T
	hc   *http.Client
	base string
}

func (c *loadClient) call(method, path string, body any, want int, out any) {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Error(err)
			return
		}
		r = bytes.NewReader(raw)
	}
	c.send(method, path, "application/json", r, want, out)
}

func (c *loadClient) send(method, path, ctype string, body io.Reader, want int, out any) {
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, body)
	if err != nil {
		c.t.Error(err)
		return
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
		return
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Errorf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
		return
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Errorf("%s %s: %v", method, path, err)
		}
	}
}

// each runs fn for every index of ids, at most par at once, and stops the test if any
// call failed.
func (c *loadClient) each(ids []string, par int, fn func(i int)) {
	var g errgroup.Group
	g.SetLimit(par)
	for i := range ids {
		g.Go(func() error { fn(i); return nil })
	}
	_ = g.Wait()
	if c.t.Failed() {
		c.t.FailNow()
	}
}

// onboard uploads the CNF package and enables it.
func (c *loadClient) onboard() {
	zip, err := csartest.Build(loadPackage, csartest.Options{})
	if err != nil {
		c.t.Fatal(err)
	}
	var pkg struct{ ID string }
	c.call(http.MethodPost, "/vnfpkgm/v1/vnf_packages", map[string]any{}, http.StatusCreated, &pkg)
	path := "/vnfpkgm/v1/vnf_packages/" + pkg.ID
	c.send(http.MethodPut, path+"/package_content", "application/zip", bytes.NewReader(zip), http.StatusAccepted, nil)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var info struct{ OnboardingState string }
		c.call(http.MethodGet, path, nil, http.StatusOK, &info)
		if info.OnboardingState == "ONBOARDED" {
			break
		}
		if c.t.Failed() || time.Now().After(deadline) {
			c.t.Fatalf("package %s: %s", pkg.ID, info.OnboardingState)
		}
	}
	c.call(http.MethodPatch, path, map[string]any{"operationalState": "ENABLED"}, http.StatusOK, nil)
}

// receiver is a subscriber's callback endpoint: it records when each operation of each
// instance reached a final state.
type receiver struct {
	url string
	mu  sync.Mutex
	// at holds, by operation and instance, when the COMPLETED notification came.
	at     map[string]map[string]time.Time
	failed []string
	more   chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{at: map[string]map[string]time.Time{}, more: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/notifications"
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	if req.Method == http.MethodGet { // the subscription's callback test
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var n struct {
		Operation, OperationState, VnfInstanceID string
	}
	if err := json.NewDecoder(req.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if n.OperationState == "COMPLETED" {
		if r.at[n.Operation] == nil {
			r.at[n.Operation] = map[string]time.Time{}
		}
		if _, seen := r.at[n.Operation][n.VnfInstanceID]; !seen {
			r.at[n.Operation][n.VnfInstanceID] = time.Now()
		}
	} else {
		r.failed = append(r.failed, n.Operation+" "+n.VnfInstanceID+" "+n.OperationState)
	}
	r.mu.Unlock()
	select {
	case r.more <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}

// wait returns, sorted, when each instance's operation completed, once all have; it fails
// the test on a FAILED_TEMP notification or after timeout.
func (r *receiver) wait(t *testing.T, op string, ids []string, timeout time.Duration) []time.Time {
	t.Helper()
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		failed, got := slices.Clone(r.failed), len(r.at[op])
		r.mu.Unlock()
		if len(failed) > 0 {
			t.Fatalf("operations failed: %v", failed)
		}
		if got == len(ids) {
			break
		}
		select {
		case <-r.more:
		case <-deadline:
			t.Fatalf("%d of %d %s operations COMPLETED after %s", got, len(ids), op, timeout)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]time.Time, 0, len(ids))
	for _, id := range ids {
		at, ok := r.at[op][id]
		if !ok {
			t.Fatalf("no COMPLETED %s notification for instance %s", op, id)
		}
		out = append(out, at)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}
