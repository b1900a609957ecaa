package openstack

import (
	"context"
	"errors"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Nova's server statuses the driver powers between.
const (
	statusActive  = "ACTIVE"
	statusShutoff = "SHUTOFF"
	statusError   = "ERROR"
)

// power brings every server of the VNF to ACTIVE (on) or SHUTOFF (off) through Nova's
// os-start and os-stop actions, and waits until they are there. A server that is still
// building or busy with another task is waited for, then powered. A server in ERROR counts
// as off, and fails a power on with ErrPermanent: it has to be healed.
func (d *Driver) power(ctx context.Context, vnfID, prefix string, on bool) error {
	op, want := "stop servers", statusShutoff
	if on {
		op, want = "start servers", statusActive
	}
	ctx, cancel := context.WithTimeout(ctx, d.opts.ReadyTimeout)
	defer cancel()
	for {
		list, err := d.listServers(ctx, vnfID, prefix)
		if err != nil {
			return err
		}
		left := 0
		for _, sv := range list {
			done, err := d.powerOne(ctx, sv, on, want)
			if err != nil {
				return err
			}
			if !done {
				left++
			}
		}
		if left == 0 {
			return nil
		}
		if err := d.pause(ctx, op); err != nil {
			return err
		}
	}
}

// powerOne asks Nova to power one server when it is settled in the other state, and
// reports whether it is already where it should be.
func (d *Driver) powerOne(ctx context.Context, sv servers.Server, on bool, want string) (bool, error) {
	switch {
	case sv.Status == statusError && on:
		return false, vim.Errorf(vim.ErrPermanent, "start server "+sv.Name, "server is in ERROR: %s", faultOf(sv))
	case sv.Status == statusError, sv.Status == want && sv.TaskState == "":
		return true, nil
	case sv.TaskState != "" || sv.Status != statusActive && sv.Status != statusShutoff:
		return false, nil // building, rebooting or already powering: look again
	}
	var err error
	if on {
		err = servers.Start(ctx, d.compute, sv.ID).ExtractErr()
	} else {
		err = servers.Stop(ctx, d.compute, sv.ID).ExtractErr()
	}
	err = classify("power server "+sv.Name, err)
	if errors.Is(err, vim.ErrConflict) {
		return false, nil // its state changed since the list: Nova refuses, look again
	}
	return false, err
}

// faultOf is Nova's message for a server in ERROR.
func faultOf(sv servers.Server) string {
	if sv.Fault.Message != "" {
		return sv.Fault.Message
	}
	return "no fault recorded"
}
