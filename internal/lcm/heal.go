package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// Heal starts replacing VNFC instances (all of them when req names none).
// Every named VNFC must be one of the instance's.
func (s *Service) Heal(ctx context.Context, id string, req HealRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	for _, c := range req.VNFCIDs {
		if !slices.ContainsFunc(inst.Instantiated.VNFCs, func(r VNFCResource) bool { return r.ID == c }) {
			return store.Item[OpOcc]{}, fmt.Errorf("vnf instance %s has no vnfc %q: %w", id, c, ErrInvalid)
		}
	}
	return s.start(ctx, id, startSpec{held: held, op: OpHeal, req: Request{Heal: &req}, params: params, want: Instantiated})
}

// heal asks the VIM to replace the VNFCs; ones already replaced count as
// done, so a rerun is harmless.
func (s *Service) heal(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	cur := inst.Instantiated
	t, err := s.target(ctx, inst.VNFDID, cur.FlavourID, inst.VIMConnections)
	if err != nil {
		return outcome{}, err
	}
	ids := op.Request.Heal.VNFCIDs
	if len(ids) == 0 {
		for _, c := range cur.VNFCs {
			ids = append(ids, c.ID)
		}
	}
	if err := t.drv.Heal(ctx, *cur.Handle, ids); err != nil {
		return outcome{}, fmt.Errorf("heal: %w", err)
	}
	info := cloneInfo(cur)
	info.VIMAssets = withAssets(cur.VIMAssets, op.GrantedAssets)
	if err := t.observe(ctx, *cur.Handle, info); err != nil {
		return outcome{}, err
	}
	return outcome{changes: diff(cur.VNFCs, info.VNFCs), apply: func(i *VNFInstance) { i.Instantiated = info }}, nil
}
