package openstack

import (
	"context"
	"errors"
	"strconv"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Deploy creates the VNF's stack or updates it to spec, and waits until Heat reports it
// complete (servers ACTIVE). A stopped VNF stays stopped: its groups keep their sizes, their
// servers stay powered off, and the spec's counts become the desired ones. A spec with storage fails with ErrPermanent on a
// cloud without a block storage service.
func (d *Driver) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	st, err := d.state(h)
	if err != nil {
		return err
	}
	if err := d.checkStorage("deploy", spec); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return vim.ContextError("deploy", err)
	}
	r, err := d.resolve(ctx, spec)
	if err != nil {
		return err
	}
	for {
		s, err := d.settled(ctx, st.Stack)
		if err != nil {
			return err
		}
		if s != nil && s.Status == "DELETE_FAILED" {
			return vim.Errorf(vim.ErrPermanent, "deploy stack "+st.Stack, "a delete failed: %s", s.Reason)
		}
		body, err := buildStack(spec, r, heldSizes(s))
		if err != nil {
			return err
		}
		if s == nil {
			err = d.createStack(ctx, st.Stack, body)
		} else {
			err = d.updateStack(ctx, s, body)
		}
		if errors.Is(err, vim.ErrConflict) {
			continue // created or changed by another call meanwhile: settle and update it
		}
		if err != nil {
			return err
		}
		if _, err := d.settledOK(ctx, st.Stack); err != nil {
			return err
		}
		if s != nil && s.stopped() {
			// a resize or a recreated server may have come up running
			if err := d.power(ctx, h.VNFInstanceID, st.Stack, false); err != nil {
				return err
			}
		}
		d.log.Info("deployed stack", "stack", st.Stack, "created", s == nil)
		return nil
	}
}

// heldSizes are the group sizes of a stopped stack by VDU key; nil when it is running or
// there is no stack.
func heldSizes(s *stack) map[string]int {
	if s == nil || !s.stopped() {
		return nil
	}
	out := map[string]int{}
	for name, v := range s.Parameters {
		if key, ok := cutPrefix(name, paramReplicasPrefix); ok {
			out[key], _ = strconv.Atoi(v)
		}
	}
	return out
}

// Delete removes the VNF's stack, and with it everything Heat made for it, and waits until
// it is gone. A failed delete is tried again once, as Heat may have been racing a resource
// that was still being created.
func (d *Driver) Delete(ctx context.Context, h vim.Handle) error {
	st, err := d.state(h)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return vim.ContextError("delete", err)
	}
	for attempt := 0; ; attempt++ {
		s, err := d.settled(ctx, st.Stack)
		if err != nil || s == nil {
			return err
		}
		if attempt > 0 && s.Status == "DELETE_FAILED" && attempt >= 3 {
			return vim.Errorf(vim.ErrTransient, "delete stack "+st.Stack, "%s", s.Reason)
		}
		if err := d.deleteStack(ctx, s); err != nil && !errors.Is(err, vim.ErrConflict) {
			return err
		}
		if attempt == 0 {
			d.log.Info("deleting stack", "stack", st.Stack)
		}
	}
}
