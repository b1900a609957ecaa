package grant

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

// RejectedError is a request the NFVO refuses; Reason says why, for the
// VNFM and its operator.
type RejectedError struct{ Reason string }

func (e *RejectedError) Error() string { return "grant rejected: " + e.Reason }

func rejectf(format string, args ...any) error {
	return &RejectedError{Reason: fmt.Sprintf(format, args...)}
}

// Usage is what grants have placed on one VIM, by resource type.
type Usage struct {
	Compute     int `json:"compute"`
	Storage     int `json:"storage"`
	VirtualLink int `json:"virtualLink"`
	LinkPort    int `json:"linkPort"`
}

// counter returns the field of u that counts resources of type t.
func (u *Usage) counter(t string) *int {
	switch t {
	case Compute:
		return &u.Compute
	case Storage:
		return &u.Storage
	case VL:
		return &u.VirtualLink
	case LinkPort:
		return &u.LinkPort
	}
	return nil
}

// apply returns u after the request's additions and removals; removals
// of resources granted before this registry kept count floor at zero.
func (u Usage) apply(req *Request) Usage {
	for _, r := range req.AddResources {
		if c := u.counter(r.Type); c != nil {
			*c++
		}
	}
	for _, r := range req.RemoveResources {
		if c := u.counter(r.Type); c != nil && *c > 0 {
			*c--
		}
	}
	return u
}

// checkQuota rejects usage beyond v's quota, naming every type over it.
func checkQuota(v vimreg.VIM, before, after Usage) error {
	if v.Quota == nil {
		return nil
	}
	limits := []struct {
		name          string
		limit, was, n int
	}{
		{"compute", v.Quota.Compute, before.Compute, after.Compute},
		{"storage", v.Quota.Storage, before.Storage, after.Storage},
		{"virtual link", v.Quota.VirtualLink, before.VirtualLink, after.VirtualLink},
		{"link port", v.Quota.LinkPort, before.LinkPort, after.LinkPort},
	}
	var errs []error
	for _, l := range limits {
		if l.limit > 0 && l.n > l.limit && l.n > l.was {
			errs = append(errs, fmt.Errorf("%s quota of VIM %s is %d: %d in use, the request would make it %d",
				l.name, v.ID, l.limit, l.was, l.n))
		}
	}
	if len(errs) > 0 {
		return &RejectedError{Reason: errors.Join(errs...).Error()}
	}
	return nil
}

// preferredVIM is the first connection, by id, of the request that names
// a registered VIM, and that connection's id.
func preferredVIM(req *Request, known func(vimID string) bool) (connID, vimID string) {
	for _, id := range slices.Sorted(maps.Keys(req.VIMs)) {
		if known(req.VIMs[id]) {
			return id, req.VIMs[id]
		}
	}
	return "", ""
}

// place fills g's zones and resource lists for VIM v, honouring the
// request's zone constraints.
func place(g *Grant, v vimreg.VIM) error {
	req := &g.Request
	for _, z := range v.Zones {
		g.Zones = append(g.Zones, Zone{ID: z, ZoneID: z, VIMConnectionID: g.ConnectionID})
	}
	zoneOf, err := zonesFor(req, v.Zones)
	if err != nil {
		return err
	}
	info := func(defs []ResourceDefinition, zoned bool) []ResourceInfo {
		var out []ResourceInfo
		for _, d := range defs {
			ri := ResourceInfo{ResourceDefinitionID: d.ID, VIMConnectionID: g.ConnectionID}
			if zoned && (d.Type == Compute || d.Type == Storage) {
				ri.ZoneID = zoneOf[d.ID]
			}
			out = append(out, ri)
		}
		return out
	}
	g.AddResources = info(req.AddResources, true)
	g.TempResources = info(req.TempResources, true)
	g.RemoveResources = info(req.RemoveResources, false)
	g.UpdateResources = info(req.UpdateResources, false)
	g.VIMAssets = assetsFor(req, v, g.ConnectionID)
	return nil
}

// assetsFor lists the flavours and images v has for the descriptors of
// the resources req adds, uses for a while or changes: a compute
// resource's VDU is its virtual compute descriptor and, with a virtual
// storage, may carry a software image. Resources being removed need
// none. nil when v has none of them.
func assetsFor(req *Request, v vimreg.VIM, connID string) *VIMAssets {
	computes, images := map[string]bool{}, map[string]bool{}
	for _, r := range slices.Concat(req.AddResources, req.TempResources, req.UpdateResources) {
		switch id := cmp.Or(r.VDUID, r.ResourceTemplateID); r.Type {
		case Compute:
			computes[id], images[id] = true, true
		case Storage:
			images[r.ResourceTemplateID] = true
		}
	}
	var out VIMAssets
	for _, id := range slices.Sorted(maps.Keys(computes)) {
		if f := vimreg.Asset(v.Flavours, req.VNFDID, id); id != "" && f != "" {
			out.ComputeFlavours = append(out.ComputeFlavours,
				FlavourAsset{VIMConnectionID: connID, VNFDVirtualComputeDescID: id, VIMFlavourID: f})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(images)) {
		if i := vimreg.Asset(v.Images, req.VNFDID, id); id != "" && i != "" {
			out.SoftwareImages = append(out.SoftwareImages,
				ImageAsset{VIMConnectionID: connID, VNFDSoftwareImageID: id, VIMSoftwareImageID: i})
		}
	}
	if len(out.ComputeFlavours) == 0 && len(out.SoftwareImages) == 0 {
		return nil
	}
	return &out
}

// zonesFor assigns a zone to every added resource: the first zone, or
// for a ZONE anti-affinity group one zone each (round robin when the
// constraint allows best effort), and for a ZONE affinity group the zone
// of its first member.
func zonesFor(req *Request, zones []string) (map[string]string, error) {
	out := map[string]string{}
	if len(zones) == 0 {
		return out, nil
	}
	for _, r := range slices.Concat(req.AddResources, req.TempResources) {
		out[r.ID] = zones[0]
	}
	for i, pc := range req.PlacementConstraints {
		if pc.Scope != "ZONE" {
			continue
		}
		switch pc.AffinityOrAntiAffinity {
		case "ANTI_AFFINITY":
			if len(pc.ResourceIDs) > len(zones) && !pc.FallbackBestEffort {
				return nil, rejectf("placementConstraints[%d]: anti-affinity of %d resources across zones, but the VIM has %d zones",
					i, len(pc.ResourceIDs), len(zones))
			}
			for j, id := range pc.ResourceIDs {
				if _, ok := out[id]; ok {
					out[id] = zones[j%len(zones)]
				}
			}
		case "AFFINITY":
			first := out[pc.ResourceIDs[0]]
			for _, id := range pc.ResourceIDs {
				if _, ok := out[id]; ok && first != "" {
					out[id] = first
				}
			}
		}
	}
	return out, nil
}
