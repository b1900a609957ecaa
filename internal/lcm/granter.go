package lcm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

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
// derived from the VNFD, the request and what the instance holds, and the
// instance's VIMs. Every operation that changes resources lists them;
// OPERATE is a granted operation type too (SOL 003 GrantedLcmOperationType)
// but starts and stops what exists, so its request lists none. Modifying
// the instance's information is not an operation that is granted.
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
	case OpChangeFlavour:
		r := op.Request.ChangeFlavour
		req.FlavourID, req.InstantiationLevelID = r.FlavourID, r.InstantiationLevelID
		req.AddResources, req.RemoveResources, err = s.flavourChange(ctx, inst.VNFDID, cur, r)
	case OpHeal:
		req.AddResources, req.RemoveResources = healResources(cur, op.Request.Heal)
	case OpChangeExtConn:
		r := op.Request.ChangeExtConn
		if conns == nil {
			conns = map[string]VIMConnectionInfo{}
		}
		maps.Copy(conns, r.VIMConnections)
		err = s.withFlavour(ctx, inst.VNFDID, cur.FlavourID, func(fl *vnfd.Flavour) error {
			req.AddResources, req.UpdateResources, err = extConnResources(fl, cur, r.ExtVirtualLinks)
			return err
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

// removedVNFCs lists, for each VDU that shrinks (in VDU ID order), its
// last VNFCs.
func removedVNFCs(cur *InstantiatedInfo, before, after map[string]int) []GrantResource {
	var out []GrantResource
	for _, vdu := range slices.Sorted(maps.Keys(before)) {
		drop := before[vdu] - after[vdu]
		for i := len(cur.VNFCs) - 1; i >= 0 && drop > 0; i-- {
			if c := cur.VNFCs[i]; c.VDUID == vdu {
				out = append(out, vnfcResource(c, cur.VIMConnectionID))
				drop--
			}
		}
	}
	return out
}

// flavourChange lists what moving cur to flavour r.FlavourID at its
// instantiation level adds and removes. VDUs the two flavours share keep
// their VNFCs (the redeploy converges them in place), so only the
// difference in numbers counts, taken from the VNFCs the instance holds;
// VDUs and internal virtual links the new flavour lacks are removed, and
// those it alone has are added.
func (s *Service) flavourChange(ctx context.Context, vnfdID string, cur *InstantiatedInfo, r *ChangeFlavourRequest) (add, remove []GrantResource, err error) {
	if cur == nil || r == nil {
		return nil, nil, fmt.Errorf("change flavour of an instance with no instantiated information: %w", ErrState)
	}
	pkg, err := s.opts.Packages.Package(ctx, vnfdID)
	if err != nil {
		return nil, nil, err
	}
	old, err := flavourOf(pkg, cur.FlavourID)
	if err != nil {
		return nil, nil, err
	}
	next, err := flavourOf(pkg, r.FlavourID)
	if err != nil {
		return nil, nil, err
	}
	levels, err := InitialLevels(next, r.InstantiationLevelID)
	if err != nil {
		return nil, nil, err
	}
	held := map[string]int{}
	for _, c := range cur.VNFCs {
		held[c.VDUID]++
	}
	after := Counts(next, levels)
	add = addedResources(next, held, after, false)
	for _, vl := range next.VirtualLinks {
		if old.VirtualLink(vl.ID) == nil {
			add = append(add, GrantResource{ID: "vl-" + vl.ID, Type: ResourceVirtualLink, TemplateID: vl.ID})
		}
	}
	remove = removedVNFCs(cur, held, after)
	for _, vl := range old.VirtualLinks {
		if next.VirtualLink(vl.ID) != nil {
			continue
		}
		gr := GrantResource{ID: "vl-" + vl.ID, Type: ResourceVirtualLink, TemplateID: vl.ID}
		if i := slices.IndexFunc(cur.VirtualLinks, func(l VirtualLinkInfo) bool { return l.VLDID == vl.ID }); i >= 0 {
			gr.ResourceID, gr.VIMConnectionID = cur.VirtualLinks[i].ResourceID, cur.VIMConnectionID
		}
		remove = append(remove, gr)
	}
	return add, remove, nil
}

// healResources lists what healing the VNFCs r names (every VNFC when it
// names none) changes. Every driver heals by recreating: the VIM resource
// behind a VNFC is deleted and a new one, with a new resource ID, takes
// its place (a new server on OpenStack, a new Pod on Kubernetes). SOL 003
// (GrantRequest, clause 9.5.2.2) keeps updateResources for resources
// "modified" in place; a recreated resource is a removal of the existing
// resource (with its handle, so the NFVO can free it) and an addition of a
// new one (which the NFVO places and may put in a zone), so each healed
// VNFC is one entry in removeResources and one in addResources, and the
// NFVO's quota sees no net change.
func healResources(cur *InstantiatedInfo, r *HealRequest) (add, remove []GrantResource) {
	if cur == nil {
		return nil, nil
	}
	var names []string
	if r != nil {
		names = r.VNFCIDs
	}
	for _, c := range cur.VNFCs {
		if len(names) > 0 && !slices.Contains(names, c.ID) {
			continue
		}
		remove = append(remove, vnfcResource(c, cur.VIMConnectionID))
		add = append(add, GrantResource{ID: c.ID + "-healed", Type: ResourceCompute, VDUID: c.VDUID, TemplateID: c.VDUID})
	}
	return add, remove
}

// extConnResources lists the link ports of the external CPs the request's
// external virtual links (SOL 003 ExtVirtualLinkData, as JSON) connect:
// the port of a CP the instance holds moves to its new link, an update of
// that port (LINKPORT, with the port's handle); an external CP of the
// flavour that the instance does not hold yet gets a new port, an
// addition. CPs the flavour does not expose are not the VNF's to change.
func extConnResources(fl *vnfd.Flavour, cur *InstantiatedInfo, raw json.RawMessage) (add, update []GrantResource, err error) {
	if cur == nil {
		return nil, nil, fmt.Errorf("change external connectivity of an instance with no instantiated information: %w", ErrState)
	}
	var links []extVirtualLink
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &links); err != nil {
			return nil, nil, fmt.Errorf("extVirtualLinks: %v: %w", err, ErrInvalid)
		}
	}
	t := target{fl: fl}
	seen := map[string]bool{}
	for _, l := range links {
		for _, ec := range l.ExtCPs {
			cp := ec.CPDID
			if cp == "" || seen[cp] || !t.isExternal(cp) {
				continue
			}
			seen[cp] = true
			gr := GrantResource{ID: "linkport-" + cp, Type: ResourceLinkPort, TemplateID: cp}
			if !slices.ContainsFunc(cur.ExtCPs, func(e ExtCPInfo) bool { return e.CPDID == cp }) {
				add = append(add, gr)
				continue
			}
			if i := slices.IndexFunc(cur.VirtualLinks, func(l VirtualLinkInfo) bool { return l.ID == cp }); i >= 0 {
				gr.ResourceID, gr.VIMConnectionID = cur.VirtualLinks[i].ResourceID, cur.VIMConnectionID
			}
			update = append(update, gr)
		}
	}
	return add, update, nil
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

// withAssets is a with b's entries added, replacing a's for the same
// descriptor: SOL 003 has the VNFM use the latest grant's assets until
// others replace them, and a grant names only those of the descriptors
// its request changes. nil when both are empty.
func withAssets(a, b *VIMAssets) *VIMAssets {
	out := &VIMAssets{}
	for _, x := range []*VIMAssets{a, b} {
		if x == nil {
			continue
		}
		out.Flavours = mergeStrings(out.Flavours, x.Flavours)
		out.Images = mergeStrings(out.Images, x.Images)
	}
	if len(out.Flavours) == 0 && len(out.Images) == 0 {
		return nil
	}
	return out
}

func mergeStrings(dst, src map[string]string) map[string]string {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]string, len(src))
	}
	maps.Copy(dst, src)
	return dst
}

// withGrantedAssets is inst with the assets op's grant gave added to
// those it has, for a step that plans new resources with them.
func withGrantedAssets(inst *VNFInstance, op *OpOcc) *VNFInstance {
	if op.GrantedAssets == nil || inst.Instantiated == nil {
		return inst
	}
	work := *inst
	work.Instantiated = cloneInfo(inst.Instantiated)
	work.Instantiated.VIMAssets = withAssets(inst.Instantiated.VIMAssets, op.GrantedAssets)
	return &work
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
