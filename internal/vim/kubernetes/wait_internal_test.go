package kubernetes

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// TestWaitSettledListsKindsPresent checks what one wait for a rollout asks of the API
// server: StatefulSets and Jobs, which the VNF has none of, are listed by the first check
// only, however many changes follow. The cluster is client-go's fake: this counts
// requests, the real control plane's tests check the waits' outcome.
func TestWaitSettledListsKindsPresent(t *testing.T) {
	const ns, id, burst = "vnf-a", "a", 20
	labels := map[string]string{LabelInstance: labelValue(id)}
	one := int32(1)
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, Labels: labels, Generation: 1},
		Spec:       appsv1.DeploymentSpec{Replicas: &one},
	}
	cs := fake.NewClientset(dep)
	var mu sync.Mutex
	lists := map[string]int{}
	cs.PrependWatchReactor("*", func(a k8stesting.Action) (bool, watch.Interface, error) {
		mu.Lock()
		lists["watch-"+a.GetResource().Resource]++
		mu.Unlock()
		return false, nil, nil
	})
	cs.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		lists[a.GetResource().Resource]++
		mu.Unlock()
		return false, nil, nil
	})
	d := &Driver{cs: cs, log: slog.New(slog.DiscardHandler), opts: Options{ReadyTimeout: time.Minute}}

	done := make(chan error, 1)
	go func() { done <- d.waitSettled(t.Context(), "test", ns, id) }()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return lists["deployments"] >= 1 })

	ctx := context.Background()
	for i := range burst {
		dep.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: int32(i % 2)}
		if _, err := cs.AppsV1().Deployments(ns).UpdateStatus(ctx, dep, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: ns, Labels: labels,
		OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-x", Controller: ptr(true)}}},
		Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dep.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1}
	if _, err := cs.AppsV1().Deployments(ns).UpdateStatus(ctx, dep, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("lists after %d changes: %v", burst+2, lists)
	if lists["deployments"] < 3 {
		t.Errorf("%d checks (lists of deployments) after %d changes: the wait did not see them", lists["deployments"], burst+2)
	}
	if lists["statefulsets"] != 1 || lists["jobs"] != 1 {
		t.Errorf("statefulsets listed %d times and jobs %d times, want once each: the VNF has none",
			lists["statefulsets"], lists["jobs"])
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
	}
}

func ptr[T any](v T) *T { return &v }
