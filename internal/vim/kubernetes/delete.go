package kubernetes

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// labelledKinds are the kinds Delete removes by label in a shared namespace, besides the
// kinds of the package's manifests; the Deployments go first so their pods are not recreated.
var labelledKinds = []schema.GroupVersionKind{
	{Group: "apps", Version: "v1", Kind: "Deployment"},
	{Group: "apps", Version: "v1", Kind: "StatefulSet"},
	{Group: "apps", Version: "v1", Kind: "ReplicaSet"},
	{Version: "v1", Kind: "Service"},
	{Version: "v1", Kind: "PersistentVolumeClaim"},
	{Version: "v1", Kind: "ConfigMap"},
	{Version: "v1", Kind: "Secret"},
	{Version: "v1", Kind: "Pod"},
}

// Delete implements vim.Driver: it uninstalls the Helm release, then deletes the namespace
// the driver created (or, in a shared namespace, every object with the VNF's label), and waits
// until it is gone.
func (d *Driver) Delete(ctx context.Context, h vim.Handle) error {
	st, err := state(h)
	if err != nil {
		return err
	}
	if st.Source == sourceHelm {
		if err := d.uninstallChart(ctx, st); err != nil {
			return err
		}
	}
	if st.OwnNamespace {
		err = d.deleteNamespace(ctx, st.Namespace)
	} else {
		err = d.deleteLabelled(ctx, st, h.VNFInstanceID)
	}
	if err != nil {
		return err
	}
	d.log.InfoContext(ctx, "vnf deleted", "vnfInstance", h.VNFInstanceID, "namespace", st.Namespace)
	return nil
}

func (d *Driver) deleteNamespace(ctx context.Context, ns string) error {
	op := "delete namespace " + ns
	policy := metav1.DeletePropagationForeground
	err := d.cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{PropagationPolicy: &policy})
	if err := ignoreNotFound(classify(op, err)); err != nil {
		return err
	}
	opts := metav1.ListOptions{FieldSelector: "metadata.name=" + ns}
	return d.waitUntil(ctx, wait{
		op: op, key: namespaceKey(ns),
		watches: []watchFunc{func(ctx context.Context) (watch.Interface, error) {
			return d.cs.CoreV1().Namespaces().Watch(ctx, opts)
		}},
		cached: func(r *hubRun) bool {
			_, err := r.namespaces.Get(ns)
			return apierrors.IsNotFound(err)
		},
		cond: func(ctx context.Context) (bool, error) {
			_, err := d.cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			if vim.KindOf(classify(op, err)) == vim.ErrNotFound {
				return true, nil
			}
			return false, classify(op, err)
		},
	})
}

// deleteLabelled deletes the VNF's objects of every known kind in a shared namespace and
// waits until no pod of the VNF is left.
func (d *Driver) deleteLabelled(ctx context.Context, st *handleState, id string) error {
	kinds := append([]schema.GroupVersionKind{}, labelledKinds...)
	for _, k := range st.Kinds {
		if gvk, ok := parseGVKKey(k); ok {
			kinds = append(kinds, gvk)
		}
	}
	policy := metav1.DeletePropagationBackground
	for _, gvk := range kinds {
		ri, err := d.resourceFor(gvk, st.Namespace)
		if vim.KindOf(err) == vim.ErrNotFound {
			continue // a kind the cluster no longer serves
		} else if err != nil {
			return err
		}
		list, err := ri.List(ctx, listOptions(id))
		if err != nil {
			return classify("list "+gvk.Kind, err)
		}
		for _, u := range list.Items {
			err := ri.Delete(ctx, u.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
			if err := ignoreNotFound(classify("delete "+objectName(&u), err)); err != nil {
				return err
			}
		}
	}
	ns := st.Namespace
	return d.waitUntil(ctx, wait{
		op: "delete vnf " + id, key: instanceKey(ns, id), watches: d.instanceWatches(ns, id),
		cached: func(r *hubRun) bool {
			pods, _ := r.pods.Pods(ns).List(instanceSelector(id)) // a cache lister does not fail
			return len(pods) == 0
		},
		cond: func(ctx context.Context) (bool, error) {
			pods, err := d.cs.CoreV1().Pods(ns).List(ctx, listOptions(id))
			if err != nil {
				return false, classify("list pods", err)
			}
			return len(pods.Items) == 0, nil
		},
	})
}
