package lcm

import "context"

// EventKind says what happened.
type EventKind string

// Event kinds: the three kinds of SOL 003 lifecycle notification.
const (
	// EventInstanceCreated: a VNF instance resource was created.
	EventInstanceCreated EventKind = "INSTANCE_CREATED"
	// EventInstanceDeleted: a VNF instance resource was deleted.
	EventInstanceDeleted EventKind = "INSTANCE_DELETED"
	// EventOpStateChanged: an operation occurrence entered a state.
	EventOpStateChanged EventKind = "OP_STATE_CHANGED"
)

// Event is one lifecycle event.
type Event struct {
	Kind     EventKind
	Instance VNFInstance
	// Op is the occurrence, in its new state, for EventOpStateChanged.
	Op *OpOcc
}

// Notifier is told of every event in the transaction of the change, so
// that a notification exists if and only if the change committed.
type Notifier interface {
	LCMEvent(ctx context.Context, ev Event) error
}

// SetNotifier makes n receive the engine's events. Call it before the job
// runner starts.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

// AlsoNotify makes n receive every event too, after the notifier that
// SetNotifier gave and in the same transaction. Call it after SetNotifier.
// A standalone VNFM keeps its own catalogue's package usage with it.
func (s *Service) AlsoNotify(n Notifier) {
	if s.notifier == nil {
		s.notifier = n
		return
	}
	s.notifier = notifiers{s.notifier, n}
}

// notifiers tells each of its notifiers in turn; the first error stops it.
type notifiers []Notifier

func (ns notifiers) LCMEvent(ctx context.Context, ev Event) error {
	for _, n := range ns {
		if err := n.LCMEvent(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// emit tells the notifier, if there is one, of ev.
func (s *Service) emit(ctx context.Context, ev Event) error {
	if s.notifier == nil {
		return nil
	}
	return s.notifier.LCMEvent(ctx, ev)
}

// emitOp tells of op's new state; the instance is read in the same
// transaction.
func (s *Service) emitOp(ctx context.Context, op OpOcc) error {
	if s.notifier == nil {
		return nil
	}
	inst, err := s.instances.Get(ctx, op.VNFInstanceID)
	if err != nil {
		return err
	}
	return s.emitOpOn(ctx, op, inst.Doc)
}

// emitOpOn is emitOp for a caller that holds the instance as it is in the
// transaction.
func (s *Service) emitOpOn(ctx context.Context, op OpOcc, inst VNFInstance) error {
	if s.notifier == nil {
		return nil
	}
	return s.emit(ctx, Event{Kind: EventOpStateChanged, Instance: inst, Op: &op})
}
