package grant

import (
	"errors"
	"fmt"

	"github.com/cadenza-mano/cadenza/internal/grant"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

// ParamVIMConnections is the additionalParams key under which a VNFM
// names the VIM connections of the VNF instance (see the package doc).
const ParamVIMConnections = "vimConnectionInfo"

// toRequest checks what the wire must carry and converts to the internal
// request; the internal Validate checks the rest.
func toRequest(w *GrantRequest) (grant.Request, error) {
	var errs []error
	if w.IsAutomaticInvocation == nil {
		errs = append(errs, errors.New("isAutomaticInvocation: required"))
	}
	r := grant.Request{VNFInstanceID: w.VnfInstanceId, VNFLcmOpOccID: w.VnfLcmOpOccId, VNFDID: w.VnfdId,
		DstVNFDID: w.DstVnfdId, FlavourID: w.FlavourId, Operation: w.Operation,
		InstantiationLevelID: w.InstantiationLevelId, AdditionalParams: w.AdditionalParams,
		AddResources: toDefs(w.AddResources), TempResources: toDefs(w.TempResources),
		RemoveResources: toDefs(w.RemoveResources), UpdateResources: toDefs(w.UpdateResources)}
	if w.IsAutomaticInvocation != nil {
		r.IsAutomaticInvocation = *w.IsAutomaticInvocation
	}
	if l := w.Links; l != nil && l.VnfLcmOpOcc != nil && l.VnfInstance != nil {
		r.OpOccHref, r.InstanceHref = l.VnfLcmOpOcc.Href, l.VnfInstance.Href
	}
	for _, pc := range w.PlacementConstraints {
		p := grant.PlacementConstraint{AffinityOrAntiAffinity: pc.AffinityOrAntiAffinity, Scope: pc.Scope,
			FallbackBestEffort: pc.FallbackBestEffort}
		for _, ref := range pc.Resource {
			p.ResourceIDs = append(p.ResourceIDs, ref.ResourceId)
		}
		r.PlacementConstraints = append(r.PlacementConstraints, p)
	}
	vims, err := vimsOf(w.AdditionalParams)
	if err != nil {
		errs = append(errs, err)
	}
	r.VIMs = vims
	return r, grant.Invalid(append(errs, r.Problems()...)...)
}

func toDefs(ws []ResourceDefinition) []grant.ResourceDefinition {
	var out []grant.ResourceDefinition
	for _, w := range ws {
		d := grant.ResourceDefinition{ID: w.Id, Type: w.Type, VDUID: w.VduId, ResourceTemplateID: w.ResourceTemplateId}
		if w.Resource != nil {
			d.ResourceID, d.VIMConnectionID = w.Resource.ResourceId, w.Resource.VimConnectionId
		}
		out = append(out, d)
	}
	return out
}

// vimsOf reads the VIM connections a VNFM named, connection id to vimId.
func vimsOf(params map[string]any) (map[string]string, error) {
	raw, ok := params[ParamVIMConnections]
	if !ok {
		return nil, nil
	}
	conns, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("additionalParams.%s: want an object of VimConnectionInfo", ParamVIMConnections)
	}
	out := map[string]string{}
	for id, c := range conns {
		m, _ := c.(map[string]any)
		if vimID, _ := m["vimId"].(string); vimID != "" {
			out[id] = vimID
		}
	}
	return out, nil
}

// toGrant is the wire form of a granted g on VIM v (with its
// credentials), with self at prefix.
func toGrant(g grant.Grant, v vimreg.VIM, prefix string) *Grant {
	req := g.Request
	w := &Grant{Id: g.ID, VnfInstanceId: req.VNFInstanceID, VnfLcmOpOccId: req.VNFLcmOpOccID,
		AddResources: toInfos(g.AddResources), TempResources: toInfos(g.TempResources),
		RemoveResources: toInfos(g.RemoveResources), UpdateResources: toInfos(g.UpdateResources),
		Links: GrantLinks{Self: Link{Href: prefix + "/grants/" + g.ID},
			VnfLcmOpOcc: Link{Href: req.OpOccHref}, VnfInstance: Link{Href: req.InstanceHref}}}
	if g.VIMID != "" {
		c := VimConnectionInfo{Id: g.ConnectionID, VimId: v.ID, VimType: v.VIMType,
			InterfaceInfo: v.InterfaceInfo, AccessInfo: v.AccessInfo, Extra: v.Extra}
		w.VimConnectionInfo = map[string]VimConnectionInfo{g.ConnectionID: c}
		w.VimConnections = []VimConnectionInfo{c}
	}
	for _, z := range g.Zones {
		w.Zones = append(w.Zones, ZoneInfo{Id: z.ID, ZoneId: z.ZoneID, VimConnectionId: z.VIMConnectionID})
	}
	w.VimAssets = toAssets(g.VIMAssets)
	return w
}

func toAssets(a *grant.VIMAssets) *GrantVimAssets {
	if a == nil {
		return nil
	}
	w := &GrantVimAssets{}
	for _, f := range a.ComputeFlavours {
		w.ComputeResourceFlavours = append(w.ComputeResourceFlavours, VimComputeResourceFlavour{
			VimConnectionId: f.VIMConnectionID, VnfdVirtualComputeDescId: f.VNFDVirtualComputeDescID, VimFlavourId: f.VIMFlavourID})
	}
	for _, i := range a.SoftwareImages {
		w.SoftwareImages = append(w.SoftwareImages, VimSoftwareImage{
			VimConnectionId: i.VIMConnectionID, VnfdSoftwareImageId: i.VNFDSoftwareImageID, VimSoftwareImageId: i.VIMSoftwareImageID})
	}
	return w
}

func toInfos(in []grant.ResourceInfo) []GrantInfo {
	var out []GrantInfo
	for _, ri := range in {
		out = append(out, GrantInfo{ResourceDefinitionId: ri.ResourceDefinitionID,
			VimConnectionId: ri.VIMConnectionID, ZoneId: ri.ZoneID})
	}
	return out
}
