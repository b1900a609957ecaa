package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// Terminate starts removing an instance's resources. GRACEFUL waits the
// request's timeout (the time SOL 003 gives the VNF to finish its work)
// before the resources go; FORCEFUL removes them at once.
func (s *Service) Terminate(ctx context.Context, id string, req TerminateRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	if req.Type == "" {
		req.Type = Forceful
	}
	if req.Type != Graceful && req.Type != Forceful {
		return store.Item[OpOcc]{}, fmt.Errorf("terminationType %q: %w", req.Type, ErrInvalid)
	}
	return s.start(ctx, id, startSpec{held: held, op: OpTerminate, req: Request{Terminate: &req}, params: params, want: Instantiated})
}

// terminate deletes everything of the VNF; deleting what is gone succeeds.
func (s *Service) terminate(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	cur := inst.Instantiated
	if err := gracePeriod(ctx, op); err != nil {
		return outcome{}, err
	}
	t, err := s.target(ctx, inst.VNFDID, cur.FlavourID, inst.VIMConnections)
	if err != nil {
		return outcome{}, err
	}
	if cur.Handle != nil {
		if err := t.drv.Delete(ctx, *cur.Handle); err != nil {
			return outcome{}, fmt.Errorf("delete vnf: %w", err)
		}
	}
	return outcome{changes: diff(cur.VNFCs, nil), apply: func(i *VNFInstance) {
		i.InstantiationState, i.Instantiated = NotInstantiated, nil
	}}, nil
}

// gracePeriod waits what remains of a graceful termination's (or stop's)
// timeout, counted from the operation's start so a rerun does not wait
// again.
func gracePeriod(ctx context.Context, op *OpOcc) error {
	typ, timeout := Forceful, 0
	if r := op.Request.Terminate; r != nil {
		typ, timeout = r.Type, r.GracefulTimeout
	}
	if r := op.Request.Operate; r != nil && r.ChangeStateTo == Stopped {
		typ, timeout = r.StopType, r.GracefulTimeout
	}
	if typ != Graceful || timeout <= 0 {
		return nil
	}
	left := time.Until(op.StartTime.Add(time.Duration(timeout) * time.Second))
	if left <= 0 {
		return nil
	}
	select {
	case <-time.After(left):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
