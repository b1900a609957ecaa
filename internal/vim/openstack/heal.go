package openstack

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Heal marks the group members of the named VNFCs unhealthy and updates the stack, so Heat
// replaces their servers and ports under the same names. Names past a group's size count as
// replaced; a name that is not of this VNF is ErrNotFound.
func (d *Driver) Heal(ctx context.Context, h vim.Handle, vnfcIDs []string) error {
	s, err := d.deployed(ctx, h, "heal")
	if err != nil {
		return err
	}
	var members []string
	for _, id := range vnfcIDs {
		key, index, err := d.memberOf(s, id)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(s.Parameters[paramReplicasPrefix+key])
		if index < n { // else scaled in since: nothing to replace
			members = append(members, id)
		}
	}
	if len(members) == 0 {
		return nil
	}
	// Heat makes a replacement before it removes the old one; the old servers go first, so a
	// replacement fits where an anti-affinity group leaves no other host.
	if err := d.deleteServers(ctx, h.VNFInstanceID, s.Name, members); err != nil {
		return err
	}
	nested := map[string]*stack{}
	for _, id := range members {
		key, index, _ := d.memberOf(s, id)
		group, err := d.groupStack(ctx, s, key, nested)
		if err != nil {
			return err
		}
		if err := d.markUnhealthy(ctx, group, strconv.Itoa(index), "heal "+id); err != nil {
			return err
		}
	}
	if err := d.patchAndWait(ctx, s, map[string]any{}); err != nil {
		return err
	}
	if s.stopped() { // the replacements of a stopped VNF's servers are stopped too
		if err := d.power(ctx, h.VNFInstanceID, s.Name, false); err != nil {
			return err
		}
	}
	d.log.Info("healed vnfcs", "stack", s.Name, "vnfcs", vnfcIDs)
	return nil
}

// deleteServers deletes the named servers of the VNF and waits until they are gone.
func (d *Driver) deleteServers(ctx context.Context, vnfID, prefix string, names []string) error {
	for {
		list, err := d.listServers(ctx, vnfID, prefix)
		if err != nil {
			return err
		}
		left := 0
		for _, sv := range list {
			if !slices.Contains(names, sv.Name) {
				continue
			}
			left++
			if sv.Status == "DELETED" || sv.TaskState == "deleting" {
				continue
			}
			if err := servers.Delete(ctx, d.compute, sv.ID).ExtractErr(); err != nil && !isNotFound(err) {
				return classify("delete server "+sv.Name, err)
			}
		}
		if left == 0 {
			return nil
		}
		if err := d.pause(ctx, "wait for servers to go"); err != nil {
			return err
		}
	}
}

// memberOf parses a server name, <stack>-<vdu>-<index>, into its VDU key and index.
func (d *Driver) memberOf(s *stack, id string) (string, int, error) {
	rest, ok := strings.CutPrefix(id, s.Name+"-")
	i := strings.LastIndexByte(rest, '-')
	if !ok || i < 0 {
		return "", 0, vim.Errorf(vim.ErrNotFound, "heal", "vnfc %s is not of stack %s", id, s.Name)
	}
	key := paramKey(rest[:i])
	index, err := strconv.Atoi(rest[i+1:])
	if _, known := s.Parameters[paramDesiredPrefix+key]; err != nil || !known || index < 0 {
		return "", 0, vim.Errorf(vim.ErrNotFound, "heal", "vnfc %s is not of stack %s", id, s.Name)
	}
	return key, index, nil
}

// groupStack returns the nested stack of a VDU's resource group, cached in seen.
func (d *Driver) groupStack(ctx context.Context, s *stack, key string, seen map[string]*stack) (*stack, error) {
	if g, ok := seen[key]; ok {
		return g, nil
	}
	res, err := d.getResource(ctx, s, "vdu_"+key)
	if err != nil {
		return nil, err
	}
	g, err := d.stackByID(ctx, res.PhysicalID)
	if err != nil {
		return nil, err
	}
	seen[key] = g
	return g, nil
}
