package lcm

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// fakeDriver is an in-memory VIM that records every call. fail makes the
// next calls of a method fail with the given error.
type fakeDriver struct {
	mu     sync.Mutex
	calls  []string
	fail   map[string][]error
	vnfs   map[string]*fakeVNF // by Handle.VNFInstanceID
	serial int
}

type fakeVNF struct {
	desired map[string]int
	stopped bool
	pods    map[string][]string // VDU -> pod names
}

var _ vim.Driver = (*fakeDriver)(nil)

func newFakeDriver() *fakeDriver {
	return &fakeDriver{fail: map[string][]error{}, vnfs: map[string]*fakeVNF{}}
}

// failNext makes the next call of method return err.
func (d *fakeDriver) failNext(method string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail[method] = append(d.fail[method], err)
}

func (d *fakeDriver) record(method string) error {
	d.calls = append(d.calls, method)
	if errs := d.fail[method]; len(errs) > 0 {
		d.fail[method] = errs[1:]
		return errs[0]
	}
	return nil
}

// count is how often method was called.
func (d *fakeDriver) count(method string) int {
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

// pods counts the instance's VNFC instances on the VIM.
func (d *fakeDriver) pods(id string) int {
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

// exists reports whether the VIM has resources of the instance.
func (d *fakeDriver) exists(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.vnfs[id]
	return ok
}

func (d *fakeDriver) Capabilities() vim.Capabilities {
	return vim.Capabilities{Containers: true, Manifests: true}
}

func (d *fakeDriver) NewHandle(spec *vim.Spec) (vim.Handle, error) {
	return vim.NewDriverHandle("fake", 1, spec.VNFInstanceID, map[string]string{"ns": "vnf-" + spec.VNFInstanceID})
}

func (d *fakeDriver) Deploy(_ context.Context, h vim.Handle, spec *vim.Spec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Deploy"); err != nil {
		return err
	}
	v := d.vnfs[h.VNFInstanceID]
	if v == nil {
		v = &fakeVNF{desired: map[string]int{}, pods: map[string][]string{}}
		d.vnfs[h.VNFInstanceID] = v
	}
	for _, vdu := range spec.VDUs {
		v.desired[vdu.ID] = vdu.Replicas
		d.converge(v, vdu.ID)
	}
	return nil
}

// converge makes the pods of vdu match the desired count (zero when stopped).
func (d *fakeDriver) converge(v *fakeVNF, vdu string) {
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

func (d *fakeDriver) Scale(_ context.Context, h vim.Handle, vduID string, n int) error {
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

func (d *fakeDriver) Heal(_ context.Context, h vim.Handle, ids []string) error {
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

func (d *fakeDriver) Operate(_ context.Context, h vim.Handle, st vim.OperationalState) error {
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

func (d *fakeDriver) Delete(_ context.Context, h vim.Handle) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.record("Delete"); err != nil {
		return err
	}
	delete(d.vnfs, h.VNFInstanceID)
	return nil
}

func (d *fakeDriver) Observe(_ context.Context, h vim.Handle) (*vim.State, error) {
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
