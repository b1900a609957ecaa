package openstack

import (
	"context"
	"strconv"
	"strings"

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
	marked := 0
	nested := map[string]*stack{}
	for _, id := range vnfcIDs {
		key, index, err := d.memberOf(s, id)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(s.Parameters[paramReplicasPrefix+key])
		if index >= n {
			continue // scaled in or stopped since: nothing to replace
		}
		group, err := d.groupStack(ctx, s, key, nested)
		if err != nil {
			return err
		}
		if err := d.markUnhealthy(ctx, group, strconv.Itoa(index), "heal "+id); err != nil {
			return err
		}
		marked++
	}
	if marked == 0 {
		return nil
	}
	if err := d.patchAndWait(ctx, s, map[string]any{}); err != nil {
		return err
	}
	d.log.Info("healed vnfcs", "stack", s.Name, "vnfcs", vnfcIDs)
	return nil
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
