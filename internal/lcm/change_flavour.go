package lcm

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cadenza-mano/cadenza/internal/mergepatch"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// ChangeFlavour starts moving an instance to another deployment flavour.
func (s *Service) ChangeFlavour(ctx context.Context, id string, req ChangeFlavourRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	if req.FlavourID == inst.Instantiated.FlavourID {
		return store.Item[OpOcc]{}, fmt.Errorf("vnf instance %s already has flavour %s: %w", id, req.FlavourID, ErrState)
	}
	err = s.check(ctx, inst.VNFDID, req.FlavourID, func(t *target) error {
		_, err := InitialLevels(t.fl, req.InstantiationLevelID)
		return err
	})
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	return s.start(ctx, id, startSpec{held: held, op: OpChangeFlavour, req: Request{ChangeFlavour: &req}, params: params, want: Instantiated})
}

func (s *Service) changeFlavour(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	r := op.Request.ChangeFlavour
	params := mergepatch.Apply(cloneMap(inst.Instantiated.AdditionalParams), r.AdditionalParams)
	return s.redeploy(ctx, withGrantedAssets(inst, op), inst.VNFDID, r.FlavourID, r.InstantiationLevelID, nil, params)
}

// redeploy converges the VNF to a flavour of a VNFD at an instantiation
// level (or at levels when not nil), keeping its Handle, and returns the
// outcome recording them.
func (s *Service) redeploy(ctx context.Context, inst *VNFInstance, vnfdID, flavourID, levelID string,
	levels map[string]int, params map[string]any) (outcome, error) {
	cur := inst.Instantiated
	t, err := s.target(ctx, vnfdID, flavourID, inst.VIMConnections)
	if err != nil {
		return outcome{}, err
	}
	if levels == nil {
		if levels, err = InitialLevels(t.fl, levelID); err != nil {
			return outcome{}, err
		}
	}
	// Assets are a VNF package's: another package's VDUs get none
	// until a grant gives theirs.
	assets := cur.VIMAssets
	if vnfdID != inst.VNFDID {
		assets = nil
	}
	t.zones, t.assets = cur.Zones, assets
	spec, err := t.plan(inst.ID, levels, params, cur.ExtVirtualLinks)
	if err != nil {
		return outcome{}, err
	}
	if err := t.drv.Deploy(ctx, *cur.Handle, spec); err != nil {
		return outcome{}, fmt.Errorf("deploy: %w", err)
	}
	info := cloneInfo(cur)
	info.FlavourID, info.InstantiationLevelID, info.ScaleStatus, info.AdditionalParams = flavourID, levelID, levels, params
	info.VIMAssets = assets
	if err := t.observe(ctx, *cur.Handle, info); err != nil {
		return outcome{}, err
	}
	d := t.pkg.VNFD
	return outcome{changes: diff(cur.VNFCs, info.VNFCs), apply: func(i *VNFInstance) {
		i.Instantiated = info
		i.VNFDID, i.Provider, i.ProductName = d.ID, d.Provider, d.ProductName
		i.SoftwareVersion, i.VNFDVersion = d.SoftwareVersion, d.DescriptorVersion
	}}, nil
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
