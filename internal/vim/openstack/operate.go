package openstack

import (
	"context"
	"fmt"
	"strconv"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// deployed returns the VNF's stack once settled; ErrNotFound when there is none.
func (d *Driver) deployed(ctx context.Context, h vim.Handle, op string) (*stack, error) {
	st, err := d.state(h)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, vim.ContextError(op, err)
	}
	s, err := d.settled(ctx, st.Stack)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, vim.Errorf(vim.ErrNotFound, op, "stack %s does not exist", st.Stack)
	}
	return s, nil
}

// Scale sets the VDU's desired count, and its group's size unless the VNF is stopped.
func (d *Driver) Scale(ctx context.Context, h vim.Handle, vduID string, replicas int) error {
	op := "scale vdu " + vduID
	if replicas < 0 {
		return vim.Errorf(vim.ErrPermanent, op, "replicas %d < 0", replicas)
	}
	s, err := d.deployed(ctx, h, op)
	if err != nil {
		return err
	}
	key := paramKey(vduID)
	if _, ok := s.Parameters[paramDesiredPrefix+key]; !ok {
		return vim.Errorf(vim.ErrNotFound, op, "stack %s has no vdu %s", s.Name, vduID)
	}
	params := map[string]any{paramDesiredPrefix + key: replicas}
	if !s.stopped() {
		params[paramReplicasPrefix+key] = replicas
	}
	if s.Parameters[paramDesiredPrefix+key] == strconv.Itoa(replicas) &&
		(s.stopped() || s.Parameters[paramReplicasPrefix+key] == strconv.Itoa(replicas)) && !s.failed() {
		return nil
	}
	if err := d.patchAndWait(ctx, s, params); err != nil {
		return err
	}
	d.log.Info("scaled vdu", "stack", s.Name, "vdu", vduID, "replicas", replicas)
	return nil
}

// Operate stops or starts the VNF's servers through Nova, keeping them: a stopped VNF keeps
// its servers, ports and volumes, powered off. The stack's stopped parameter records the
// state first, so a Scale or Deploy meanwhile, or a retry after a crash, knows it. Starting
// also brings each group to its desired count, which a Scale while stopped may have changed.
func (d *Driver) Operate(ctx context.Context, h vim.Handle, to vim.OperationalState) error {
	op := "operate to " + string(to)
	if to != vim.Started && to != vim.Stopped {
		return vim.Errorf(vim.ErrPermanent, op, "unknown state %q", to)
	}
	s, err := d.deployed(ctx, h, op)
	if err != nil {
		return err
	}
	params := map[string]any{paramStopped: 1}
	if to == vim.Started {
		params[paramStopped] = 0
		for name, v := range s.Parameters {
			if key, ok := cutPrefix(name, paramDesiredPrefix); ok {
				params[paramReplicasPrefix+key], _ = strconv.Atoi(v)
			}
		}
	}
	if s.failed() || !sameParams(s, params) {
		if err := d.patchAndWait(ctx, s, params); err != nil {
			return err
		}
	}
	if err := d.power(ctx, h.VNFInstanceID, s.Name, to == vim.Started); err != nil {
		return err
	}
	d.log.Info("operated vnf", "stack", s.Name, "state", to)
	return nil
}

// sameParams reports whether the stack already has every parameter value of params.
func sameParams(s *stack, params map[string]any) bool {
	for k, v := range params {
		if s.Parameters[k] != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}
