package lcm

import (
	"context"
	"encoding/json"
	"maps"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// ChangeExtConn starts changing the instance's external connectivity.
func (s *Service) ChangeExtConn(ctx context.Context, id string, req ChangeExtConnRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	if _, err := s.instance(ctx, id, Instantiated); err != nil {
		return store.Item[OpOcc]{}, err
	}
	return s.start(ctx, id, startSpec{op: OpChangeExtConn, req: Request{ChangeExtConn: &req}, params: params, want: Instantiated})
}

// changeExtConn records the new external virtual links and VIM
// connections, then converges the VNF to its spec on them: on Kubernetes
// external links are the cluster network, so only the record changes.
func (s *Service) changeExtConn(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	r := op.Request.ChangeExtConn
	cur := inst.Instantiated
	conns := maps.Clone(inst.VIMConnections)
	if conns == nil {
		conns = map[string]VIMConnectionInfo{}
	}
	maps.Copy(conns, r.VIMConnections)
	work := *inst
	work.VIMConnections = conns
	out, err := s.redeploy(ctx, &work, inst.VNFDID, cur.FlavourID, cur.InstantiationLevelID, cur.ScaleStatus,
		mergeMap(cloneMap(cur.AdditionalParams), r.AdditionalParams))
	if err != nil {
		return outcome{}, err
	}
	apply := out.apply
	out.apply = func(i *VNFInstance) {
		apply(i)
		i.VIMConnections = conns
		if len(r.ExtVirtualLinks) > 0 {
			i.Instantiated.ExtVirtualLinks = r.ExtVirtualLinks
		}
	}
	return out, nil
}
