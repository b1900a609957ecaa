package lcm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// ErrGrantRejected is wrapped by a Granter's error when the NFVO refused
// the grant; the operation fails with the NFVO's reason.
var ErrGrantRejected = errors.New("grant rejected by the NFVO")

// LocalGranter grants every request itself, for a VNFM with no NFVO
// (standalone mode), and logs that it does so.
type LocalGranter struct {
	// Logger receives one line per grant; nil means slog.Default().
	Logger *slog.Logger
}

var _ Granter = LocalGranter{}

// Grant approves req without asking anyone.
func (g LocalGranter) Grant(ctx context.Context, req GrantRequest) (Grant, error) {
	log := g.Logger
	if log == nil {
		log = slog.Default()
	}
	grant := Grant{ID: uuid.NewString()}
	log.InfoContext(ctx, "granted locally (standalone VNFM, no NFVO)", "grant", grant.ID,
		"operation", req.Operation, "vnfInstance", req.VNFInstanceID, "opOcc", req.OpOccID)
	return grant, nil
}

// grantRequest is what op asks of the granter: its resource deltas
// derived from the VNFD and the request, and the instance's VIMs.
func (s *Service) grantRequest(ctx context.Context, op OpOcc, inst VNFInstance) (GrantRequest, error) {
	req := GrantRequest{VNFInstanceID: inst.ID, VNFDID: inst.VNFDID, OpOccID: op.ID,
		Operation: op.Operation, IsAutomaticInvocation: op.IsAutomaticInvocation}
	conns := maps.Clone(inst.VIMConnections)
	var err error
	switch cur := inst.Instantiated; op.Operation {
	case OpInstantiate:
		r := op.Request.Instantiate
		if conns == nil {
			conns = map[string]VIMConnectionInfo{}
		}
		maps.Copy(conns, r.VIMConnections)
		req.FlavourID, req.InstantiationLevelID = r.FlavourID, r.InstantiationLevelID
		err = s.withFlavour(ctx, inst.VNFDID, r.FlavourID, func(fl *vnfd.Flavour) error {
			levels, err := InitialLevels(fl, r.InstantiationLevelID)
			if err == nil {
				req.AddResources = addedResources(fl, map[string]int{}, Counts(fl, levels), true)
			}
			return err
		})
	case OpScale, OpScaleToLevel:
		err = s.withFlavour(ctx, inst.VNFDID, cur.FlavourID, func(fl *vnfd.Flavour) error {
			levels, err := scaleTarget(fl, cur.ScaleStatus, op.Request)
			if err != nil {
				return err
			}
			before, after := Counts(fl, cur.ScaleStatus), Counts(fl, levels)
			req.AddResources = addedResources(fl, before, after, false)
			req.RemoveResources = removedVNFCs(cur, before, after)
			return nil
		})
	case OpTerminate:
		req.RemoveResources = allResources(cur)
	}
	req.VIMConnections = withoutCredentials(conns)
	return req, err
}

// withFlavour runs fn on flavour flavourID of the package of vnfdID.
func (s *Service) withFlavour(ctx context.Context, vnfdID, flavourID string, fn func(*vnfd.Flavour) error) error {
	pkg, err := s.opts.Packages.Package(ctx, vnfdID)
	if err != nil {
		return err
	}
	fl, err := flavourOf(pkg, flavourID)
	if err != nil {
		return err
	}
	return fn(fl)
}

// scaleTarget is the aspect levels a scale or scale-to-level request
// aims at.
func scaleTarget(fl *vnfd.Flavour, cur map[string]int, r Request) (map[string]int, error) {
	if r.Scale != nil {
		return ScaleLevels(fl, cur, *r.Scale)
	}
	if r.ScaleToLevel != nil {
		return TargetLevels(fl, cur, *r.ScaleToLevel)
	}
	return nil, fmt.Errorf("scale operation without a request: %w", ErrInvalid)
}

// addedResources lists the compute resources (and their storages) that
// growing each VDU from before to after adds, and with links the
// flavour's internal virtual links.
func addedResources(fl *vnfd.Flavour, before, after map[string]int, links bool) []GrantResource {
	var out []GrantResource
	for _, v := range fl.VDUs {
		for n := before[v.ID]; n < after[v.ID]; n++ {
			id := fmt.Sprintf("%s-%d", v.ID, n)
			out = append(out, GrantResource{ID: id, Type: ResourceCompute, VDUID: v.ID, TemplateID: v.ID})
			for _, st := range v.Storages {
				out = append(out, GrantResource{ID: id + "-" + st, Type: ResourceStorage, VDUID: v.ID, TemplateID: st})
			}
		}
	}
	if links {
		for _, vl := range fl.VirtualLinks {
			out = append(out, GrantResource{ID: "vl-" + vl.ID, Type: ResourceVirtualLink, TemplateID: vl.ID})
		}
	}
	return out
}

// removedVNFCs lists, for each VDU that shrinks, its last VNFCs.
func removedVNFCs(cur *InstantiatedInfo, before, after map[string]int) []GrantResource {
	var out []GrantResource
	for vdu, n := range before {
		drop := n - after[vdu]
		for i := len(cur.VNFCs) - 1; i >= 0 && drop > 0; i-- {
			if c := cur.VNFCs[i]; c.VDUID == vdu {
				out = append(out, vnfcResource(c, cur.VIMConnectionID))
				drop--
			}
		}
	}
	return out
}

// allResources lists every resource of an instantiated VNF.
func allResources(cur *InstantiatedInfo) []GrantResource {
	if cur == nil {
		return nil
	}
	var out []GrantResource
	for _, c := range cur.VNFCs {
		out = append(out, vnfcResource(c, cur.VIMConnectionID))
	}
	for _, st := range cur.VirtualStorages {
		out = append(out, GrantResource{ID: st.ID, Type: ResourceStorage, TemplateID: st.DescID,
			ResourceID: st.ResourceID, VIMConnectionID: cur.VIMConnectionID})
	}
	for _, vl := range cur.VirtualLinks {
		out = append(out, GrantResource{ID: "vl-" + vl.ID, Type: ResourceVirtualLink, TemplateID: vl.VLDID,
			ResourceID: vl.ResourceID, VIMConnectionID: cur.VIMConnectionID})
	}
	return out
}

func vnfcResource(c VNFCResource, connID string) GrantResource {
	return GrantResource{ID: c.ID, Type: ResourceCompute, VDUID: c.VDUID, TemplateID: c.VDUID,
		ResourceID: c.ResourceID, VIMConnectionID: connID}
}

// withoutCredentials copies conns without their accessInfo.
func withoutCredentials(conns map[string]VIMConnectionInfo) map[string]VIMConnectionInfo {
	if len(conns) == 0 {
		return nil
	}
	out := make(map[string]VIMConnectionInfo, len(conns))
	for id, c := range conns {
		c.AccessInfo = nil
		out[id] = c
	}
	return out
}
