package lcm

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Operate starts changing the operational state of an instance; asking for
// the state it is already in is a conflict.
func (s *Service) Operate(ctx context.Context, id string, req OperateRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	if req.ChangeStateTo != Started && req.ChangeStateTo != Stopped {
		return store.Item[OpOcc]{}, fmt.Errorf("changeStateTo %q: %w", req.ChangeStateTo, ErrInvalid)
	}
	if inst.Instantiated.OperationalState == req.ChangeStateTo {
		return store.Item[OpOcc]{}, fmt.Errorf("vnf instance %s is already %s: %w", id, req.ChangeStateTo, ErrState)
	}
	return s.start(ctx, id, startSpec{held: held, op: OpOperate, req: Request{Operate: &req}, params: params, want: Instantiated})
}

// operate drives the VNF to the requested state; a GRACEFUL stop first
// gives the VNF its timeout to finish its work.
func (s *Service) operate(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	if err := gracePeriod(ctx, op); err != nil {
		return outcome{}, err
	}
	return s.operateTo(ctx, inst, op.Request.Operate.ChangeStateTo)
}

// operateTo drives the VNF to state; the driver's Operate converges.
func (s *Service) operateTo(ctx context.Context, inst *VNFInstance, state OperationalState) (outcome, error) {
	cur := inst.Instantiated
	t, err := s.target(ctx, inst.VNFDID, cur.FlavourID, inst.VIMConnections)
	if err != nil {
		return outcome{}, err
	}
	if err := t.drv.Operate(ctx, *cur.Handle, vim.OperationalState(state)); err != nil {
		return outcome{}, fmt.Errorf("operate to %s: %w", state, err)
	}
	info := cloneInfo(cur)
	info.OperationalState = state
	if err := t.observe(ctx, *cur.Handle, info); err != nil {
		return outcome{}, err
	}
	return outcome{changes: diff(cur.VNFCs, info.VNFCs), apply: func(i *VNFInstance) { i.Instantiated = info }}, nil
}
