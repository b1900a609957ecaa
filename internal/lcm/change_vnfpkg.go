package lcm

import (
	"context"
	"encoding/json"

	"github.com/cadenza-mano/cadenza/internal/mergepatch"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// ChangeVNFPkg starts moving an instance to the package of another VNFD
// (v2's change_vnfpkg), keeping its flavour and scale levels; the new VNFD
// must have the flavour.
func (s *Service) ChangeVNFPkg(ctx context.Context, id string, req ChangeVNFPkgRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	err = s.check(ctx, req.VNFDID, inst.Instantiated.FlavourID, func(*target) error { return nil })
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	return s.start(ctx, id, startSpec{held: held, op: OpChangeVNFPkg, req: Request{ChangeVNFPkg: &req}, params: params, want: Instantiated})
}

func (s *Service) changeVNFPkg(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	cur := inst.Instantiated
	params := mergepatch.Apply(cloneMap(cur.AdditionalParams), op.Request.ChangeVNFPkg.AdditionalParams)
	return s.redeploy(ctx, inst, op.Request.ChangeVNFPkg.VNFDID, cur.FlavourID, cur.InstantiationLevelID,
		cur.ScaleStatus, params)
}
