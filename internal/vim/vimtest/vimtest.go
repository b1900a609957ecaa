// Package vimtest owns the behaviour suite every vim.Driver runs: Exercise deploys, scales,
// heals, operates and deletes VNFs through the driver against a real VIM, repeats each step to
// check idempotency, resumes with a fresh driver after an interrupted call, and checks through
// the harness that a rollback (delete) leaves nothing behind.
package vimtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Harness is what a driver's test gives the suite.
type Harness struct {
	// Driver under test.
	Driver vim.Driver
	// NewDriver returns another driver on the same VIM, as a restarted process has.
	NewDriver func(t *testing.T) vim.Driver
	// Spec returns the spec of a new VNF instance. Its first VDU is the one the suite
	// scales; it should start with one instance per VDU.
	Spec func(t *testing.T, vnfInstanceID string) *vim.Spec
	// Leftovers lists what the VIM still holds of the VNF, found without the driver.
	Leftovers func(ctx context.Context, t *testing.T, h vim.Handle) []string
	// Zones are two or more availability zones of the VIM with room for the spec, for the
	// zone placement subtest.
	Zones []string
	// Timeout bounds each subtest (default 3 minutes).
	Timeout time.Duration
}

// Exercise runs the suite. setup is called once per subtest, so it may create per-test
// resources; subtests run in parallel.
func Exercise(t *testing.T, setup func(t *testing.T) *Harness) {
	t.Helper()
	tests := []struct {
		name string
		run  func(*testing.T, *bundle)
	}{
		{name: "HandleIsPure", run: testHandleIsPure},
		{name: "DeployObserve", run: testDeployObserve},
		{name: "DeployTwice", run: testDeployTwice},
		{name: "ScaleOutIn", run: testScaleOutIn},
		{name: "ScaleUnknownVDU", run: testScaleUnknownVDU},
		{name: "Heal", run: testHeal},
		{name: "OperateStopStart", run: testOperate},
		{name: "Delete", run: testDelete},
		{name: "ResumeAfterCrash", run: testResumeAfterCrash},
		{name: "RollbackLeavesNothing", run: testRollback},
		{name: "ContextCancelled", run: testContextCancelled},
		{name: "ForeignHandle", run: testForeignHandle},
		{name: "Zones", run: testZones},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newBundle(t, setup))
		})
	}
}

// bundle is one subtest's harness and VNF.
type bundle struct {
	*Harness
	ctx  context.Context
	spec *vim.Spec
	h    vim.Handle
}

func newBundle(t *testing.T, setup func(t *testing.T) *Harness) *bundle {
	t.Helper()
	h := setup(t)
	timeout := h.Timeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	b := &bundle{Harness: h, ctx: ctx, spec: h.Spec(t, NewInstanceID())}
	handle, err := h.Driver.NewHandle(b.spec)
	if err != nil {
		t.Fatalf("NewHandle: %v", err)
	}
	b.h = persisted(t, handle)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := h.Driver.Delete(ctx, b.h); err != nil {
			t.Errorf("cleanup: delete: %v", err)
		}
	})
	return b
}

// NewInstanceID returns a random UUID-shaped VNF instance ID.
func NewInstanceID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// persisted round-trips a handle through JSON, as the engine's database does.
func persisted(t *testing.T, h vim.Handle) vim.Handle {
	t.Helper()
	raw, err := json.Marshal(h)
	if err != nil {
		t.Fatalf("marshal handle: %v", err)
	}
	var out vim.Handle
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("unmarshal handle: %v", err)
	}
	return out
}

func (b *bundle) deploy(t *testing.T) {
	t.Helper()
	if err := b.Driver.Deploy(b.ctx, b.h, b.spec); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
}

func (b *bundle) observe(t *testing.T) *vim.State {
	t.Helper()
	st, err := b.Driver.Observe(b.ctx, b.h)
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	return st
}

// checkInstances checks that each VDU has want[vdu] ready instances (the spec's counts
// for VDUs not in want).
func (b *bundle) checkInstances(t *testing.T, st *vim.State, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, c := range st.VNFCs {
		if !c.Ready {
			t.Errorf("vnfc %s of %s not ready (phase %s)", c.ID, c.VDUID, c.Phase)
		}
		if c.ResourceID == "" {
			t.Errorf("vnfc %s has no resource id", c.ID)
		}
		got[c.VDUID]++
	}
	for _, v := range b.spec.VDUs {
		n, ok := want[v.ID]
		if !ok {
			n = v.Replicas
		}
		if got[v.ID] != n {
			t.Errorf("vdu %s: %d ready instances, want %d (all: %+v)", v.ID, got[v.ID], n, st.VNFCs)
		}
	}
}

func vnfcIDs(st *vim.State) []string {
	ids := make([]string, 0, len(st.VNFCs))
	for _, c := range st.VNFCs {
		ids = append(ids, c.ID)
	}
	sort.Strings(ids)
	return ids
}

func firstVDU(b *bundle) string { return b.spec.VDUs[0].ID }

func testHandleIsPure(t *testing.T, b *bundle) {
	again, err := b.Driver.NewHandle(b.spec)
	if err != nil {
		t.Fatalf("NewHandle: %v", err)
	}
	if !reflect.DeepEqual(persisted(t, again), b.h) {
		t.Errorf("NewHandle is not deterministic: %+v then %+v", b.h, again)
	}
	if b.h.VNFInstanceID != b.spec.VNFInstanceID || b.h.Version < 1 || b.h.Driver == "" {
		t.Errorf("handle %+v does not name the driver, version and instance", b.h)
	}
	if _, err := b.Driver.Observe(b.ctx, b.h); !errors.Is(err, vim.ErrNotFound) {
		t.Errorf("Observe before Deploy: %v, want ErrNotFound", err)
	}
}

func testDeployObserve(t *testing.T, b *bundle) {
	b.deploy(t)
	st := b.observe(t)
	b.checkInstances(t, st, nil)
	for _, v := range b.spec.VDUs {
		vs, ok := st.VDUs[v.ID]
		if !ok || vs.Desired != v.Replicas || vs.Ready != v.Replicas || vs.ResourceID == "" {
			t.Errorf("vdu %s state %+v, want %d desired and ready", v.ID, vs, v.Replicas)
		}
	}
	if st.Stopped {
		t.Error("a deployed vnf reports stopped")
	}
}

func testDeployTwice(t *testing.T, b *bundle) {
	b.deploy(t)
	before := vnfcIDs(b.observe(t))
	b.deploy(t)
	after := b.observe(t)
	b.checkInstances(t, after, nil)
	if !reflect.DeepEqual(before, vnfcIDs(after)) {
		t.Errorf("a second Deploy replaced instances: %v then %v", before, vnfcIDs(after))
	}
}

func testScaleOutIn(t *testing.T, b *bundle) {
	b.deploy(t)
	vdu := firstVDU(b)
	for _, n := range []int{3, 3, 1, 1} { // each step twice: idempotent
		if err := b.Driver.Scale(b.ctx, b.h, vdu, n); err != nil {
			t.Fatalf("Scale to %d: %v", n, err)
		}
		st := b.observe(t)
		b.checkInstances(t, st, map[string]int{vdu: n})
		if st.VDUs[vdu].Desired != n {
			t.Errorf("desired %d after scale to %d", st.VDUs[vdu].Desired, n)
		}
	}
}

func testScaleUnknownVDU(t *testing.T, b *bundle) {
	b.deploy(t)
	if err := b.Driver.Scale(b.ctx, b.h, "no-such-vdu", 2); !errors.Is(err, vim.ErrNotFound) {
		t.Errorf("Scale of an unknown vdu: %v, want ErrNotFound", err)
	}
	if err := b.Driver.Scale(b.ctx, b.h, firstVDU(b), -1); !errors.Is(err, vim.ErrPermanent) {
		t.Errorf("Scale to -1: %v, want ErrPermanent", err)
	}
}

func testHeal(t *testing.T, b *bundle) {
	if !b.Driver.Capabilities().LiveHeal {
		t.Skip("driver cannot replace instances (Capabilities.LiveHeal is false)")
	}
	b.deploy(t)
	victim := b.observe(t).VNFCs[0]
	for range 2 { // the second call finds the instance already replaced
		if err := b.Driver.Heal(b.ctx, b.h, []string{victim.ID}); err != nil {
			t.Fatalf("Heal: %v", err)
		}
	}
	st := b.observe(t)
	b.checkInstances(t, st, nil)
	for _, c := range st.VNFCs {
		if c.ResourceID == victim.ResourceID {
			t.Errorf("instance %s (%s) was not replaced", c.ID, c.ResourceID)
		}
	}
}

// testOperate stops and starts a VNF, scales it while stopped, and converges it while
// stopped. A driver that keeps stopped instances must bring back the same ones (same
// resource ids) powered off, then on; any other leaves none while stopped.
func testOperate(t *testing.T, b *bundle) {
	keeps := b.Driver.Capabilities().StopKeepsInstances
	b.deploy(t)
	vdu := firstVDU(b)
	if err := b.Driver.Scale(b.ctx, b.h, vdu, 2); err != nil {
		t.Fatalf("Scale: %v", err)
	}
	running := resourceIDs(b.observe(t))
	b.operateTwice(t, vim.Stopped)
	b.checkStopped(t, "stopped", keeps, running, 2)

	// Scaling a stopped VNF changes the count the start brings back, nothing else.
	if err := b.Driver.Scale(b.ctx, b.h, vdu, 3); err != nil {
		t.Fatalf("Scale while stopped: %v", err)
	}
	b.checkStopped(t, "scaled while stopped", keeps, running, 3)
	b.operateTwice(t, vim.Started)
	st := b.observe(t)
	if st.Stopped {
		t.Error("started vnf reports stopped")
	}
	b.checkInstances(t, st, map[string]int{vdu: 3})
	if keeps {
		started := resourceIDs(st)
		for id := range running {
			if !started[id] {
				t.Errorf("instance %s was stopped and is gone after the start", id)
			}
		}
	}

	// A converge while stopped keeps the VNF stopped; its counts are the ones Start restores.
	running = resourceIDs(st)
	b.operateTwice(t, vim.Stopped)
	b.deploy(t)
	b.checkStopped(t, "deployed while stopped", keeps, running, b.spec.VDUs[0].Replicas)
	b.operateTwice(t, vim.Started)
	b.checkInstances(t, b.observe(t), nil)
}

// checkStopped checks a stopped VNF: desired count of the first VDU, no instance asked to
// run, and either exactly the kept instances, none ready, or no instance at all.
func (b *bundle) checkStopped(t *testing.T, step string, keeps bool, kept map[string]bool, desired int) {
	t.Helper()
	st := b.observe(t)
	vdu := firstVDU(b)
	if !st.Stopped || st.VDUs[vdu].Desired != desired || st.VDUs[vdu].Replicas != 0 {
		t.Errorf("%s: stopped=%v, vdu %+v; want stopped, desired %d, 0 replicas", step, st.Stopped, st.VDUs[vdu], desired)
	}
	if !keeps {
		if len(st.VNFCs) != 0 {
			t.Errorf("%s: %d instances, want none", step, len(st.VNFCs))
		}
		return
	}
	if got := resourceIDs(st); !reflect.DeepEqual(got, kept) {
		t.Errorf("%s: instances %v, want the kept %v", step, got, kept)
	}
	for _, c := range st.VNFCs {
		if c.Ready {
			t.Errorf("%s: instance %s is ready (phase %s), want powered off", step, c.ID, c.Phase)
		}
	}
}

func resourceIDs(st *vim.State) map[string]bool {
	out := map[string]bool{}
	for _, c := range st.VNFCs {
		out[c.ResourceID] = true
	}
	return out
}

func (b *bundle) operateTwice(t *testing.T, to vim.OperationalState) {
	t.Helper()
	for range 2 {
		if err := b.Driver.Operate(b.ctx, b.h, to); err != nil {
			t.Fatalf("Operate(%s): %v", to, err)
		}
	}
}

func testDelete(t *testing.T, b *bundle) {
	b.deploy(t)
	for range 2 {
		if err := b.Driver.Delete(b.ctx, b.h); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}
	b.checkGone(t, b.Driver)
}

func (b *bundle) checkGone(t *testing.T, d vim.Driver) {
	t.Helper()
	if _, err := d.Observe(b.ctx, b.h); !errors.Is(err, vim.ErrNotFound) {
		t.Errorf("Observe after Delete: %v, want ErrNotFound", err)
	}
	if left := b.Leftovers(b.ctx, t, b.h); len(left) > 0 {
		t.Errorf("left behind after Delete: %v", left)
	}
}

// interruptedDeploy starts a Deploy and cancels it part way, as a crash would stop it.
func (b *bundle) interruptedDeploy(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(b.ctx)
	time.AfterFunc(30*time.Millisecond, cancel)
	err := b.Driver.Deploy(ctx, b.h, b.spec)
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Deploy: %v, want nil or context.Canceled", err)
	}
}

func testResumeAfterCrash(t *testing.T, b *bundle) {
	b.interruptedDeploy(t)
	restarted := b.NewDriver(t)
	h := persisted(t, b.h)
	if err := restarted.Deploy(b.ctx, h, b.spec); err != nil {
		t.Fatalf("Deploy after restart: %v", err)
	}
	st, err := restarted.Observe(b.ctx, h)
	if err != nil {
		t.Fatalf("Observe after restart: %v", err)
	}
	b.checkInstances(t, st, nil)
}

func testRollback(t *testing.T, b *bundle) {
	b.interruptedDeploy(t)
	restarted := b.NewDriver(t)
	if err := restarted.Delete(b.ctx, persisted(t, b.h)); err != nil {
		t.Fatalf("Delete after an interrupted Deploy: %v", err)
	}
	b.checkGone(t, restarted)
}

func testContextCancelled(t *testing.T, b *bundle) {
	b.deploy(t)
	ctx, cancel := context.WithCancel(b.ctx)
	cancel()
	vdu := firstVDU(b)
	calls := []struct {
		name string
		call func() error
	}{
		{name: "Deploy", call: func() error { return b.Driver.Deploy(ctx, b.h, b.spec) }},
		{name: "Scale", call: func() error { return b.Driver.Scale(ctx, b.h, vdu, 2) }},
		{name: "Heal", call: func() error { return b.Driver.Heal(ctx, b.h, []string{"x"}) }},
		{name: "Operate", call: func() error { return b.Driver.Operate(ctx, b.h, vim.Stopped) }},
		{name: "Observe", call: func() error { _, err := b.Driver.Observe(ctx, b.h); return err }},
		{name: "Delete", call: func() error { return b.Driver.Delete(ctx, b.h) }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", c.name, err)
		}
	}
	b.checkInstances(t, b.observe(t), nil) // nothing changed
}

func testForeignHandle(t *testing.T, b *bundle) {
	foreign := b.h
	foreign.Driver = "not-" + b.h.Driver
	if _, err := b.Driver.Observe(b.ctx, foreign); !errors.Is(err, vim.ErrPermanent) {
		t.Errorf("Observe with another driver's handle: %v, want ErrPermanent", err)
	}
	future := b.h
	future.Version = b.h.Version + 100
	if err := b.Driver.Deploy(b.ctx, future, b.spec); !errors.Is(err, vim.ErrPermanent) {
		t.Errorf("Deploy with a handle from the future: %v, want ErrPermanent", err)
	}
}

func testZones(t *testing.T, b *bundle) {
	switch {
	case !b.Driver.Capabilities().Zones:
		t.Skip("driver does not place by zone (Capabilities.Zones is false)")
	case len(b.Zones) < 2:
		t.Skip("harness names fewer than two zones of the VIM")
	}
	zone := b.Zones[len(b.Zones)-1]
	b.spec.VDUs[0].Zones = []string{zone}
	b.deploy(t)
	vdu := firstVDU(b)
	if err := b.Driver.Scale(b.ctx, b.h, vdu, 2); err != nil {
		t.Fatalf("Scale: %v", err)
	}
	st := b.observe(t)
	b.checkInstances(t, st, map[string]int{vdu: 2})
	for _, c := range st.VNFCs {
		if c.VDUID == vdu && c.Zone != zone {
			t.Errorf("instance %s of %s in zone %q, want %q", c.ID, vdu, c.Zone, zone)
		}
	}
}
