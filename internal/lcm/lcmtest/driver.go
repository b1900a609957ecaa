// Package lcmtest holds test doubles of the lifecycle engine's
// dependencies: an in-memory VIM driver that records its calls and fails
// on demand, for unit tests of the engine and the API over it, and for
// measuring the engine's own overhead.
package lcmtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Driver is an in-memory VIM that records every call; FailNext makes
// the next call of a method fail. It is safe for concurrent use.
type Driver struct {
	mu     sync.Mutex
	calls  []string
	fail   map[string][]error
	hang   map[string]int
	vnfs   map[string]*vnf // by Handle.VNFInstanceID
	serial int
}

type vnf struct {
	desired map[string]int
	stopped bool
	pods    map[string][]string // VDU -> pod names
}

var _ vim.Driver = (*Driver)(nil)

// NewDriver returns an empty VIM.
func NewDriver() *Driver {
	return &Driver{fail: map[string][]error{}, vnfs: map[string]*vnf{}, hang: map[string]int{}}
}

// FailNext makes the next call of method return err.
func (d *Driver) FailNext(method string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail[method] = append(d.fail[method], err)
}

func (d *Driver) record(method string) error {
	d.calls = append(d.calls, method)
	if errs := d.fail[method]; len(errs) > 0 {
		d.fail[method] = errs[1:]
		return errs[0]
	}
	return nil
}

// HangNext makes the next call of method (Deploy only) hang until its ctx
// ends, as a VIM that never answers does.
func (d *Driver) HangNext(method string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hang[method]++
}

// hangs waits for ctx's end if method was made to hang.
func (d *Driver) hangs(ctx context.Context, method string) error {
	d.mu.Lock()
	n := d.hang[method]
	if n > 0 {
		d.hang[method] = n - 1
	}
	d.mu.Unlock()
	if n == 0 {
		return nil
	}
	<-ctx.Done()
	return vim.ContextError(method, ctx.Err())
}

// Count is how often method was called.
func (d *Driver) Count(method string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.calls {
		if c == method {
			n++
		}
	}
	return n
}

// Pods counts the instance's VNFC instances on the VIM.
func (d *Driver) Pods(id string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	if v := d.vnfs[id]; v != nil {
		for _, p := range v.pods {
			n += len(p)
		}
	}
	return n
}

// Exists reports whether the VIM has resources of the instance.
func (d *Driver) Exists(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.vnfs[id]
	return ok
}

// Capabilities: containers and manifests.
func (d *Driver) Capabilities() vim.Capabilities {
	return vim.Capabilities{Containers: true, Manifests: true}
}

// NewHandle names the VNF after its instance.
func (d *Driver) NewHandle(spec *vim.Spec) (vim.Handle, error) {
	return vim.NewDriverHandle("fake", 1, spec.VNFInstanceID, map[string]string{"ns": "vnf-" + spec.VNFInstanceID})
}

// Deploy sets every VDU to its count.
func (d *Driver) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	if err := d.hangs(ctx, "Deploy"); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Deploy"); err != nil {
		return err
	}
	v := d.vnfs[h.VNFInstanceID]
	if v == nil {
		v = &vnf{desired: map[string]int{}, pods: map[string][]string{}}
		d.vnfs[h.VNFInstanceID] = v
	}
	for _, vdu := range spec.VDUs {
		v.desired[vdu.ID] = vdu.Replicas
		d.converge(v, vdu.ID)
	}
	return nil
}

// converge makes the pods of vdu match the desired count (zero when stopped).
func (d *Driver) converge(v *vnf, vdu string) {
	want := v.desired[vdu]
	if v.stopped {
		want = 0
	}
	for len(v.pods[vdu]) < want {
		d.serial++
		v.pods[vdu] = append(v.pods[vdu], fmt.Sprintf("%s-%d", vdu, d.serial))
	}
	v.pods[vdu] = v.pods[vdu][:want]
}

// Scale sets one VDU's count.
func (d *Driver) Scale(_ context.Context, h vim.Handle, vduID string, n int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Scale"); err != nil {
		return err
	}
	v := d.vnfs[h.VNFInstanceID]
	if v == nil {
		return vim.Errorf(vim.ErrNotFound, "scale", "no vnf")
	}
	v.desired[vduID] = n
	d.converge(v, vduID)
	return nil
}

// Heal renames the named pods, as replacing them would.
func (d *Driver) Heal(_ context.Context, h vim.Handle, ids []string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Heal"); err != nil {
		return err
	}
	v := d.vnfs[h.VNFInstanceID]
	if v == nil {
		return vim.Errorf(vim.ErrNotFound, "heal", "no vnf")
	}
	for vdu, pods := range v.pods {
		for i, p := range pods {
			if slices.Contains(ids, p) {
				d.serial++
				pods[i] = fmt.Sprintf("%s-%d", vdu, d.serial)
			}
		}
	}
	return nil
}

// Operate stops or starts every VDU.
func (d *Driver) Operate(_ context.Context, h vim.Handle, st vim.OperationalState) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Operate"); err != nil {
		return err
	}
	v := d.vnfs[h.VNFInstanceID]
	if v == nil {
		return vim.Errorf(vim.ErrNotFound, "operate", "no vnf")
	}
	v.stopped = st == vim.Stopped
	for vdu := range v.desired {
		d.converge(v, vdu)
	}
	return nil
}

// Delete forgets the VNF.
func (d *Driver) Delete(_ context.Context, h vim.Handle) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Delete"); err != nil {
		return err
	}
	delete(d.vnfs, h.VNFInstanceID)
	return nil
}

// Observe reports the VNF's pods.
func (d *Driver) Observe(_ context.Context, h vim.Handle) (*vim.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Observe"); err != nil {
		return nil, err
	}
	v := d.vnfs[h.VNFInstanceID]
	if v == nil {
		return nil, vim.Errorf(vim.ErrNotFound, "observe", "no vnf")
	}
	st := &vim.State{Stopped: v.stopped, VDUs: map[string]vim.VDUState{}}
	for _, vdu := range slices.Sorted(maps.Keys(v.desired)) {
		pods := v.pods[vdu]
		st.VDUs[vdu] = vim.VDUState{Desired: v.desired[vdu], Replicas: len(pods), Ready: len(pods)}
		for _, p := range pods {
			st.VNFCs = append(st.VNFCs, vim.VNFC{ID: p, VDUID: vdu, ResourceID: "uid-" + p,
				ResourceType: "Pod", Ready: true, Phase: "Running"})
		}
	}
	return st, nil
}
