package kubernetes

import (
	"context"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Workload kinds the driver scales.
const (
	kindDeployment  = "Deployment"
	kindStatefulSet = "StatefulSet"
)

// workload is the part of a Deployment or StatefulSet the driver reasons about.
type workload struct {
	kind, name string
	// vduID is the VDU the workload realises; empty for a package workload of no VDU.
	vduID    string
	replicas int32
	// desired is the count Operate(Started) restores.
	desired int
	stopped bool
	// settled: the controller has seen the spec and every pod is updated and ready.
	settled bool
	ready   int32
}

func (w workload) resourceID() string { return w.kind + "/" + w.name }

// workloads lists the VNF's Deployments and StatefulSets.
func (d *Driver) workloads(ctx context.Context, ns, id string) ([]workload, error) {
	opts := listOptions(id)
	deps, err := d.cs.AppsV1().Deployments(ns).List(ctx, opts)
	if err != nil {
		return nil, classify("list deployments", err)
	}
	sets, err := d.cs.AppsV1().StatefulSets(ns).List(ctx, opts)
	if err != nil {
		return nil, classify("list statefulsets", err)
	}
	out := make([]workload, 0, len(deps.Items)+len(sets.Items))
	for i := range deps.Items {
		out = append(out, deploymentWorkload(&deps.Items[i]))
	}
	for i := range sets.Items {
		out = append(out, statefulSetWorkload(&sets.Items[i]))
	}
	return out, nil
}

func deploymentWorkload(dep *appsv1.Deployment) workload {
	w := newWorkload(kindDeployment, dep.ObjectMeta, dep.Spec.Replicas)
	s := dep.Status
	w.ready = s.ReadyReplicas
	w.settled = s.ObservedGeneration >= dep.Generation && s.UpdatedReplicas == w.replicas &&
		s.ReadyReplicas == w.replicas && s.Replicas == w.replicas
	return w
}

func statefulSetWorkload(set *appsv1.StatefulSet) workload {
	w := newWorkload(kindStatefulSet, set.ObjectMeta, set.Spec.Replicas)
	s := set.Status
	w.ready = s.ReadyReplicas
	w.settled = s.ObservedGeneration >= set.Generation && s.UpdatedReplicas == w.replicas &&
		s.ReadyReplicas == w.replicas && s.Replicas == w.replicas
	return w
}

func newWorkload(kind string, om metav1.ObjectMeta, replicas *int32) workload {
	w := workload{kind: kind, name: om.Name, vduID: om.Annotations[AnnotationVDUID], replicas: 1}
	if replicas != nil {
		w.replicas = *replicas
	}
	w.stopped = om.Annotations[AnnotationStopped] == "true"
	w.desired = int(w.replicas)
	if n, err := strconv.Atoi(om.Annotations[AnnotationDesired]); err == nil && n >= 0 {
		w.desired = n
	}
	return w
}

// findWorkload returns the workload of a VDU, or ErrNotFound.
func findWorkload(ws []workload, vduID string) (workload, error) {
	for _, w := range ws {
		if w.vduID == vduID {
			return w, nil
		}
	}
	return workload{}, vim.Errorf(vim.ErrNotFound, "find vdu "+vduID, "no workload of the vdu")
}

// settled reports whether every workload is settled and the VNF has no pod terminating or
// not ready beyond what the workloads ask for.
func (d *Driver) settled(ctx context.Context, ns, id string) (bool, error) {
	ws, err := d.workloads(ctx, ns, id)
	if err != nil {
		return false, err
	}
	want := 0
	for _, w := range ws {
		if !w.settled {
			return false, nil
		}
		want += int(w.replicas)
	}
	pods, err := d.cs.CoreV1().Pods(ns).List(ctx, listOptions(id))
	if err != nil {
		return false, classify("list pods", err)
	}
	return len(pods.Items) == want && allReady(pods.Items), nil
}

func allReady(pods []corev1.Pod) bool {
	for i := range pods {
		if pods[i].DeletionTimestamp != nil || !podReady(&pods[i]) {
			return false
		}
	}
	return true
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// waitSettled waits until the VNF's workloads are settled.
func (d *Driver) waitSettled(ctx context.Context, op, ns, id string) error {
	return d.waitUntil(ctx, op, d.instanceWatches(ns, id), func(ctx context.Context) (bool, error) {
		return d.settled(ctx, ns, id)
	})
}
