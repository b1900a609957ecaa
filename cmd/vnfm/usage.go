package main

import (
	"context"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// localSource names the standalone VNFM's own instances in its catalogue's
// package references.
const localSource = "local"

// localUsage keeps a standalone VNFM's catalogue's package usage from the
// engine's events, in the transaction of each change: no notification
// needs to travel when the catalogue and the instances share a database.
type localUsage struct{ cat *catalog.Service }

var _ lcm.Notifier = localUsage{}

// LCMEvent records an instance's creation, deletion, and the end of an
// operation that may have moved it to another VNFD.
func (l localUsage) LCMEvent(ctx context.Context, ev lcm.Event) error {
	inst := ev.Instance
	switch ev.Kind {
	case lcm.EventInstanceCreated:
		return l.cat.Use(ctx, catalog.Reference{InstanceID: inst.ID, VNFDID: inst.VNFDID, Source: localSource})
	case lcm.EventInstanceDeleted:
		return l.cat.Release(ctx, inst.ID, localSource)
	case lcm.EventOpStateChanged:
		if op := ev.Op; op.State.Final() && (op.Operation == lcm.OpModifyInfo || op.Operation == lcm.OpChangeVNFPkg) {
			return l.cat.Use(ctx, catalog.Reference{InstanceID: inst.ID, VNFDID: inst.VNFDID, Source: localSource})
		}
	}
	return nil
}

// reconcile brings the catalogue's references in step with the engine's
// instances: those created before usage was tracked, or by a process that
// did not track it.
func (l localUsage) reconcile(ctx context.Context, instances *store.Collection[lcm.VNFInstance]) error {
	listedAt := time.Now()
	live := map[string]string{}
	var after int64
	for {
		p, err := instances.List(ctx, nil, after, 500)
		if err != nil {
			return err
		}
		for _, it := range p.Items {
			live[it.ID] = it.Doc.VNFDID
		}
		if p.Next == 0 {
			break
		}
		after = p.Next
	}
	return l.cat.Reconcile(ctx, localSource, live, listedAt)
}
