package openstack

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Observe reads the stack's parameters, the VNF's servers (by name and metadata), its ports
// (by tag) and its volumes (by metadata): four API calls whatever the size of the VNF.
func (d *Driver) Observe(ctx context.Context, h vim.Handle) (*vim.State, error) {
	st, err := d.state(h)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, vim.ContextError("observe", err)
	}
	s, err := d.getStack(ctx, st.Stack)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, vim.Errorf(vim.ErrNotFound, "observe", "stack %s does not exist", st.Stack)
	}
	out := &vim.State{Namespace: s.Name, Stopped: s.stopped(), VDUs: map[string]vim.VDUState{},
		ConnectionPoints: map[string]vim.CPState{}, Storages: map[string]vim.StorageState{}}
	for name, v := range s.Parameters {
		if key, ok := cutPrefix(name, paramDesiredPrefix); ok {
			desired, _ := strconv.Atoi(v)
			replicas, _ := strconv.Atoi(s.Parameters[paramReplicasPrefix+key])
			if s.stopped() {
				replicas = 0 // the servers are kept, powered off: none is asked to run
			}
			out.VDUs[key] = vim.VDUState{Desired: desired, Replicas: replicas, ResourceID: s.ID + "/vdu_" + key}
		}
	}
	if err := d.observeServers(ctx, h.VNFInstanceID, st.Stack, out); err != nil {
		return nil, err
	}
	if err := d.observePorts(ctx, h.VNFInstanceID, out); err != nil {
		return nil, err
	}
	if err := d.observeVolumes(ctx, h.VNFInstanceID, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *Driver) listServers(ctx context.Context, vnfID, prefix string) ([]servers.Server, error) {
	pages, err := servers.List(d.compute, servers.ListOpts{Name: "^" + regexp.QuoteMeta(prefix+"-")}).AllPages(ctx)
	if err != nil {
		return nil, classify("list servers", err)
	}
	all, err := servers.ExtractServers(pages)
	if err != nil {
		return nil, classify("list servers", err)
	}
	var out []servers.Server
	for _, sv := range all {
		if sv.Metadata[metaVNF] == vnfID && sv.Status != "DELETED" && sv.Status != "SOFT_DELETED" {
			out = append(out, sv)
		}
	}
	return out, nil
}

func (d *Driver) observeServers(ctx context.Context, vnfID, prefix string, out *vim.State) error {
	list, err := d.listServers(ctx, vnfID, prefix)
	if err != nil {
		return err
	}
	for _, sv := range list {
		vdu := sv.Metadata[metaVDU]
		c := vim.VNFC{ID: sv.Name, VDUID: vdu, ResourceID: sv.ID, ResourceType: "OS::Nova::Server",
			Ready: sv.Status == statusActive, Phase: sv.Status, Host: sv.Host, Zone: sv.AvailabilityZone,
			Addresses: addresses(sv.Addresses)}
		if id, ok := sv.Image["id"].(string); ok {
			c.Images = []string{id}
		}
		out.VNFCs = append(out.VNFCs, c)
		vs := out.VDUs[paramKey(vdu)]
		if c.Ready {
			vs.Ready++
		}
		delete(out.VDUs, paramKey(vdu))
		out.VDUs[vdu] = vs
	}
	sort.Slice(out.VNFCs, func(i, j int) bool {
		a, b := out.VNFCs[i], out.VNFCs[j]
		return a.VDUID < b.VDUID || a.VDUID == b.VDUID && a.ID < b.ID
	})
	return nil
}

// addresses flattens Nova's addresses (network name to a list of {addr}).
func addresses(m map[string]any) []string {
	var out []string
	for _, list := range m {
		items, _ := list.([]any)
		for _, it := range items {
			if a, ok := it.(map[string]any)["addr"].(string); ok {
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (d *Driver) observePorts(ctx context.Context, vnfID string, out *vim.State) error {
	pages, err := ports.List(d.network, ports.ListOpts{Tags: vnfTag(vnfID)}).AllPages(ctx)
	if err != nil {
		return classify("list ports", err)
	}
	all, err := ports.ExtractPorts(pages)
	if err != nil {
		return classify("list ports", err)
	}
	for _, p := range all {
		cp := ""
		for _, t := range p.Tags {
			if v, ok := strings.CutPrefix(t, "cp="); ok {
				cp = v
			}
		}
		if cp == "" {
			continue
		}
		st := out.ConnectionPoints[cp]
		st.ResourceID = p.NetworkID
		for _, ip := range p.FixedIPs {
			st.Addresses = append(st.Addresses, ip.IPAddress)
		}
		sort.Strings(st.Addresses)
		out.ConnectionPoints[cp] = st
	}
	return nil
}
