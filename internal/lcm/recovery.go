package lcm

import (
	"context"
	"fmt"
	"time"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// Retry runs a FAILED_TEMP operation again from where it stopped: it goes
// back to PROCESSING with a new job, in one transaction.
func (s *Service) Retry(ctx context.Context, id string) (store.Item[OpOcc], error) {
	return s.resume(ctx, id, Processing, func(*OpOcc) error { return nil })
}

// Rollback undoes a FAILED_TEMP operation: ROLLING_BACK with a new job,
// ending ROLLED_BACK (or FAILED_TEMP again if the undo fails).
func (s *Service) Rollback(ctx context.Context, id string) (store.Item[OpOcc], error) {
	return s.resume(ctx, id, RollingBack, func(o *OpOcc) error {
		if !rollbackable(o.Operation) {
			return fmt.Errorf("%s cannot be rolled back: %w", o.Operation, ErrState)
		}
		return nil
	})
}

// resume moves a FAILED_TEMP operation to state and inserts its job.
func (s *Service) resume(ctx context.Context, id string, state OpState, check func(*OpOcc) error) (store.Item[OpOcc], error) {
	var out store.Item[OpOcc]
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.ops.Update(ctx, id, 0, func(o *OpOcc) error {
			if o.State != FailedTemp {
				return fmt.Errorf("op occ %s is %s, not FAILED_TEMP: %w", id, o.State, ErrState)
			}
			if err := check(o); err != nil {
				return err
			}
			o.State, o.StateEnteredTime = state, time.Now().UTC()
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := s.jobs.InsertTx(ctx, OpArgs{OpOccID: id}, nil); err != nil {
			return err
		}
		return s.emitOp(ctx, out.Doc)
	})
	if err == nil {
		s.log.Info("lcm operation resumed", "opOcc", id, "state", state)
	}
	return out, err
}

// Fail gives up a FAILED_TEMP operation: FAILED, and the instance is free
// for other operations, with the information it had before.
func (s *Service) Fail(ctx context.Context, id string) (store.Item[OpOcc], error) {
	var out store.Item[OpOcc]
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.ops.Update(ctx, id, 0, func(o *OpOcc) error {
			if o.State != FailedTemp {
				return fmt.Errorf("op occ %s is %s, not FAILED_TEMP: %w", id, o.State, ErrState)
			}
			o.State, o.StateEnteredTime = Failed, time.Now().UTC()
			return nil
		})
		if err != nil {
			return err
		}
		inst, err := s.release(ctx, out.Doc, nil)
		if err != nil {
			return err
		}
		return s.emitOpOn(ctx, out.Doc, inst.Doc)
	})
	return out, err
}

// Cancel asks a running operation to stop. A STARTING one ends
// ROLLED_BACK; a PROCESSING or ROLLING_BACK one ends FAILED_TEMP within
// about cancelPoll, its VIM call in flight interrupted (the VIM may be
// left part way: retry and rollback reconcile from there).
func (s *Service) Cancel(ctx context.Context, id, mode string) (store.Item[OpOcc], error) {
	return s.ops.Update(ctx, id, 0, func(o *OpOcc) error {
		switch o.State {
		case Starting, Processing, RollingBack:
		default:
			return fmt.Errorf("op occ %s is %s and cannot be cancelled: %w", id, o.State, ErrState)
		}
		if o.IsCancelPending {
			return fmt.Errorf("op occ %s is already being cancelled: %w", id, ErrState)
		}
		o.IsCancelPending, o.CancelMode = true, mode
		return nil
	})
}
