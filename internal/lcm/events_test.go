package lcm

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// recorder keeps the events it is told of.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) LCMEvent(_ context.Context, ev Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := string(ev.Kind)
	if ev.Op != nil {
		s = string(ev.Op.Operation) + " " + string(ev.Op.State)
	}
	r.events = append(r.events, s)
	return nil
}

func TestEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	rec := &recorder{}
	b.svc.SetNotifier(rec)
	ctx := t.Context()
	noJob := func(context.Context) error { return nil }
	id := b.create(t)
	it, err := b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.drv.FailNext("Deploy", errVIM)
	if err := b.svc.run(ctx, it.ID, noJob); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Rollback(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.run(ctx, it.ID, noJob); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	want := []string{"INSTANCE_CREATED", "INSTANTIATE STARTING", "INSTANTIATE PROCESSING", "INSTANTIATE FAILED_TEMP",
		"INSTANTIATE ROLLING_BACK", "INSTANTIATE ROLLED_BACK", "INSTANCE_DELETED"}
	if !slices.Equal(rec.events, want) {
		t.Fatalf("events\n%v\nwant\n%v", rec.events, want)
	}
}
