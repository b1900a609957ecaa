package catalog

import "context"

// EventKind says what happened to a package.
type EventKind string

// Event kinds, as SOL 005's notifications distinguish them.
const (
	// EventOnboarded: the package reached ONBOARDED.
	EventOnboarded EventKind = "ONBOARDED"
	// EventOperationalStateChanged: it was enabled or disabled.
	EventOperationalStateChanged EventKind = "OP_STATE_CHANGE"
	// EventDeleted: it was deleted.
	EventDeleted EventKind = "PKG_DELETE"
)

// Event is a change of a package that subscribers may be told of. Package
// is the record after the change (before it, for EventDeleted).
type Event struct {
	Kind    EventKind
	Package Package
}

// Notifier is told of every event in the transaction of the change, so a
// notification exists exactly when the change committed. The API layer
// implements it: it knows the subscriptions' filters and the wire form.
type Notifier interface {
	PackageEvent(ctx context.Context, ev Event) error
}

// SetNotifier makes n receive the catalogue's events. Call it before the
// service handles requests.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

func (s *Service) emit(ctx context.Context, kind EventKind, p Package) error {
	if s.notifier == nil {
		return nil
	}
	return s.notifier.PackageEvent(ctx, Event{Kind: kind, Package: p})
}
