package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/cadenza-mano/cadenza/internal/mergepatch"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// Instantiate starts instantiating a NOT_INSTANTIATED instance. The flavour,
// level and parameters are checked against the VNFD first, so a request
// that cannot work is refused synchronously.
func (s *Service) Instantiate(ctx context.Context, id string, req InstantiateRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, NotInstantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	if err := s.check(ctx, inst.VNFDID, req.FlavourID, func(t *target) error {
		levels, err := InitialLevels(t.fl, req.InstantiationLevelID)
		if err != nil {
			return err
		}
		_, err = t.plan(id, levels, req.AdditionalParams, req.ExtVirtualLinks)
		return err
	}); err != nil {
		return store.Item[OpOcc]{}, err
	}
	return s.start(ctx, id, startSpec{held: held, op: OpInstantiate, req: Request{Instantiate: &req},
		params: params, want: NotInstantiated})
}

// check runs fn on the package and flavour of a request, without a driver.
func (s *Service) check(ctx context.Context, vnfdID, flavourID string, fn func(t *target) error) error {
	pkg, err := s.opts.Packages.Package(ctx, vnfdID)
	if err != nil {
		return err
	}
	fl, err := flavourOf(pkg, flavourID)
	if err != nil {
		return err
	}
	return fn(&target{pkg: pkg, fl: fl})
}

// instantiate deploys the VNF at its initial levels and records what the
// VIM reports. Deploy converges, so a rerun after a crash is harmless.
func (s *Service) instantiate(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	req := op.Request.Instantiate
	conns := maps.Clone(inst.VIMConnections)
	if conns == nil {
		conns = map[string]VIMConnectionInfo{}
	}
	maps.Copy(conns, req.VIMConnections)
	t, err := s.target(ctx, inst.VNFDID, req.FlavourID, conns)
	if err != nil {
		return outcome{}, err
	}
	levels, err := InitialLevels(t.fl, req.InstantiationLevelID)
	if err != nil {
		return outcome{}, err
	}
	t.zones, t.assets = op.GrantedZones, op.GrantedAssets
	spec, err := t.plan(inst.ID, levels, req.AdditionalParams, req.ExtVirtualLinks)
	if err != nil {
		return outcome{}, err
	}
	h, err := s.ensureHandle(ctx, op, t.drv, spec)
	if err != nil {
		return outcome{}, err
	}
	if err := t.drv.Deploy(ctx, h, spec); err != nil {
		return outcome{}, fmt.Errorf("deploy: %w", err)
	}
	info := &InstantiatedInfo{FlavourID: req.FlavourID, InstantiationLevelID: req.InstantiationLevelID,
		OperationalState: Started, ScaleStatus: levels, ExtVirtualLinks: req.ExtVirtualLinks,
		AdditionalParams: req.AdditionalParams, VIMConnectionID: t.connID, Handle: &h, Zones: op.GrantedZones,
		VIMAssets: op.GrantedAssets}
	if err := t.observe(ctx, h, info); err != nil {
		return outcome{}, err
	}
	return outcome{changes: diff(nil, info.VNFCs), apply: func(i *VNFInstance) {
		i.InstantiationState, i.Instantiated, i.VIMConnections = Instantiated, info, conns
		i.Extensions = mergepatch.Apply(i.Extensions, req.Extensions)
		i.ConfigurableProperties = mergepatch.Apply(i.ConfigurableProperties, req.ConfigurableProps)
	}}, nil
}
