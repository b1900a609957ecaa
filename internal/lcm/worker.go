package lcm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// OpArgs is the job that carries an operation occurrence forward.
type OpArgs struct {
	OpOccID string `json:"op_occ_id"`
}

// Kind names the job kind in the queue.
func (OpArgs) Kind() string { return "lcm.op_occ" }

type opWorker struct {
	river.WorkerDefaults[OpArgs]
	s *Service
}

// Work runs the operation and completes the job with its final state.
func (w *opWorker) Work(ctx context.Context, job *river.Job[OpArgs]) error {
	return w.s.run(ctx, job.Args.OpOccID, func(ctx context.Context) error {
		return jobs.CompleteTx(ctx, job)
	})
}

// outcome is what a successful step changes in the instance.
type outcome struct {
	apply   func(inst *VNFInstance)
	changes *ResourceChanges
}

// run carries operation id forward from whatever state it is in. complete
// runs in the transaction of the final state change. It returns an error
// only when the work must be tried again (the process is stopping, the
// database failed); everything else ends in a state of the operation.
func (s *Service) run(ctx context.Context, id string, complete func(context.Context) error) error {
	it, err := s.ops.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.db.Tx(ctx, complete)
	}
	if err != nil {
		return err
	}
	op := it.Doc
	if op.State == Starting && op.IsCancelPending {
		return s.end(ctx, it, op, RolledBack, outcome{}, complete)
	}
	// An operation retried after its grant was refused has none yet: it
	// asks again rather than touch the VIM ungranted.
	var inst *store.Item[VNFInstance] // as the grant left it; the step reads it otherwise
	if op.State == Starting || (op.State == Processing && op.GrantID == "") {
		var granted store.Item[VNFInstance]
		if it, granted, err = s.grant(ctx, it); err != nil {
			return s.failed(ctx, op, err, complete)
		}
		op, inst = it.Doc, &granted
	}
	if op.State != Processing && op.State != RollingBack {
		return s.db.Tx(ctx, complete)
	}
	if op.IsCancelPending {
		return s.failed(ctx, op, ErrCancelled, complete)
	}
	out, err := s.cancellableStep(ctx, &op, inst)
	if err != nil {
		return s.failed(ctx, op, err, complete)
	}
	final := Completed
	if op.State == RollingBack {
		final = RolledBack
	}
	return s.end(ctx, it, op, final, out, complete)
}

// cancelPoll is how often a running step looks for a cancel request.
const cancelPoll = 250 * time.Millisecond

// cancellableStep runs step with a ctx that is cancelled, with cause
// ErrCancelled, when a cancel of the operation is requested, so a cancel
// interrupts a VIM call in flight. The VIM may be left part way; retry
// and rollback reconcile from there.
func (s *Service) cancellableStep(ctx context.Context, op *OpOcc, inst *store.Item[VNFInstance]) (outcome, error) {
	stepCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	defer close(done)
	go s.watchCancel(stepCtx, op.ID, cancel, done)
	out, err := s.step(stepCtx, op, inst)
	if err != nil && errors.Is(context.Cause(stepCtx), ErrCancelled) {
		return out, fmt.Errorf("%w: %v", ErrCancelled, err)
	}
	return out, err
}

// watchCancel polls the occurrence until done, and cancels with
// ErrCancelled once a cancel is pending.
func (s *Service) watchCancel(ctx context.Context, id string, cancel context.CancelCauseFunc, done <-chan struct{}) {
	t := time.NewTicker(cancelPoll)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if it, err := s.ops.Get(ctx, id); err == nil && it.Doc.IsCancelPending {
			cancel(ErrCancelled)
			return
		}
	}
}

// step runs the operation's (or its rollback's) reconciling step on the
// instance held, or read when nil. Nothing else writes an instance while
// an operation holds it, so the copy the grant wrote is current.
func (s *Service) step(ctx context.Context, op *OpOcc, held *store.Item[VNFInstance]) (outcome, error) {
	if held == nil {
		it, err := s.instances.Get(ctx, op.VNFInstanceID)
		if err != nil {
			return outcome{}, err
		}
		held = &it
	}
	inst := &held.Doc
	if op.State == RollingBack {
		return s.rollback(ctx, op, inst)
	}
	switch op.Operation {
	case OpInstantiate:
		return s.instantiate(ctx, op, inst)
	case OpScale, OpScaleToLevel:
		return s.scale(ctx, op, inst)
	case OpChangeFlavour:
		return s.changeFlavour(ctx, op, inst)
	case OpHeal:
		return s.heal(ctx, op, inst)
	case OpOperate:
		return s.operate(ctx, op, inst)
	case OpTerminate:
		return s.terminate(ctx, op, inst)
	case OpChangeExtConn:
		return s.changeExtConn(ctx, op, inst)
	case OpChangeVNFPkg:
		return s.changeVNFPkg(ctx, op, inst)
	}
	return outcome{}, fmt.Errorf("operation %s has no worker: %w", op.Operation, ErrInvalid)
}

// grant asks for the operation's resources and moves it to PROCESSING. It
// returns the occurrence and the instance as it left them.
// When the grant names VIMs, they become the instance's: an instantiation
// runs on them, and later operations find them added.
func (s *Service) grant(ctx context.Context, cur store.Item[OpOcc]) (store.Item[OpOcc], store.Item[VNFInstance], error) {
	op := cur.Doc
	inst, err := s.instances.Get(ctx, op.VNFInstanceID)
	if err != nil {
		return cur, inst, err
	}
	req, err := s.grantRequest(ctx, op, inst.Doc)
	if err != nil {
		return cur, inst, fmt.Errorf("grant request: %w", err)
	}
	g, err := s.opts.Granter.Grant(ctx, req)
	if err != nil {
		return cur, inst, fmt.Errorf("grant: %w", err)
	}
	var out store.Item[OpOcc]
	err = s.db.Tx(ctx, func(ctx context.Context) error {
		it, err := s.ops.UpdateFrom(ctx, cur, func(o *OpOcc) error {
			if o.State != op.State || o.GrantID != "" {
				return fmt.Errorf("op occ %s is %s with grant %q, no longer waiting for one: %w", op.ID, o.State, o.GrantID, ErrState)
			}
			o.State, o.StateEnteredTime, o.GrantID = Processing, time.Now().UTC(), g.ID
			o.GrantedZones, o.GrantedAssets = zonesByVDU(req.AddResources, g.Zones), g.VIMAssets
			if r := o.Request.Instantiate; r != nil && len(g.VIMConnections) > 0 {
				r.VIMConnections = g.VIMConnections
			}
			return nil
		})
		if err != nil {
			return err
		}
		if inst, err = s.useGrantedVIMs(ctx, op, g, inst); err != nil {
			return err
		}
		out = it
		if op.State == Processing {
			return nil // a retry: PROCESSING was announced already
		}
		return s.emitOpOn(ctx, out.Doc, inst.Doc)
	})
	if err != nil {
		return cur, inst, err
	}
	return out, inst, nil
}

// useGrantedVIMs records the grant's VIM connections on the instance: an
// instantiation's replace those it had (it runs on the VIM granted);
// other operations only add the ones it lacks, as SOL 003 says a grant
// does not modify connections passed earlier.
func (s *Service) useGrantedVIMs(ctx context.Context, op OpOcc, g Grant, cur store.Item[VNFInstance]) (store.Item[VNFInstance], error) {
	if len(g.VIMConnections) == 0 {
		return cur, nil
	}
	return s.instances.UpdateFrom(ctx, cur, func(inst *VNFInstance) error {
		if op.Operation == OpInstantiate || inst.VIMConnections == nil {
			inst.VIMConnections = map[string]VIMConnectionInfo{}
		}
		for id, c := range g.VIMConnections {
			if _, ok := inst.VIMConnections[id]; !ok || op.Operation == OpInstantiate {
				inst.VIMConnections[id] = c
			}
		}
		return nil
	})
}

// end records the final state, applies the outcome to the instance,
// releases it and completes the job, in one transaction.
// cur is the occurrence as last read or written, op as the step left it.
func (s *Service) end(ctx context.Context, cur store.Item[OpOcc], op OpOcc, state OpState, out outcome, complete func(context.Context) error) error {
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		it, err := s.ops.UpdateFrom(ctx, cur, func(o *OpOcc) error {
			if o.State != op.State {
				return fmt.Errorf("op occ %s changed from %s to %s meanwhile: %w", op.ID, op.State, o.State, ErrState)
			}
			o.State, o.StateEnteredTime, o.IsCancelPending = state, time.Now().UTC(), false
			o.Handle, o.ResourceChanges = op.Handle, out.changes
			return nil
		})
		if err != nil {
			return err
		}
		inst, err := s.release(ctx, op, out.apply)
		if err != nil {
			return err
		}
		if err := s.emitOpOn(ctx, it.Doc, inst.Doc); err != nil {
			return err
		}
		return complete(ctx)
	})
	if err == nil {
		s.log.Info("lcm operation ended", "opOcc", op.ID, "operation", op.Operation, "state", state)
	}
	return err
}

// release applies apply to the instance and frees it of op.
func (s *Service) release(ctx context.Context, op OpOcc, apply func(*VNFInstance)) (store.Item[VNFInstance], error) {
	return s.instances.Update(ctx, op.VNFInstanceID, 0, func(inst *VNFInstance) error {
		if inst.ActiveOpOccID == op.ID {
			inst.ActiveOpOccID = ""
		}
		if apply != nil {
			apply(inst)
		}
		return nil
	})
}

// failed ends a step that did not converge: FAILED_TEMP with the error,
// the instance kept busy for retry, rollback or fail. When the process is
// stopping the job is left to run again instead.
func (s *Service) failed(ctx context.Context, op OpOcc, cause error, complete func(context.Context) error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("op occ %s: %w", op.ID, cause)
	}
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		it, err := s.ops.Update(ctx, op.ID, 0, func(o *OpOcc) error {
			if o.State.Final() || o.State == FailedTemp {
				return fmt.Errorf("op occ %s is %s: %w", op.ID, o.State, ErrState)
			}
			o.State, o.StateEnteredTime, o.IsCancelPending = FailedTemp, time.Now().UTC(), false
			o.Handle, o.Error = op.Handle, problemOf(cause)
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.emitOp(ctx, it.Doc); err != nil {
			return err
		}
		return complete(ctx)
	})
	if err == nil {
		s.log.Warn("lcm operation failed temporarily", "opOcc", op.ID, "operation", op.Operation, "err", cause)
	}
	return err
}

// problemOf describes an operation's error for its error attribute.
func problemOf(err error) *Problem {
	p := &Problem{Status: http.StatusInternalServerError, Title: "VIM operation failed", Detail: err.Error()}
	switch {
	case errors.Is(err, ErrCancelled):
		p.Status, p.Title = http.StatusConflict, "Operation cancelled"
	case errors.Is(err, ErrGrantRejected):
		p.Status, p.Title = http.StatusForbidden, "Grant rejected"
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrPackage), errors.Is(err, vim.ErrPermanent):
		p.Status, p.Title = http.StatusUnprocessableEntity, "Operation cannot be carried out"
	case errors.Is(err, vim.ErrTransient), errors.Is(err, vim.ErrTimeout), errors.Is(err, vim.ErrConflict):
		p.Status, p.Title = http.StatusServiceUnavailable, "VIM unavailable"
	}
	return p
}

// zonesByVDU gathers the zones a grant put the added resources in, by
// their VDU: the zones the VDU's instances may run in.
func zonesByVDU(added []GrantResource, zones map[string]string) map[string][]string {
	var out map[string][]string
	for _, r := range added {
		z, ok := zones[r.ID]
		if !ok || r.VDUID == "" {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		if !slices.Contains(out[r.VDUID], z) {
			out[r.VDUID] = append(out[r.VDUID], z)
		}
	}
	for _, zs := range out {
		slices.Sort(zs)
	}
	return out
}
