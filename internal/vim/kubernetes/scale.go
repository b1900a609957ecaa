package kubernetes

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Scale implements vim.Driver.
func (d *Driver) Scale(ctx context.Context, h vim.Handle, vduID string, replicas int) error {
	op := fmt.Sprintf("scale vdu %s to %d", vduID, replicas)
	if replicas < 0 {
		return vim.Errorf(vim.ErrPermanent, op, "negative replicas")
	}
	st, err := state(h)
	if err != nil {
		return err
	}
	ws, err := d.workloads(ctx, st.Namespace, h.VNFInstanceID)
	if err != nil {
		return err
	}
	w, err := findWorkload(ws, vduID)
	if err != nil {
		return err
	}
	if err := d.setReplicas(ctx, st.Namespace, w, replicas, w.stopped); err != nil {
		return err
	}
	return d.waitSettled(ctx, op, st.Namespace, h.VNFInstanceID)
}

// Operate implements vim.Driver.
func (d *Driver) Operate(ctx context.Context, h vim.Handle, to vim.OperationalState) error {
	op := "operate to " + string(to)
	if to != vim.Started && to != vim.Stopped {
		return vim.Errorf(vim.ErrPermanent, op, "unknown operational state")
	}
	st, err := state(h)
	if err != nil {
		return err
	}
	ws, err := d.workloads(ctx, st.Namespace, h.VNFInstanceID)
	if err != nil {
		return err
	}
	if len(ws) == 0 {
		return vim.Errorf(vim.ErrNotFound, op, "vnf has no workloads")
	}
	for _, w := range ws {
		if err := d.setReplicas(ctx, st.Namespace, w, w.desired, to == vim.Stopped); err != nil {
			return err
		}
	}
	return d.waitSettled(ctx, op, st.Namespace, h.VNFInstanceID)
}

// setReplicas records the desired count and stopped flag on the workload, then scales it
// through the /scale subresource to the count it should run now. The annotations go first:
// a crash in between leaves the intent recorded, and repeating converges.
func (d *Driver) setReplicas(ctx context.Context, ns string, w workload, desired int, stopped bool) error {
	if w.desired != desired || w.stopped != stopped {
		if err := d.annotate(ctx, ns, w, desired, stopped); err != nil {
			return err
		}
	}
	target := int32(desired)
	if stopped {
		target = 0
	}
	if w.replicas == target {
		return nil
	}
	return d.updateScale(ctx, ns, w, target)
}

func (d *Driver) annotate(ctx context.Context, ns string, w workload, desired int, stopped bool) error {
	var stoppedValue any // null removes the annotation
	if stopped {
		stoppedValue = "true"
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{
		AnnotationDesired: strconv.Itoa(desired), AnnotationStopped: stoppedValue,
	}}})
	if err != nil {
		return vim.Errorf(vim.ErrPermanent, "annotate "+w.resourceID(), "%v", err)
	}
	opts := metav1.PatchOptions{FieldManager: FieldManager}
	if w.kind == kindStatefulSet {
		_, err = d.cs.AppsV1().StatefulSets(ns).Patch(ctx, w.name, types.MergePatchType, patch, opts)
	} else {
		_, err = d.cs.AppsV1().Deployments(ns).Patch(ctx, w.name, types.MergePatchType, patch, opts)
	}
	return classify("annotate "+w.resourceID(), err)
}

// updateScale sets the replicas through /scale, retrying the 409s that the workload
// controller's status writes cause.
func (d *Driver) updateScale(ctx context.Context, ns string, w workload, n int32) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		sc, err := d.getScale(ctx, ns, w)
		if err != nil {
			return err
		}
		if sc.Spec.Replicas == n {
			return nil
		}
		sc.Spec.Replicas = n
		opts := metav1.UpdateOptions{FieldManager: FieldManager}
		if w.kind == kindStatefulSet {
			_, err = d.cs.AppsV1().StatefulSets(ns).UpdateScale(ctx, w.name, sc, opts)
		} else {
			_, err = d.cs.AppsV1().Deployments(ns).UpdateScale(ctx, w.name, sc, opts)
		}
		return err
	})
	return classify(fmt.Sprintf("scale %s to %d", w.resourceID(), n), err)
}

func (d *Driver) getScale(ctx context.Context, ns string, w workload) (*autoscalingv1.Scale, error) {
	if w.kind == kindStatefulSet {
		return d.cs.AppsV1().StatefulSets(ns).GetScale(ctx, w.name, metav1.GetOptions{})
	}
	return d.cs.AppsV1().Deployments(ns).GetScale(ctx, w.name, metav1.GetOptions{})
}
