package kubernetes

import (
	"context"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/dynamic"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// slowStartInitialBatch is the first batch size of slowStartBatch.
const slowStartInitialBatch = 1

// slowStartBatch calls fn for items 0..n-1 in batches of 1, 2, 4, ... run in parallel, and
// stops after the first batch with a failure. A systematic error (quota, a refused object)
// then costs one call instead of n. It returns how many calls succeeded and the first error.
func slowStartBatch(n int, fn func(i int) error) (int, error) {
	succeeded := 0
	for done, batch := 0, min(slowStartInitialBatch, n); batch > 0; batch = min(2*batch, n-done) {
		errs := make(chan error, batch)
		var wg sync.WaitGroup
		for i := done; i < done+batch; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- fn(i)
			}()
		}
		wg.Wait()
		close(errs)
		done += batch
		var first error
		for err := range errs {
			if err == nil {
				succeeded++
			} else if first == nil {
				first = err
			}
		}
		if first != nil {
			return succeeded, first
		}
	}
	return succeeded, nil
}

// ensureNamespace creates (or labels) the VNF's own namespace.
func (d *Driver) ensureNamespace(ctx context.Context, st *handleState, spec *vim.Spec) error {
	if !st.OwnNamespace {
		return nil
	}
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	ac := corev1ac.Namespace(st.Namespace).WithLabels(instanceLabels(spec))
	if _, err := d.cs.CoreV1().Namespaces().Apply(ctx, ac, opts); err != nil {
		return classify("apply namespace "+st.Namespace, err)
	}
	// The ServiceAccount admission plugin refuses pods until the namespace's default
	// ServiceAccount exists, and the controller manager creates it asynchronously; the
	// ReplicaSet controller then backs off. Creating it here takes that race out of the
	// deploy time (the controller manager adopts it unchanged).
	sa := corev1ac.ServiceAccount("default", st.Namespace).WithLabels(instanceLabels(spec))
	_, err := d.cs.CoreV1().ServiceAccounts(st.Namespace).Apply(ctx, sa, opts)
	return classify("apply service account default", err)
}

// applyAll server-side applies objs in slow-start batches.
func (d *Driver) applyAll(ctx context.Context, namespace string, objs []*unstructured.Unstructured) error {
	_, err := slowStartBatch(len(objs), func(i int) error {
		return d.apply(ctx, namespace, objs[i])
	})
	return err
}

// apply server-side applies one object, forcing our field manager's ownership: the driver
// is the one writer of the objects it manages.
func (d *Driver) apply(ctx context.Context, namespace string, u *unstructured.Unstructured) error {
	ri, err := d.resourceFor(u.GroupVersionKind(), namespace)
	if err != nil {
		return err
	}
	_, err = ri.Apply(ctx, u.GetName(), u, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	return classify("apply "+objectName(u), err)
}

// resourceFor maps a kind to its dynamic resource client in namespace (when namespaced).
func (d *Driver) resourceFor(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error) {
	m, err := d.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		d.mapper.Reset() // a CRD may have been installed since discovery was cached
		m, err = d.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, classify("map kind "+gvk.String(), err)
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return d.dyn.Resource(m.Resource).Namespace(namespace), nil
	}
	return d.dyn.Resource(m.Resource), nil
}

// isNamespaced reports whether objects of gvk live in a namespace.
func (d *Driver) isNamespaced(gvk schema.GroupVersionKind) (bool, error) {
	m, err := d.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return false, classify("map kind "+gvk.String(), err)
	}
	return m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}
