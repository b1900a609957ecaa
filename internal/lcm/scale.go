package lcm

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// Scale starts scaling one aspect of an INSTANTIATED instance out or in.
func (s *Service) Scale(ctx context.Context, id string, req ScaleRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	err = s.check(ctx, inst.VNFDID, inst.Instantiated.FlavourID, func(t *target) error {
		_, err := ScaleLevels(t.fl, inst.Instantiated.ScaleStatus, req)
		return err
	})
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	return s.start(ctx, id, startSpec{held: held, op: OpScale, req: Request{Scale: &req}, params: params, want: Instantiated})
}

// ScaleToLevel starts scaling an INSTANTIATED instance to an instantiation
// level or to per-aspect levels.
func (s *Service) ScaleToLevel(ctx context.Context, id string, req ScaleToLevelRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	err = s.check(ctx, inst.VNFDID, inst.Instantiated.FlavourID, func(t *target) error {
		_, err := TargetLevels(t.fl, inst.Instantiated.ScaleStatus, req)
		return err
	})
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	return s.start(ctx, id, startSpec{held: held, op: OpScaleToLevel, req: Request{ScaleToLevel: &req}, params: params, want: Instantiated})
}

// scale sets every VDU to its count at the target levels. The target is
// planned from the levels the instance had when the operation started
// (they change only when it ends), so a rerun aims at the same counts.
func (s *Service) scale(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	cur := inst.Instantiated
	t, err := s.target(ctx, inst.VNFDID, cur.FlavourID, inst.VIMConnections)
	if err != nil {
		return outcome{}, err
	}
	var levels map[string]int
	if r := op.Request.Scale; r != nil {
		levels, err = ScaleLevels(t.fl, cur.ScaleStatus, *r)
	} else {
		levels, err = TargetLevels(t.fl, cur.ScaleStatus, *op.Request.ScaleToLevel)
	}
	if err != nil {
		return outcome{}, err
	}
	return s.scaleTo(ctx, t, withGrantedAssets(inst, op), levels)
}

// scaleTo converges the VNF to levels and returns the outcome.
func (s *Service) scaleTo(ctx context.Context, t *target, inst *VNFInstance, levels map[string]int) (outcome, error) {
	cur := inst.Instantiated
	t.zones, t.assets = cur.Zones, cur.VIMAssets
	spec, err := t.plan(inst.ID, levels, cur.AdditionalParams, cur.ExtVirtualLinks)
	if err != nil {
		return outcome{}, err
	}
	if cur.Handle == nil {
		return outcome{}, fmt.Errorf("vnf instance %s has no vim handle: %w", inst.ID, ErrState)
	}
	if err := reconcileCounts(ctx, t.drv, *cur.Handle, spec); err != nil {
		return outcome{}, err
	}
	info := cloneInfo(cur)
	info.ScaleStatus = levels
	if err := t.observe(ctx, *cur.Handle, info); err != nil {
		return outcome{}, err
	}
	return outcome{changes: diff(cur.VNFCs, info.VNFCs), apply: func(i *VNFInstance) { i.Instantiated = info }}, nil
}
