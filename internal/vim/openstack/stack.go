package openstack

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// stack is what the driver reads of a Heat stack.
type stack struct {
	ID         string            `json:"id"`
	Name       string            `json:"stack_name"`
	Status     string            `json:"stack_status"`
	Reason     string            `json:"stack_status_reason"`
	Parameters map[string]string `json:"parameters"`
}

func (s *stack) inProgress() bool { return strings.HasSuffix(s.Status, "_IN_PROGRESS") }
func (s *stack) failed() bool     { return strings.HasSuffix(s.Status, "_FAILED") }

// stopped reports the stopped parameter of the stack.
func (s *stack) stopped() bool { return s.Parameters[paramStopped] == "1" }

func (d *Driver) stackURL(s *stack) string {
	return d.heat.ServiceURL("stacks", url.PathEscape(s.Name), s.ID)
}

// getStack reads a stack by name; nil when there is none.
func (d *Driver) getStack(ctx context.Context, name string) (*stack, error) {
	var out struct {
		Stack stack `json:"stack"`
	}
	_, err := d.heat.Get(ctx, d.heat.ServiceURL("stacks", url.PathEscape(name)), &out, nil)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, classify("get stack "+name, err)
	}
	if out.Stack.Status == "DELETE_COMPLETE" {
		return nil, nil
	}
	return &out.Stack, nil
}

// pause waits one poll interval between status reads, counting it as time
// spent waiting on OpenStack; it fails with op's context error when ctx ends.
func (d *Driver) pause(ctx context.Context, op string) error {
	select {
	case <-ctx.Done():
		return vim.ContextError(op, ctx.Err())
	case <-time.After(d.opts.PollInterval):
		d.waited.Add(int64(d.opts.PollInterval))
		return nil
	}
}

// settled waits until the stack is not in progress and returns it (nil when there is none).
func (d *Driver) settled(ctx context.Context, name string) (*stack, error) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.ReadyTimeout)
	defer cancel()
	for {
		s, err := d.getStack(ctx, name)
		if err != nil || s == nil || !s.inProgress() {
			return s, err
		}
		if err := d.pause(ctx, "wait for stack "+name+" ("+s.Status+")"); err != nil {
			return nil, err
		}
	}
}

// settledOK waits for the stack and fails unless its last action completed.
func (d *Driver) settledOK(ctx context.Context, name string) (*stack, error) {
	s, err := d.settled(ctx, name)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return nil, vim.Errorf(vim.ErrNotFound, "wait for stack "+name, "stack is gone")
	case s.failed():
		return s, vim.Errorf(vim.ErrPermanent, "stack "+name, "%s: %s", s.Status, s.Reason)
	}
	return s, nil
}

// stackRequest is the body of a create or a full update.
func stackRequest(name string, b *stackBody) map[string]any {
	req := map[string]any{"template": b.template, "files": b.files, "parameters": b.params,
		"disable_rollback": true, "timeout_mins": 30}
	if name != "" {
		req["stack_name"] = name
	}
	return req
}

func (d *Driver) createStack(ctx context.Context, name string, b *stackBody) error {
	_, err := d.heat.Post(ctx, d.heat.ServiceURL("stacks"), stackRequest(name, b), nil,
		&gophercloud.RequestOpts{OkCodes: []int{201}})
	return classify("create stack "+name, err)
}

func (d *Driver) updateStack(ctx context.Context, s *stack, b *stackBody) error {
	_, err := d.heat.Put(ctx, d.stackURL(s), stackRequest("", b), nil, &gophercloud.RequestOpts{OkCodes: []int{202}})
	return classify("update stack "+s.Name, err)
}

// patchStack changes parameters only, keeping the template and the other parameters.
func (d *Driver) patchStack(ctx context.Context, s *stack, params map[string]any) error {
	_, err := d.heat.Patch(ctx, d.stackURL(s), map[string]any{"parameters": params}, nil,
		&gophercloud.RequestOpts{OkCodes: []int{202}})
	return classify("update parameters of stack "+s.Name, err)
}

// patchAndWait patches the stack's parameters and waits for the update to complete.
func (d *Driver) patchAndWait(ctx context.Context, s *stack, params map[string]any) error {
	if err := d.patchStack(ctx, s, params); err != nil {
		return err
	}
	_, err := d.settledOK(ctx, s.Name)
	return err
}

func (d *Driver) deleteStack(ctx context.Context, s *stack) error {
	_, err := d.heat.Delete(ctx, d.stackURL(s), nil)
	if isNotFound(err) {
		return nil
	}
	return classify("delete stack "+s.Name, err)
}

// resource is what the driver reads of a stack resource.
type resource struct {
	Name       string `json:"resource_name"`
	PhysicalID string `json:"physical_resource_id"`
	Status     string `json:"resource_status"`
}

func (d *Driver) getResource(ctx context.Context, s *stack, name string) (*resource, error) {
	var out struct {
		Resource resource `json:"resource"`
	}
	_, err := d.heat.Get(ctx, d.stackURL(s)+"/resources/"+url.PathEscape(name), &out, nil)
	if err != nil {
		return nil, classify(fmt.Sprintf("get resource %s of stack %s", name, s.Name), err)
	}
	return &out.Resource, nil
}

// stackByID reads a (nested) stack by its ID.
func (d *Driver) stackByID(ctx context.Context, id string) (*stack, error) {
	var out struct {
		Stack stack `json:"stack"`
	}
	_, err := d.heat.Get(ctx, d.heat.ServiceURL("stacks", id), &out, nil)
	if err != nil {
		return nil, classify("get stack "+id, err)
	}
	return &out.Stack, nil
}

func (d *Driver) markUnhealthy(ctx context.Context, s *stack, name, reason string) error {
	_, err := d.heat.Patch(ctx, d.stackURL(s)+"/resources/"+url.PathEscape(name),
		map[string]any{"mark_unhealthy": true, "resource_status_reason": reason}, nil,
		&gophercloud.RequestOpts{OkCodes: []int{200}})
	return classify(fmt.Sprintf("mark %s of stack %s unhealthy", name, s.Name), err)
}
