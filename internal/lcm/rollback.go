package lcm

import (
	"context"
	"fmt"
)

// rollbackable reports whether a failed operation can be rolled back: the
// ones that change what is deployed, to the state they started from.
func rollbackable(op Operation) bool {
	switch op {
	case OpInstantiate, OpScale, OpScaleToLevel, OpChangeFlavour, OpOperate, OpChangeVNFPkg:
		return true
	}
	return false
}

// rollback returns the VNF to where the operation found it: an
// instantiation deletes everything it may have created; the others
// converge back to the instantiated information recorded at their start.
func (s *Service) rollback(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	before := op.Before
	switch {
	case op.Operation == OpInstantiate:
		return s.undoInstantiate(ctx, op, inst)
	case before == nil:
		return outcome{}, fmt.Errorf("op occ %s has no state to roll back to: %w", op.ID, ErrState)
	case op.Operation == OpOperate:
		return s.operateTo(ctx, inst, before.OperationalState)
	case op.Operation == OpScale || op.Operation == OpScaleToLevel:
		t, err := s.target(ctx, inst.VNFDID, before.FlavourID, inst.VIMConnections)
		if err != nil {
			return outcome{}, err
		}
		return s.scaleTo(ctx, t, inst, before.ScaleStatus)
	case rollbackable(op.Operation):
		return s.redeploy(ctx, inst, inst.VNFDID, before.FlavourID, before.InstantiationLevelID,
			before.ScaleStatus, before.AdditionalParams)
	}
	return outcome{}, fmt.Errorf("%s cannot be rolled back: %w", op.Operation, ErrState)
}

// undoInstantiate deletes what the instantiation named before its first
// change; with no Handle recorded nothing was created.
func (s *Service) undoInstantiate(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	if op.Handle == nil {
		return outcome{}, nil
	}
	conns := inst.VIMConnections
	if r := op.Request.Instantiate; r != nil && len(r.VIMConnections) > 0 {
		conns = r.VIMConnections
	}
	_, conn := connectionOf(conns)
	drv, err := s.opts.Drivers.Driver(ctx, conn)
	if err != nil {
		return outcome{}, fmt.Errorf("driver: %w", err)
	}
	if err := drv.Delete(ctx, *op.Handle); err != nil {
		return outcome{}, fmt.Errorf("delete vnf: %w", err)
	}
	return outcome{}, nil
}
