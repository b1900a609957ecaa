package kubernetes

import (
	"context"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
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
	return d.workloadsOf(ctx, ns, id, &absent{})
}

// absent records the kinds of object a wait's first check found none of, so that its
// later checks do not list them again: a wait starts after the driver's own changes,
// which a list sees at once, so a kind absent then has nothing to wait for. Most VNFs
// have no StatefulSets and no Jobs, and with a thousand waits at once those lists were a
// third of the API server's requests (TestConcurrentInstantiations).
type absent struct {
	checked            bool // the first check has listed every kind
	statefulSets, jobs bool
}

// workloadsOf is workloads, skipping StatefulSets if a is sure there are none.
func (d *Driver) workloadsOf(ctx context.Context, ns, id string, a *absent) ([]workload, error) {
	opts := listOptions(id)
	deps, err := d.cs.AppsV1().Deployments(ns).List(ctx, opts)
	if err != nil {
		return nil, classify("list deployments", err)
	}
	sets := &appsv1.StatefulSetList{}
	if !a.checked || !a.statefulSets {
		if sets, err = d.cs.AppsV1().StatefulSets(ns).List(ctx, opts); err != nil {
			return nil, classify("list statefulsets", err)
		}
		a.statefulSets = len(sets.Items) == 0
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

// settled reports whether every workload is settled, every Job of the VNF has completed,
// and the VNF has no pod terminating or not ready beyond what the workloads ask for. A
// package may ship pods of its own (bare Pods, Jobs' pods): a bare Pod counts once it is
// ready or has run to completion, a Job's pods count through their Job.
//
// a narrows the lists to the kinds the VNF has; the first check of a wait lists them all.
func (d *Driver) settled(ctx context.Context, ns, id string, a *absent) (bool, error) {
	defer func() { a.checked = true }()
	ws, err := d.workloadsOf(ctx, ns, id, a)
	if err != nil {
		return false, err
	}
	want, ok := workloadsSettled(ws)
	if !ok {
		return false, nil
	}
	if done, err := d.jobsDone(ctx, ns, id, a); err != nil || !done {
		return false, err
	}
	pods, err := d.cs.CoreV1().Pods(ns).List(ctx, listOptions(id))
	if err != nil {
		return false, classify("list pods", err)
	}
	return podsSettled(pointers(pods.Items), want), nil
}

// settledIn is settled on the hub's copy. A failed Job counts as settled, so that the
// check against the API server reports it.
func settledIn(r *hubRun, ns, id string) bool {
	sel := instanceSelector(id)
	deps, _ := r.deps.Deployments(ns).List(sel) // a cache lister does not fail
	sets, _ := r.sets.StatefulSets(ns).List(sel)
	ws := make([]workload, 0, len(deps)+len(sets))
	for _, dep := range deps {
		ws = append(ws, deploymentWorkload(dep))
	}
	for _, set := range sets {
		ws = append(ws, statefulSetWorkload(set))
	}
	want, ok := workloadsSettled(ws)
	if !ok {
		return false
	}
	jobs, _ := r.jobs.Jobs(ns).List(sel)
	if done, err := jobsComplete(jobs); err == nil && !done {
		return false
	}
	pods, _ := r.pods.Pods(ns).List(sel)
	return podsSettled(pods, want)
}

// workloadsSettled reports whether every workload is settled, and how many pods they ask
// for in all.
func workloadsSettled(ws []workload) (want int, ok bool) {
	for _, w := range ws {
		if !w.settled {
			return 0, false
		}
		want += int(w.replicas)
	}
	return want, true
}

// podsSettled reports whether no pod is terminating or unready and the workloads' pods
// number want.
func podsSettled(pods []*corev1.Pod, want int) bool {
	owned := 0
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			return false
		}
		switch controllerKind(p) {
		case "Job":
			continue
		case "":
			if p.Status.Phase == corev1.PodSucceeded {
				continue
			}
		default:
			owned++
		}
		if !podReady(p) {
			return false
		}
	}
	return owned == want
}

// jobsDone reports whether every Job of the VNF has completed. A failed Job fails the wait:
// waiting longer cannot make it succeed.
func (d *Driver) jobsDone(ctx context.Context, ns, id string, a *absent) (bool, error) {
	if a.checked && a.jobs {
		return true, nil
	}
	jobs, err := d.cs.BatchV1().Jobs(ns).List(ctx, listOptions(id))
	if err != nil {
		return false, classify("list jobs", err)
	}
	a.jobs = len(jobs.Items) == 0
	return jobsComplete(pointers(jobs.Items))
}

// jobsComplete reports whether every Job has completed, failing on a failed one.
func jobsComplete(jobs []*batchv1.Job) (bool, error) {
	for _, j := range jobs {
		switch jobCondition(j) {
		case batchv1.JobFailed:
			return false, vim.Errorf(vim.ErrPermanent, "job "+j.Name, "failed")
		case batchv1.JobComplete:
		default:
			return false, nil
		}
	}
	return true, nil
}

// pointers points at each item of a list.
func pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

// jobCondition is the Job's final condition (Complete or Failed) once it has one.
func jobCondition(j *batchv1.Job) batchv1.JobConditionType {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return c.Type
		}
	}
	return ""
}

// controllerKind is the kind of the pod's controller, empty for a bare pod.
func controllerKind(p *corev1.Pod) string {
	if ref := metav1.GetControllerOf(p); ref != nil {
		return ref.Kind
	}
	return ""
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
	a := &absent{}
	return d.waitUntil(ctx, wait{
		op: op, key: instanceKey(ns, id), watches: d.instanceWatches(ns, id),
		cached: func(r *hubRun) bool { return settledIn(r, ns, id) },
		cond:   func(ctx context.Context) (bool, error) { return d.settled(ctx, ns, id, a) },
	})
}
