package kubernetes

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// requests counts a fake cluster's list and watch requests by verb, resource and scope
// ("pods" in a namespace, "pods@cluster" across all), and can refuse the cluster-wide ones.
type requests struct {
	mu     sync.Mutex
	n      map[string]int
	refuse map[string]bool // "list" or "watch": refuse the cluster-wide requests of that verb
}

func countRequests(cs *fake.Clientset) *requests {
	r := &requests{n: map[string]int{}, refuse: map[string]bool{}}
	record := func(a k8stesting.Action) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		key := a.GetVerb() + " " + a.GetResource().Resource
		if a.GetNamespace() == "" {
			key += "@cluster"
			if r.refuse[a.GetVerb()] {
				return apierrors.NewForbidden(schema.GroupResource{Resource: a.GetResource().Resource}, "", errors.New("namespaced credentials"))
			}
		}
		r.n[key]++
		return nil
	}
	cs.PrependWatchReactor("*", func(a k8stesting.Action) (bool, watch.Interface, error) {
		if err := record(a); err != nil {
			return true, nil, err
		}
		return false, nil, nil
	})
	cs.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if err := record(a); err != nil {
			return true, nil, err
		}
		return false, nil, nil
	})
	return r
}

func (r *requests) get(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[key]
}

func (r *requests) setRefuse(verb string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse[verb] = true
}

// rollout is a fake VNF of one Deployment of one replica, which the test moves to ready.
type rollout struct {
	cs      *fake.Clientset
	ns, id  string
	dep     *appsv1.Deployment
	changes int
}

func newRollout(t *testing.T, cs *fake.Clientset, ns, id string) *rollout {
	one := int32(1)
	r := &rollout{cs: cs, ns: ns, id: id, dep: &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, Labels: r0labels(id), Generation: 1},
		Spec:       appsv1.DeploymentSpec{Replicas: &one},
	}}
	if _, err := cs.AppsV1().Deployments(ns).Create(t.Context(), r.dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return r
}

func r0labels(id string) map[string]string { return map[string]string{LabelInstance: labelValue(id)} }

// progress makes n status changes that leave the Deployment unsettled.
func (r *rollout) progress(t *testing.T, n int) {
	for i := range n {
		r.dep.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: int32(i % 2)}
		if _, err := r.cs.AppsV1().Deployments(r.ns).UpdateStatus(context.Background(), r.dep, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		r.changes++
	}
}

// finish creates the ready pod and marks the Deployment settled.
func (r *rollout) finish(t *testing.T) {
	ctx := context.Background()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: r.ns, Labels: r0labels(r.id),
		OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-x", Controller: ptr(true)}}},
		Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	if _, err := r.cs.CoreV1().Pods(r.ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.dep.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1}
	if _, err := r.cs.AppsV1().Deployments(r.ns).UpdateStatus(ctx, r.dep, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.changes += 2
}

func hubDriver(cs *fake.Clientset) *Driver {
	log := slog.New(slog.DiscardHandler)
	return &Driver{cs: cs, log: log, opts: Options{ReadyTimeout: time.Minute}, hub: newHub(cs, log)}
}

// startWait runs waitSettled in the background and returns its outcome channel.
func startWait(t *testing.T, d *Driver, ns, id string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- d.waitSettled(t.Context(), "test", ns, id) }()
	return done
}

// TestHubWaitsShareWatches checks what waits through the hub ask of the API server: one
// cluster-wide watch per kind for all of them, no watch of their own, and a list of their
// VNF's objects only when the hub's copy shows the rollout done, not after every change.
func TestHubWaitsShareWatches(t *testing.T) {
	const burst = 20
	cs := fake.NewClientset()
	reqs := countRequests(cs)
	d := hubDriver(cs)
	a, b := newRollout(t, cs, "vnf-a", "a"), newRollout(t, cs, "vnf-b", "b")
	doneA, doneB := startWait(t, d, a.ns, a.id), startWait(t, d, b.ns, b.id)
	waitFor(t, func() bool { return reqs.get("watch pods@cluster") == 1 && d.hub.run.isSynced() })
	waitFor(t, func() bool { d.hub.mu.Lock(); defer d.hub.mu.Unlock(); return len(d.hub.subs) == 2 })
	listsBefore := reqs.get("list deployments")

	a.progress(t, burst)
	b.progress(t, burst)
	a.finish(t)
	if err := <-doneA; err != nil {
		t.Fatal(err)
	}
	b.finish(t)
	if err := <-doneB; err != nil {
		t.Fatal(err)
	}

	for _, kind := range []string{"pods", "namespaces", "deployments", "statefulsets", "jobs"} {
		if n := reqs.get("watch " + kind + "@cluster"); n != 1 {
			t.Errorf("%d cluster-wide watches of %s, want 1 shared by both waits", n, kind)
		}
		if n := reqs.get("watch " + kind); n != 0 {
			t.Errorf("%d namespaced watches of %s, want none: the hub watches for the waits", n, kind)
		}
	}
	// Each wait may check the API server once before the copy is listed, and checks it
	// once when the copy shows its rollout done (a lagging copy may add one).
	if n := reqs.get("list deployments") - listsBefore; n > 2*2 {
		t.Errorf("%d lists of deployments after %d changes to two VNFs: the waits did not check the copy first",
			n, a.changes+b.changes)
	}
	t.Logf("requests: %v", reqs.n)
}

// TestHubRefusedFallsBack checks a cluster that refuses cluster-wide lists (credentials
// bound to a namespace): the wait watches its VNF's namespace itself, still ends when the
// rollout does, and the next wait does not ask the cluster again.
func TestHubRefusedFallsBack(t *testing.T) {
	cs := fake.NewClientset()
	reqs := countRequests(cs)
	reqs.setRefuse("list")
	d := hubDriver(cs)
	for i, id := range []string{"a", "b"} {
		r := newRollout(t, cs, "vnf-"+id, id)
		done := startWait(t, d, r.ns, r.id)
		waitFor(t, func() bool { return reqs.get("watch deployments") == i+1 })
		r.progress(t, 3)
		r.finish(t)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if d.hub.run != nil || d.hub.refused.IsZero() {
		t.Errorf("hub running %v, refused at %v: want off and refused", d.hub.run != nil, d.hub.refused)
	}
	if n := reqs.get("watch pods"); n != 2 {
		t.Errorf("%d namespaced watches of pods for two waits, want 2", n)
	}
}

// TestHubWatchRefusedFallsBack checks credentials that lose the right to watch across the
// cluster while waits are under way: the hub turns off and the waits go on watching their
// namespaces.
func TestHubWatchRefusedFallsBack(t *testing.T) {
	cs := fake.NewClientset()
	reqs := countRequests(cs)
	reqs.setRefuse("watch")
	d := hubDriver(cs)
	r := newRollout(t, cs, "vnf-a", "a")
	done := startWait(t, d, r.ns, r.id)
	waitFor(t, func() bool { return reqs.get("watch deployments") == 1 })
	r.progress(t, 3)
	r.finish(t)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d.hub.mu.Lock()
	defer d.hub.mu.Unlock()
	if d.hub.run != nil || d.hub.refused.IsZero() {
		t.Errorf("hub running %v, refused at %v: want off and refused", d.hub.run != nil, d.hub.refused)
	}
}

// TestHubStopsWhenIdle checks that the informers stop once no wait needs them, and start
// again for the next wait.
func TestHubStopsWhenIdle(t *testing.T) {
	defer func(d time.Duration) { hubIdle = d }(hubIdle)
	hubIdle = 10 * time.Millisecond
	cs := fake.NewClientset()
	reqs := countRequests(cs)
	d := hubDriver(cs)
	for i, id := range []string{"a", "b"} {
		r := newRollout(t, cs, "vnf-"+id, id)
		done := startWait(t, d, r.ns, r.id)
		r.finish(t)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { d.hub.mu.Lock(); defer d.hub.mu.Unlock(); return d.hub.run == nil })
		if n := reqs.get("watch pods@cluster"); n != i+1 {
			t.Errorf("after wait %d: %d cluster-wide watches of pods, want %d", i+1, n, i+1)
		}
	}
}

// TestHubWaitEndsOnAPIServer checks that the copy alone never ends a wait: with the copy
// showing the rollout done and the API server not, the wait goes on.
func TestHubWaitEndsOnAPIServer(t *testing.T) {
	cs := fake.NewClientset()
	d := hubDriver(cs)
	r := newRollout(t, cs, "vnf-a", "a")
	r.finish(t)
	var mu sync.Mutex
	stale := true
	cs.PrependReactor("list", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		if stale && a.GetNamespace() != "" {
			return true, &corev1.PodList{}, nil // the API server has no ready pod yet
		}
		return false, nil, nil
	})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if err := d.waitSettled(ctx, "test", r.ns, r.id); err == nil {
		t.Fatal("wait ended on the copy while the API server showed no ready pod")
	}
	mu.Lock()
	stale = false
	mu.Unlock()
	if err := d.waitSettled(t.Context(), "test", r.ns, r.id); err != nil {
		t.Fatal(err)
	}
}

// TestHubRecheckWithoutEvents checks a wait whose condition comes true by a change the hub
// does not see (an object without the instance label): it asks the API server again after
// hubRecheck, and not before.
func TestHubRecheckWithoutEvents(t *testing.T) {
	defer func(d time.Duration) { hubRecheck = d }(hubRecheck)
	for _, tt := range []struct {
		recheck time.Duration
		ends    bool
	}{{20 * time.Millisecond, true}, {time.Hour, false}} {
		hubRecheck = tt.recheck
		d := hubDriver(fake.NewClientset())
		var mu sync.Mutex
		asked, holds := 0, false
		w := wait{op: "test", key: instanceKey("vnf-a", "a"),
			cached: func(*hubRun) bool { return false },
			cond: func(context.Context) (bool, error) {
				mu.Lock()
				defer mu.Unlock()
				asked++
				return holds, nil
			}}
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- d.waitUntil(ctx, w) }()
		waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return asked == 1 })
		mu.Lock()
		holds = true
		mu.Unlock()
		err := <-done
		cancel()
		if ended := err == nil; ended != tt.ends {
			t.Errorf("recheck every %s: wait ended %v (%v), want %v", tt.recheck, ended, err, tt.ends)
		}
	}
}
