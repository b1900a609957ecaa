package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// TableUsage keeps the VNF instances' references to packages (created by
// the store's migrations).
const TableUsage = "vnf_package_usage"

// Reference is one VNF instance's use of a package, through the vnfdId the
// instance names (SOL 003 instances name a VNFD, not a package; onboarding
// keeps vnfdIds unique among onboarded packages). Its id is the instance's.
// Instance ids are never reused, so a reference that is Gone stays gone: a
// late or repeated notification of the instance cannot bring it back.
type Reference struct {
	InstanceID string `json:"id"`
	// VNFDID is the VNFD the instance is of; empty once Gone.
	VNFDID string `json:"vnfdId"`
	// PackageID is the package that had VNFDID when the reference was
	// recorded, for the record ("" if none had).
	PackageID string `json:"vnfPkgId,omitempty"`
	// Source names who told of the instance: a VNFM, or "local" in a
	// standalone VNFM. Reconciling with a source's listing touches only
	// its references.
	Source string `json:"source"`
	Gone   bool   `json:"gone,omitempty"`
}

var referenceSchema = query.SchemaOf(Reference{}).Column("id", "id", query.KindString)

// reconcileBatch is how many instances one transaction of a
// reconciliation records.
const reconcileBatch = 200

// GonePruneAfter is how long a Gone reference is kept to absorb late
// notifications of its instance before reconciliation drops it.
const GonePruneAfter = 24 * time.Hour

// Use records that instance ref.InstanceID is of VNFD ref.VNFDID and
// brings the usage state of the packages concerned up to date in the same
// transaction. Recording what is recorded changes nothing, and an instance
// already gone stays gone.
func (s *Service) Use(ctx context.Context, ref Reference) error {
	return s.use(ctx, ref, time.Time{})
}

// use is Use that leaves alone a reference written after notAfter (when
// not zero): what a notification recorded then is newer than a listing.
func (s *Service) use(ctx context.Context, ref Reference, notAfter time.Time) error {
	return s.useAll(ctx, []Reference{ref}, notAfter)
}

// useAll records refs in one transaction, then recounts once each package
// whose references changed.
func (s *Service) useAll(ctx context.Context, refs []Reference, notAfter time.Time) error {
	for i := range refs {
		if refs[i].InstanceID == "" || refs[i].VNFDID == "" {
			return fmt.Errorf("vnf package usage: instance and vnfdId are required: %w", ErrInvalidReference)
		}
		refs[i].Gone = false
	}
	return s.retryRace(ctx, func(ctx context.Context) error {
		touched := map[string]bool{}
		pkgIDs := map[string]string{}
		for _, ref := range refs {
			if _, ok := pkgIDs[ref.VNFDID]; !ok {
				pkgIDs[ref.VNFDID] = s.packageIDOf(ctx, ref.VNFDID)
			}
			ref.PackageID = pkgIDs[ref.VNFDID]
			prev, changed, err := s.record(ctx, ref, notAfter)
			if err != nil {
				return err
			}
			if changed {
				touched[prev], touched[ref.VNFDID] = true, true
			}
		}
		return s.refreshAll(ctx, touched)
	})
}

// record writes ref unless the instance is recorded so, gone, or written
// after notAfter. It returns the vnfdId the instance had ("" if none) and
// whether it wrote.
func (s *Service) record(ctx context.Context, ref Reference, notAfter time.Time) (string, bool, error) {
	old, err := s.usage.Get(ctx, ref.InstanceID)
	if errors.Is(err, store.ErrNotFound) {
		_, err := s.usage.Create(ctx, ref.InstanceID, &ref)
		return "", err == nil, err
	}
	if err != nil || old.Doc.Gone || old.Doc.VNFDID == ref.VNFDID || newer(old.Meta, notAfter) {
		return "", false, err
	}
	_, err = s.usage.UpdateFrom(ctx, old, func(r *Reference) error { *r = ref; return nil })
	return old.Doc.VNFDID, err == nil, err
}

// refreshAll recounts the packages of vnfdIDs in vnfdId order, so that
// transactions recounting several packages take their rows in one order.
func (s *Service) refreshAll(ctx context.Context, vnfdIDs map[string]bool) error {
	for _, v := range slices.Sorted(maps.Keys(vnfdIDs)) {
		if err := s.refreshUsage(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// Release records that instance id is gone and brings its package's usage
// state up to date in the same transaction. An instance never recorded is
// recorded gone, so that a creation notification arriving after its
// deletion's leaves it gone.
func (s *Service) Release(ctx context.Context, instanceID, source string) error {
	return s.release(ctx, instanceID, source, time.Time{})
}

func (s *Service) release(ctx context.Context, instanceID, source string, notAfter time.Time) error {
	return s.retryRace(ctx, func(ctx context.Context) error {
		old, err := s.usage.Get(ctx, instanceID)
		if errors.Is(err, store.ErrNotFound) {
			_, err := s.usage.Create(ctx, instanceID, &Reference{InstanceID: instanceID, Source: source, Gone: true})
			return err
		}
		if err != nil || old.Doc.Gone || newer(old.Meta, notAfter) {
			return err
		}
		if _, err := s.usage.UpdateFrom(ctx, old, func(r *Reference) error {
			r.Gone, r.VNFDID = true, ""
			return nil
		}); err != nil {
			return err
		}
		return s.refreshUsage(ctx, old.Doc.VNFDID)
	})
}

// ErrInvalidReference means a usage record lacks what identifies it.
var ErrInvalidReference = errors.New("invalid vnf package reference")

func newer(m store.Meta, notAfter time.Time) bool {
	return !notAfter.IsZero() && m.UpdatedAt.After(notAfter)
}

// retryRace runs fn in a transaction, again when a concurrent writer of
// the same reference won (PostgreSQL aborts a transaction on a unique
// violation, so each try is a transaction of its own). Inside a caller's
// transaction it runs once: the caller's transaction decides.
func (s *Service) retryRace(ctx context.Context, fn func(ctx context.Context) error) error {
	var err error
	for range 3 {
		err = s.db.Tx(ctx, fn)
		if !errors.Is(err, store.ErrExists) && !errors.Is(err, store.ErrVersionMismatch) {
			return err
		}
		if _, inTx := store.SQLTx(ctx); inTx {
			return err
		}
	}
	return err
}

// packageIDOf is the onboarded package of vnfdID, or "" if there is none
// (the reference still counts once such a package is onboarded).
func (s *Service) packageIDOf(ctx context.Context, vnfdID string) string {
	it, err := s.ByVNFDID(ctx, vnfdID)
	if err != nil {
		return ""
	}
	return it.ID
}

// refreshUsage sets the usage state of vnfdID's onboarded package from the
// references to it. It always writes the package: writers of references to
// one package then serialise on its row, and the one that writes last
// counts after the others committed (a write that lost the race re-reads
// and counts again), so the state is never left stale.
func (s *Service) refreshUsage(ctx context.Context, vnfdID string) error {
	if vnfdID == "" {
		return nil
	}
	pkg, err := s.ByVNFDID(ctx, vnfdID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	before := pkg.Doc.UsageState
	it, err := s.packages.UpdateFrom(ctx, pkg, func(p *Package) error {
		used, err := s.used(ctx, vnfdID)
		p.UsageState = NotInUse
		if used {
			p.UsageState = InUse
		}
		return err
	})
	if err == nil && it.Doc.UsageState != before {
		slog.Default().InfoContext(ctx, "vnf package usage changed", "vnfPkgId", it.ID, "vnfdId", vnfdID,
			"usageState", it.Doc.UsageState)
	}
	return err
}

// used reports whether a live reference names vnfdID.
func (s *Service) used(ctx context.Context, vnfdID string) (bool, error) {
	p, err := s.usage.List(ctx, query.Filter{{Path: []string{"vnfdId"}, Op: query.Eq, Values: []string{vnfdID}}}, 0, 1)
	return len(p.Items) > 0, err
}

// References lists the references to vnfdID's package that are not gone.
func (s *Service) References(ctx context.Context, vnfdID string) ([]Reference, error) {
	f := query.Filter{{Path: []string{"vnfdId"}, Op: query.Eq, Values: []string{vnfdID}}}
	var out []Reference
	err := s.eachReference(ctx, f, func(it store.Item[Reference]) error {
		out = append(out, it.Doc)
		return nil
	})
	return out, err
}

func (s *Service) eachReference(ctx context.Context, f query.Filter, fn func(store.Item[Reference]) error) error {
	var after int64
	for {
		p, err := s.usage.List(ctx, f, after, 500)
		if err != nil {
			return err
		}
		for _, it := range p.Items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if p.Next == 0 {
			return nil
		}
		after = p.Next
	}
}

// Reconcile makes source's references what its listing says: live maps
// each VNF instance the source has to its vnfdId, as listed at or after
// listedAt. References written after listedAt came from notifications
// newer than the listing and are left alone; those the listing no longer
// has are released; gone ones older than GonePruneAfter are dropped.
// Each instance is its own transaction, so a long listing holds no lock.
// An empty source reconciles every reference, whoever told of it: for a
// process that follows one VNFM, which is then the truth for all of them
// (also for references recorded under an address it had before).
func (s *Service) Reconcile(ctx context.Context, source string, live map[string]string, listedAt time.Time) error {
	var stale []store.Item[Reference]
	var f query.Filter
	if source != "" {
		f = query.Filter{{Path: []string{"source"}, Op: query.Eq, Values: []string{source}}}
	}
	// settled are the listed instances recorded as listed (or gone): in a
	// steady state all of them, and they need no transaction.
	settled := map[string]bool{}
	if err := s.eachReference(ctx, f, func(it store.Item[Reference]) error {
		vnfdID, ok := live[it.ID]
		switch {
		case ok:
			settled[it.ID] = it.Doc.Gone || it.Doc.VNFDID == vnfdID
		case !newer(it.Meta, listedAt):
			stale = append(stale, it)
		}
		return nil
	}); err != nil {
		return err
	}
	var errs []error
	var todo []Reference
	for id, vnfdID := range live {
		if !settled[id] {
			todo = append(todo, Reference{InstanceID: id, VNFDID: vnfdID, Source: source})
		}
	}
	// In batches: a transaction and a recount per instance made the
	// first reconciliation of a large VNFM slow.
	for batch := range slices.Chunk(todo, reconcileBatch) {
		errs = append(errs, s.useAll(ctx, batch, listedAt))
	}
	for _, it := range stale {
		if !it.Doc.Gone {
			errs = append(errs, s.release(ctx, it.ID, source, listedAt))
		} else if listedAt.Sub(it.UpdatedAt) > GonePruneAfter {
			errs = append(errs, s.usage.Delete(ctx, it.ID, func(cur store.Item[Reference]) error {
				if !cur.Doc.Gone {
					return fmt.Errorf("reference %s came back: %w", cur.ID, store.ErrVersionMismatch)
				}
				return nil
			}))
		}
	}
	return errors.Join(errs...)
}

// applyUsage sets the usage state of a package being onboarded: instances
// may have been recorded for its vnfdId before (under a package deleted
// since, or while no package had it).
func (s *Service) applyUsage(ctx context.Context, p *Package) error {
	used, err := s.used(ctx, p.VNFDID)
	if used {
		p.UsageState = InUse
	}
	return err
}
