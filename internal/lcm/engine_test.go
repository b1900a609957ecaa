package lcm

import (
	"context"
	"testing"
	"time"
)

func TestLifecycle(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			lifecycle(t, setupOn(t, be.dsn(t), true))
		})
	}
}

// TestOneOperationAtATime starts operations on one instance from many
// goroutines at once: exactly one may win, the others get ErrBusy.
func TestOneOperationAtATime(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := setupOn(t, be.dsn(t), false)
			id := b.create(t)
			const n = 8
			errs := make(chan error, n)
			for range n {
				go func() {
					_, err := b.svc.Instantiate(t.Context(), id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
					errs <- err
				}()
			}
			won := 0
			for range n {
				switch err := <-errs; {
				case err == nil:
					won++
				case !isErr(err, ErrBusy):
					t.Errorf("loser got %v, want ErrBusy", err)
				}
			}
			if won != 1 {
				t.Fatalf("%d operations started, want 1", won)
			}
		})
	}
}

// lifecycle runs an instance through every operation.
func lifecycle(t *testing.T, b *testBundle) {
	ctx := t.Context()
	id := b.create(t)

	op := b.ends(t, Completed)(b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil))
	inst := b.instance(t, id)
	if inst.InstantiationState != Instantiated || inst.ActiveOpOccID != "" {
		t.Fatalf("after instantiate: %s, busy with %q", inst.InstantiationState, inst.ActiveOpOccID)
	}
	if got := len(inst.Instantiated.VNFCs); got != 1 || len(op.ResourceChanges.Added) != 1 {
		t.Fatalf("after instantiate: %d VNFCs, changes %+v", got, op.ResourceChanges)
	}
	if inst.Instantiated.Handle == nil || inst.Instantiated.ScaleStatus["web_aspect"] != 0 {
		t.Fatalf("instantiated info %+v", inst.Instantiated)
	}

	b.ends(t, Completed)(b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 1}, nil))
	b.wantVNFCs(t, id, 2, "web_aspect", 1)
	b.ends(t, Completed)(b.svc.ScaleToLevel(ctx, id, ScaleToLevelRequest{InstantiationLevelID: "level_2"}, nil))
	b.wantVNFCs(t, id, 3, "web_aspect", 2)
	b.ends(t, Completed)(b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleIn, AspectID: "web_aspect", NumberOfSteps: 2}, nil))
	b.wantVNFCs(t, id, 1, "web_aspect", 0)

	old := b.instance(t, id).Instantiated.VNFCs[0].ID
	healed := b.ends(t, Completed)(b.svc.Heal(ctx, id, HealRequest{VNFCIDs: []string{old}}, nil))
	if len(healed.ResourceChanges.Removed) != 1 || healed.ResourceChanges.Removed[0].ID != old {
		t.Errorf("heal changes %+v, want %s removed", healed.ResourceChanges, old)
	}

	b.ends(t, Completed)(b.svc.Operate(ctx, id, OperateRequest{ChangeStateTo: Stopped}, nil))
	if inst := b.instance(t, id); inst.Instantiated.OperationalState != Stopped || len(inst.Instantiated.VNFCs) != 0 {
		t.Errorf("after stop: %s with %d VNFCs", inst.Instantiated.OperationalState, len(inst.Instantiated.VNFCs))
	}
	b.ends(t, Completed)(b.svc.Operate(ctx, id, OperateRequest{ChangeStateTo: Started}, nil))
	b.wantVNFCs(t, id, 1, "web_aspect", 0)

	b.ends(t, Completed)(b.svc.Terminate(ctx, id, TerminateRequest{Type: Forceful}, nil))
	if inst := b.instance(t, id); inst.InstantiationState != NotInstantiated || b.drv.Exists(id) {
		t.Fatalf("after terminate: %s, on vim %v", inst.InstantiationState, b.drv.Exists(id))
	}
	if err := b.svc.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) wantVNFCs(t *testing.T, id string, n int, aspect string, level int) {
	t.Helper()
	info := b.instance(t, id).Instantiated
	if len(info.VNFCs) != n || info.ScaleStatus[aspect] != level {
		t.Fatalf("%d VNFCs at %s level %d, want %d at level %d", len(info.VNFCs), aspect, info.ScaleStatus[aspect], n, level)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, false) // jobs stay queued: the first operation stays in flight
	ctx := t.Context()
	id := b.create(t)
	inst := InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"scale before instantiate", func() error {
			_, err := b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleOut, AspectID: "web_aspect"}, nil)
			return err
		}, ErrState},
		{"unknown flavour", func() error {
			_, err := b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "nope"}, nil)
			return err
		}, ErrInvalid},
		{"unknown level", func() error {
			_, err := b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", InstantiationLevelID: "x"}, nil)
			return err
		}, ErrInvalid},
		{"unknown vnfd", func() error {
			_, err := b.svc.Create(ctx, CreateRequest{VNFDID: "missing"})
			return err
		}, ErrPackage},
		{"first instantiate", func() error { _, err := b.svc.Instantiate(ctx, id, inst, nil); return err }, nil},
		{"second operation", func() error { _, err := b.svc.Instantiate(ctx, id, inst, nil); return err }, ErrBusy},
		{"delete while busy", func() error { return b.svc.Delete(ctx, id) }, ErrBusy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.want == nil && err != nil || tt.want != nil && !isErr(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFaultRetry(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	id := b.create(t)
	b.drv.FailNext("Deploy", errVIM)
	op := b.ends(t, FailedTemp)(b.svc.Instantiate(t.Context(), id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil))
	if op.Error == nil || op.Error.Status != 503 {
		t.Fatalf("error %+v, want a 503 problem", op.Error)
	}
	if inst := b.instance(t, id); inst.ActiveOpOccID != op.ID {
		t.Fatalf("instance busy with %q during FAILED_TEMP, want %s", inst.ActiveOpOccID, op.ID)
	}
	b.ends(t, Completed)(b.svc.Retry(t.Context(), op.ID))
	if inst := b.instance(t, id); inst.InstantiationState != Instantiated || len(inst.Instantiated.VNFCs) != 1 {
		t.Fatalf("after retry: %+v", inst)
	}
}

func TestFaultRollback(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := t.Context()
	id := b.create(t)
	// Deploy creates the resources, then observing them fails.
	b.drv.FailNext("Observe", errVIM)
	op := b.ends(t, FailedTemp)(b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil))
	if !b.drv.Exists(id) {
		t.Fatal("deploy left nothing on the vim; the rollback would prove nothing")
	}
	b.ends(t, RolledBack)(b.svc.Rollback(ctx, op.ID))
	if b.drv.Exists(id) {
		t.Fatal("rollback left vim resources behind")
	}
	if inst := b.instance(t, id); inst.InstantiationState != NotInstantiated || inst.ActiveOpOccID != "" {
		t.Fatalf("after rollback: %s, busy with %q", inst.InstantiationState, inst.ActiveOpOccID)
	}
}

func TestScaleRollbackAndFail(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := t.Context()
	id := b.create(t)
	b.ends(t, Completed)(b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil))
	b.drv.FailNext("Observe", nil)    // the look before scaling succeeds,
	b.drv.FailNext("Observe", errVIM) // the one after the scale took effect fails
	op := b.ends(t, FailedTemp)(b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 3}, nil))
	if n := b.drv.Pods(id); n != 4 {
		t.Fatalf("%d pods on the vim after the failed scale, want 4", n)
	}
	if _, err := b.svc.Fail(ctx, "nope"); err == nil {
		t.Error("fail of an unknown op occ succeeded")
	}
	b.ends(t, RolledBack)(b.svc.Rollback(ctx, op.ID))
	b.wantVNFCs(t, id, 1, "web_aspect", 0)

	b.drv.FailNext("Heal", errVIM)
	op = b.ends(t, FailedTemp)(b.svc.Heal(ctx, id, HealRequest{}, nil))
	if _, err := b.svc.Rollback(ctx, op.ID); !isErr(err, ErrState) {
		t.Fatalf("rollback of heal: %v, want ErrState", err)
	}
	failed, err := b.svc.Fail(ctx, op.ID)
	if err != nil || failed.Doc.State != Failed {
		t.Fatalf("fail: %v, %s", err, failed.Doc.State)
	}
	if inst := b.instance(t, id); inst.ActiveOpOccID != "" {
		t.Fatal("instance still busy after fail")
	}
}

func TestRunTwiceIsHarmless(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := t.Context()
	id := b.create(t)
	it, err := b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
	if err != nil {
		t.Fatal(err)
	}
	noJob := func(context.Context) error { return nil }
	for range 2 {
		if err := b.svc.run(ctx, it.ID, noJob); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.drv.Count("Deploy"); n != 1 {
		t.Errorf("Deploy called %d times, want once", n)
	}
	if op := b.wait(t, it.ID); op.State != Completed {
		t.Fatalf("state %s", op.State)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := t.Context()
	id := b.create(t)
	it, err := b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Cancel(ctx, it.ID, "GRACEFUL"); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.run(ctx, it.ID, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if op := b.wait(t, it.ID); op.State != RolledBack {
		t.Fatalf("cancelled STARTING op is %s, want ROLLED_BACK", op.State)
	}
	if b.drv.Count("Deploy") != 0 || b.instance(t, id).ActiveOpOccID != "" {
		t.Fatal("cancelled operation touched the vim or kept the instance")
	}
	if _, err := b.svc.Cancel(ctx, it.ID, "GRACEFUL"); !isErr(err, ErrState) {
		t.Fatalf("cancel of a final op: %v", err)
	}
}

func TestCancelInterruptsVIMCall(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := t.Context()
	id := b.create(t)
	b.drv.HangNext("Deploy")
	it, err := b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for !b.deployStarted(t, it.ID) {
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := b.svc.Cancel(ctx, it.ID, "FORCEFUL"); err != nil {
		t.Fatal(err)
	}
	op := b.wait(t, it.ID)
	if op.State != FailedTemp || op.Error == nil || op.Error.Status != 409 {
		t.Fatalf("cancelled op is %s with %+v, want FAILED_TEMP with a 409 problem", op.State, op.Error)
	}
	b.ends(t, RolledBack)(b.svc.Rollback(ctx, it.ID))
}

// deployStarted reports whether op occ id has recorded its Handle, which
// it does right before Deploy.
func (b *testBundle) deployStarted(t *testing.T, id string) bool {
	it, err := b.svc.OpOccs().Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it.Doc.Handle != nil
}
