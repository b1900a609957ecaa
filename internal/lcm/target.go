package lcm

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// target is what a step works with: the package, the flavour and the
// driver of the instance's VIM.
type target struct {
	pkg    *Package
	fl     *vnfd.Flavour
	drv    vim.Driver
	connID string
	// zones confine VDUs' instances, by VDU ID (granted at instantiation).
	zones map[string][]string
	// assets are the VIM's flavours and images granted so far.
	assets *VIMAssets
}

// flavourOf returns the package's flavour id, or ErrInvalid.
func flavourOf(pkg *Package, id string) (*vnfd.Flavour, error) {
	fl := pkg.VNFD.Flavour(id)
	if fl == nil {
		return nil, fmt.Errorf("vnfd %s has no deployment flavour %q: %w", pkg.VNFD.ID, id, ErrInvalid)
	}
	return fl, nil
}

// target resolves the package of vnfdID, its flavour and the driver of
// the first of conns (or the default VIM when there are none).
func (s *Service) target(ctx context.Context, vnfdID, flavourID string, conns map[string]VIMConnectionInfo) (*target, error) {
	pkg, err := s.opts.Packages.Package(ctx, vnfdID)
	if err != nil {
		return nil, err
	}
	fl, err := flavourOf(pkg, flavourID)
	if err != nil {
		return nil, err
	}
	id, conn := connectionOf(conns)
	drv, err := s.opts.Drivers.Driver(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("vim %s: %w", cmp.Or(id, "(default)"), err)
	}
	return &target{pkg: pkg, fl: fl, drv: drv, connID: id}, nil
}

// connectionOf picks the VIM connection to use: the first by key, or none.
func connectionOf(conns map[string]VIMConnectionInfo) (string, *vim.Connection) {
	if len(conns) == 0 {
		return "", nil
	}
	id := slices.Sorted(maps.Keys(conns))[0]
	c := conns[id]
	ii, ai := c.InterfaceInfo, c.AccessInfo
	conn := &vim.Connection{VIMID: c.VIMID, VIMType: c.VIMType, Endpoint: ii["endpoint"],
		CACert: []byte(ii["ssl_ca_cert"]), Namespace: ii["namespace"],
		BearerToken: vim.NewSecret(ai["bearer_token"]), ClientCert: []byte(ai["client_cert"]),
		ClientKey: vim.NewSecret(ai["client_key"])}
	if conn.IsOpenStack() {
		conn.CACert = []byte(cmp.Or(ii["ssl_ca_cert"], ii["caCert"]))
		conn.OpenStack = openStackAuthOf(ai)
	}
	return id, conn
}

// openStackAuthOf reads Keystone v3 credentials from accessInfo, under the
// keys Tacker uses.
func openStackAuthOf(ai map[string]string) *vim.OpenStackAuth {
	return &vim.OpenStackAuth{Username: ai["username"], UserID: ai["userId"],
		Password: vim.NewSecret(ai["password"]), ProjectName: ai["project"],
		ProjectID: ai["projectId"], UserDomain: ai["userDomain"], ProjectDomain: ai["projectDomain"],
		Region:                      ai["region"],
		ApplicationCredentialID:     ai["applicationCredentialId"],
		ApplicationCredentialSecret: vim.NewSecret(ai["applicationCredentialSecret"])}
}

// plan builds the instance's spec at levels, its external CPs on the
// external virtual links ext (SOL 003 ExtVirtualLinkData).
func (t *target) plan(instID string, levels map[string]int, params map[string]any, ext json.RawMessage) (*vim.Spec, error) {
	return Plan(PlanInput{VNFInstanceID: instID, Flavour: t.fl, Levels: levels,
		Package: t.pkg.Content, AdditionalParams: params, ExtVirtualLinks: ext, Zones: t.zones,
		VIMAssets: t.assets})
}

// ensureHandle returns the operation's Handle, naming it and recording it
// on the occurrence before the first change on the VIM.
func (s *Service) ensureHandle(ctx context.Context, op *OpOcc, drv vim.Driver, spec *vim.Spec) (vim.Handle, error) {
	if op.Handle != nil {
		return *op.Handle, nil
	}
	h, err := drv.NewHandle(spec)
	if err != nil {
		return h, fmt.Errorf("name vim resources: %w", err)
	}
	_, err = s.ops.Update(ctx, op.ID, 0, func(o *OpOcc) error {
		o.Handle = &h
		return nil
	})
	op.Handle = &h
	return h, err
}

// observe reads the VNF's resources from the VIM into info.
func (t *target) observe(ctx context.Context, h vim.Handle, info *InstantiatedInfo) error {
	st, err := t.drv.Observe(ctx, h)
	if err != nil {
		return fmt.Errorf("observe vnf: %w", err)
	}
	info.VNFCs = info.VNFCs[:0]
	for _, c := range st.VNFCs {
		info.VNFCs = append(info.VNFCs, VNFCResource{ID: c.ID, VDUID: c.VDUID, ResourceID: c.ResourceID,
			ResourceType: c.ResourceType, VIMName: t.connID, Zone: c.Zone, Host: c.Host,
			Addresses: c.Addresses})
	}
	info.VNFCProperties = keptProperties(info.VNFCProperties, info.VNFCs)
	info.VirtualLinks, info.ExtCPs = nil, nil
	for _, id := range slices.Sorted(maps.Keys(st.ConnectionPoints)) {
		cp := st.ConnectionPoints[id]
		info.VirtualLinks = append(info.VirtualLinks, VirtualLinkInfo{ID: id, VLDID: id, ResourceID: cp.ResourceID})
		if t.isExternal(id) {
			info.ExtCPs = append(info.ExtCPs, ExtCPInfo{ID: id, CPDID: id, Addresses: cp.Addresses})
		}
	}
	info.VirtualStorages = nil
	for _, id := range slices.Sorted(maps.Keys(st.Storages)) {
		sto := st.Storages[id]
		info.VirtualStorages = append(info.VirtualStorages, VirtualStorageInfo{ID: id, DescID: id,
			ResourceID: sto.ResourceID, SizeBytes: sto.SizeBytes})
	}
	return nil
}

// keptProperties drops the configurable properties of VNFCs that are gone
// (scaled in, or replaced under a new ID by a heal or a redeploy), so a
// new VNFC never inherits them; it returns a new map, leaving props as the
// operation found it.
func keptProperties(props map[string]map[string]any, vnfcs []VNFCResource) map[string]map[string]any {
	var out map[string]map[string]any
	for _, c := range vnfcs {
		if p, ok := props[c.ID]; ok {
			if out == nil {
				out = make(map[string]map[string]any, len(props))
			}
			out[c.ID] = p
		}
	}
	return out
}

// isExternal reports whether a CP is one of the VNF's external CPs: a
// VnfExtCp, or a VduCp exposed through substitution mappings.
func (t *target) isExternal(cpID string) bool {
	for _, cp := range t.fl.ExtCPs {
		if cp.ID == cpID {
			return true
		}
	}
	for _, cp := range t.fl.VduCPs {
		if cp.ID == cpID && cp.VirtualLink == "" {
			return true
		}
	}
	return false
}

// diff lists the VNFCs after has that before lacked, and the reverse.
func diff(before, after []VNFCResource) *ResourceChanges {
	in := func(list []VNFCResource, id string) bool {
		return slices.ContainsFunc(list, func(c VNFCResource) bool { return c.ID == id })
	}
	rc := &ResourceChanges{}
	for _, c := range after {
		if !in(before, c.ID) {
			rc.Added = append(rc.Added, c)
		}
	}
	for _, c := range before {
		if !in(after, c.ID) {
			rc.Removed = append(rc.Removed, c)
		}
	}
	return rc
}

// reconcileCounts scales every VDU whose desired count differs from spec.
func reconcileCounts(ctx context.Context, drv vim.Driver, h vim.Handle, spec *vim.Spec) error {
	st, err := drv.Observe(ctx, h)
	if err != nil {
		return fmt.Errorf("observe vnf: %w", err)
	}
	for _, v := range spec.VDUs {
		if cur, ok := st.VDUs[v.ID]; ok && cur.Desired == v.Replicas {
			continue
		}
		if err := drv.Scale(ctx, h, v.ID, v.Replicas); err != nil {
			return fmt.Errorf("scale vdu %s to %d: %w", v.ID, v.Replicas, err)
		}
	}
	return nil
}

// cloneInfo copies info deeply enough for a step to change it.
func cloneInfo(info *InstantiatedInfo) *InstantiatedInfo {
	if info == nil {
		return &InstantiatedInfo{}
	}
	c := *info
	c.ScaleStatus = maps.Clone(info.ScaleStatus)
	c.VNFCs = slices.Clone(info.VNFCs)
	return &c
}
