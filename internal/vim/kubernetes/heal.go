package kubernetes

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Heal implements vim.Driver: it deletes the named pods (their workloads' controllers
// create replacements) and waits until none of the deleted pods remains and the VNF is
// settled again. A StatefulSet's replacement has the old name, so the wait is on UIDs.
func (d *Driver) Heal(ctx context.Context, h vim.Handle, vnfcIDs []string) error {
	op := "heal " + strings.Join(vnfcIDs, ",")
	st, err := state(h)
	if err != nil {
		return err
	}
	ns, id := st.Namespace, h.VNFInstanceID
	gone := map[types.UID]bool{}
	for _, name := range vnfcIDs {
		uid, err := d.deletePod(ctx, ns, id, name)
		if err != nil {
			return err
		}
		if uid != "" {
			gone[uid] = true
		}
	}
	a := &absent{}
	replaced := func(pods []*corev1.Pod) bool {
		for _, p := range pods {
			if gone[p.UID] {
				return false
			}
		}
		return true
	}
	return d.waitUntil(ctx, wait{
		op: op, key: instanceKey(ns, id), watches: d.instanceWatches(ns, id),
		cached: func(r *hubRun) bool {
			pods, _ := r.pods.Pods(ns).List(instanceSelector(id)) // a cache lister does not fail
			return replaced(pods) && settledIn(r, ns, id)
		},
		cond: func(ctx context.Context) (bool, error) {
			pods, err := d.cs.CoreV1().Pods(ns).List(ctx, listOptions(id))
			if err != nil {
				return false, classify("list pods", err)
			}
			if !replaced(pointers(pods.Items)) {
				return false, nil
			}
			return d.settled(ctx, ns, id, a)
		},
	})
}

// deletePod deletes one pod of the VNF and returns its UID; a pod already gone returns "".
// A pod of another VNF is ErrNotFound: it is not a VNFC of this one.
func (d *Driver) deletePod(ctx context.Context, ns, id, name string) (types.UID, error) {
	p, err := d.cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return "", ignoreNotFound(classify("get pod "+name, err))
	}
	if p.Labels[LabelInstance] != labelValue(id) {
		return "", vim.Errorf(vim.ErrNotFound, "heal pod "+name, "pod is not a vnfc of vnf %s", id)
	}
	if p.DeletionTimestamp != nil {
		return p.UID, nil
	}
	uid := p.UID
	err = d.cs.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if vim.KindOf(classify("", err)) == vim.ErrConflict {
		return "", nil // the pod with that UID is already gone and another took its name
	}
	return uid, ignoreNotFound(classify("delete pod "+name, err))
}
