package grant

import (
	"maps"
	"slices"
	"strings"

	"github.com/cadenza-mano/cadenza/internal/lcm"
)

// wireRequest is the GrantRequest of req.
func (c *Client) wireRequest(req lcm.GrantRequest) *GrantRequest {
	auto := req.IsAutomaticInvocation
	root := strings.TrimSuffix(c.opts.VNFMURL, "/")
	w := &GrantRequest{VnfInstanceId: req.VNFInstanceID, VnfLcmOpOccId: req.OpOccID, VnfdId: req.VNFDID,
		FlavourId: req.FlavourID, InstantiationLevelId: req.InstantiationLevelID, Operation: string(req.Operation),
		IsAutomaticInvocation: &auto,
		AddResources:          wireDefs(req.AddResources, req.VNFDID), RemoveResources: wireDefs(req.RemoveResources, req.VNFDID),
		UpdateResources: wireDefs(req.UpdateResources, req.VNFDID),
		Links: &GrantRequestLinks{VnfLcmOpOcc: &Link{Href: root + "/vnflcm/v1/vnf_lcm_op_occs/" + req.OpOccID},
			VnfInstance: &Link{Href: root + "/vnflcm/v1/vnf_instances/" + req.VNFInstanceID}}}
	if len(req.VIMConnections) > 0 {
		conns := map[string]any{}
		for id, vc := range req.VIMConnections {
			conns[id] = map[string]any{"id": id, "vimId": vc.VIMID, "vimType": vc.VIMType}
		}
		w.AdditionalParams = map[string]any{ParamVIMConnections: conns}
	}
	return w
}

func wireDefs(rs []lcm.GrantResource, vnfdID string) []ResourceDefinition {
	var out []ResourceDefinition
	for _, r := range rs {
		d := ResourceDefinition{Id: r.ID, Type: r.Type, VduId: r.VDUID, VnfdId: vnfdID, ResourceTemplateId: r.TemplateID}
		if r.ResourceID != "" {
			d.Resource = &ResourceHandle{ResourceId: r.ResourceID, VimConnectionId: r.VIMConnectionID}
		}
		out = append(out, d)
	}
	return out
}

// fromWire is the engine's view of a grant: the VIM connections in either
// spelling of API version 1, and the zone of each added resource.
func fromWire(w *Grant) lcm.Grant {
	g := lcm.Grant{ID: w.Id}
	conns := maps.Clone(w.VimConnectionInfo)
	if len(conns) == 0 {
		conns = map[string]VimConnectionInfo{}
		for _, c := range w.VimConnections {
			conns[c.Id] = c
		}
	}
	for _, id := range slices.Sorted(maps.Keys(conns)) {
		c := conns[id]
		if g.VIMConnections == nil {
			g.VIMConnections = map[string]lcm.VIMConnectionInfo{}
		}
		g.VIMConnections[id] = lcm.VIMConnectionInfo{ID: id, VIMID: c.VimId, VIMType: c.VimType,
			InterfaceInfo: c.InterfaceInfo, AccessInfo: c.AccessInfo, Extra: c.Extra}
	}
	g.VIMAssets = fromAssets(w.VimAssets)
	zones := map[string]string{}
	for _, z := range w.Zones {
		zones[z.Id] = z.ZoneId
	}
	for _, a := range w.AddResources {
		if z, ok := zones[a.ZoneId]; ok {
			if g.Zones == nil {
				g.Zones = map[string]string{}
			}
			g.Zones[a.ResourceDefinitionId] = z
		}
	}
	return g
}

// fromAssets is the engine's view of vimAssets: the VIM's flavour and
// image ids by descriptor; nil when there are none.
func fromAssets(w *GrantVimAssets) *lcm.VIMAssets {
	if w == nil || len(w.ComputeResourceFlavours)+len(w.SoftwareImages) == 0 {
		return nil
	}
	a := &lcm.VIMAssets{}
	for _, f := range w.ComputeResourceFlavours {
		if f.VnfdVirtualComputeDescId != "" && f.VimFlavourId != "" {
			if a.Flavours == nil {
				a.Flavours = map[string]string{}
			}
			a.Flavours[f.VnfdVirtualComputeDescId] = f.VimFlavourId
		}
	}
	for _, i := range w.SoftwareImages {
		if i.VnfdSoftwareImageId != "" && i.VimSoftwareImageId != "" {
			if a.Images == nil {
				a.Images = map[string]string{}
			}
			a.Images[i.VnfdSoftwareImageId] = i.VimSoftwareImageId
		}
	}
	return a
}
