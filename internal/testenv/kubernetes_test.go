package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"

	watchtools "k8s.io/client-go/tools/watch"
)

const zoneLabel = "topology.kubernetes.io/zone"

// TestKubernetesDeploymentScale drives a Deployment through the real control plane: create,
// scale through the /scale subresource (retrying conflicts with the deployment controller),
// see the pods Running through a watch, scale to zero and see them go.
func TestKubernetesDeploymentScale(t *testing.T) {
	t.Parallel()
	cfg := Kubernetes(t)
	cs := kubernetes.NewForConfigOrDie(cfg)
	ns := Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	dep := deployment("vnfc", 1, nil)
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	scale(ctx, t, cs, ns, "vnfc", 3)
	pods := waitRunningPods(ctx, t, cs, ns, "vnfc", 3)
	for _, p := range pods {
		if p.Spec.NodeName == "" || p.Status.PodIP == "" {
			t.Errorf("pod %s Running without node or IP: node=%q ip=%q", p.Name, p.Spec.NodeName, p.Status.PodIP)
		}
	}
	scale(ctx, t, cs, ns, "vnfc", 0)
	waitRunningPods(ctx, t, cs, ns, "vnfc", 0)

	got, err := cs.AppsV1().Deployments(ns).GetScale(ctx, "vnfc", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get scale: %v", err)
	}
	if got.Spec.Replicas != 0 {
		t.Errorf("scale spec replicas = %d, want 0", got.Spec.Replicas)
	}
}

// TestKubernetesZoneNodeSelector checks that the fake nodes carry topology labels the
// scheduler honours: pods pinned to one zone land only on that zone's nodes.
func TestKubernetesZoneNodeSelector(t *testing.T) {
	t.Parallel()
	cfg := Kubernetes(t)
	cs := kubernetes.NewForConfigOrDie(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: zoneLabel})
	if err != nil {
		t.Fatalf("list nodes: %v", err)
	}
	zoneOf := make(map[string]string)
	for _, n := range nodes.Items {
		zoneOf[n.Name] = n.Labels[zoneLabel]
	}
	if len(zoneOf) == 0 {
		t.Fatalf("no node has a %s label; hack/k8s-testenv.sh up creates them (K8S_TESTENV_ZONES)", zoneLabel)
	}
	zone := nodes.Items[0].Labels[zoneLabel]

	ns := Namespace(t, cfg)
	dep := deployment("zonal", 2, map[string]string{zoneLabel: zone})
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	for _, p := range waitRunningPods(ctx, t, cs, ns, "zonal", 2) {
		if got := zoneOf[p.Spec.NodeName]; got != zone {
			t.Errorf("pod %s on node %s in zone %q, want zone %q", p.Name, p.Spec.NodeName, got, zone)
		}
	}
}

// BenchmarkKubernetesScaleOut measures a scale from 0 to 5 replicas until all pods are Running.
func BenchmarkKubernetesScaleOut(b *testing.B) {
	cfg := Kubernetes(b)
	cs := kubernetes.NewForConfigOrDie(cfg)
	ns := Namespace(b, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, deployment("bench", 0, nil), metav1.CreateOptions{}); err != nil {
		b.Fatalf("create deployment: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		scale(ctx, b, cs, ns, "bench", 5)
		waitRunningPods(ctx, b, cs, ns, "bench", 5)
		b.StopTimer()
		scale(ctx, b, cs, ns, "bench", 0)
		waitRunningPods(ctx, b, cs, ns, "bench", 0)
		b.StartTimer()
	}
}

func deployment(name string, replicas int32, nodeSelector map[string]string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					NodeSelector: nodeSelector,
					Containers:   []corev1.Container{{Name: "main", Image: "example.invalid/vnfc:1"}},
				},
			},
		},
	}
}

// scale sets the replicas through the /scale subresource. The deployment controller writes
// the same object, so a read-modify-write can meet 409 Conflict: retry it.
func scale(ctx context.Context, tb testing.TB, cs kubernetes.Interface, ns, name string, replicas int32) {
	tb.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		sc, err := cs.AppsV1().Deployments(ns).GetScale(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		sc.Spec.Replicas = replicas
		_, err = cs.AppsV1().Deployments(ns).UpdateScale(ctx, name, sc, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		tb.Fatalf("scale %s/%s to %d: %v", ns, name, replicas, err)
	}
}

// waitRunningPods watches the pods of the app until exactly want of them exist and all are
// Running, and returns them.
func waitRunningPods(ctx context.Context, tb testing.TB, cs kubernetes.Interface, ns, app string, want int) []*corev1.Pod {
	tb.Helper()
	selector := "app=" + app
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = selector
			return cs.CoreV1().Pods(ns).List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = selector
			return cs.CoreV1().Pods(ns).Watch(ctx, o)
		},
	}
	pods := make(map[string]*corev1.Pod)
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		pod, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, fmt.Errorf("unexpected watch object %T", ev.Object)
		}
		if ev.Type == watch.Deleted {
			delete(pods, pod.Name)
		} else {
			pods[pod.Name] = pod
		}
		return settled(pods, want), nil
	})
	if err != nil {
		tb.Fatalf("wait for %d Running pods of %s/%s (have %d): %v", want, ns, app, len(pods), err)
	}
	out := make([]*corev1.Pod, 0, len(pods))
	for _, p := range pods {
		out = append(out, p)
	}
	return out
}

func settled(pods map[string]*corev1.Pod, want int) bool {
	if len(pods) != want {
		return false
	}
	for _, p := range pods {
		if p.Status.Phase != corev1.PodRunning || p.DeletionTimestamp != nil {
			return false
		}
	}
	return true
}

// TestEdgeKubernetesIndependent checks that edge control planes are separate clusters, each
// with its own region: an object made in one does not exist in the others.
func TestEdgeKubernetesIndependent(t *testing.T) {
	t.Parallel()
	cfgs := EdgeKubernetes(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	regions := make(map[string]int)
	for i, cfg := range cfgs {
		nodes, err := kubernetes.NewForConfigOrDie(cfg).CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("edge %d: list nodes: %v", i, err)
		}
		for _, n := range nodes.Items {
			if r := n.Labels["topology.kubernetes.io/region"]; r != "" {
				regions[r] = i
			}
		}
	}
	if len(regions) < len(cfgs) {
		t.Errorf("edge clusters share regions: %v", regions)
	}

	ns := Namespace(t, cfgs[0])
	_, err := kubernetes.NewForConfigOrDie(cfgs[1]).CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("namespace %s made in edge 0 seen in edge 1: err = %v", ns, err)
	}
}
