package kubernetes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// provision stands in for a storage provisioner, which the test control plane lacks: for
// every claim of the VNF it creates a PersistentVolume bound in advance to that claim. The
// volumes are deleted when the test ends.
func provision(t *testing.T, cs k8s.Interface, id string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sel := metav1.ListOptions{LabelSelector: kubernetes.LabelInstance + "=" + id}
	w, err := cs.CoreV1().PersistentVolumeClaims("").Watch(ctx, sel)
	if err != nil {
		t.Fatalf("watch claims: %v", err)
	}
	var pvs []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range w.ResultChan() {
			c, ok := ev.Object.(*corev1.PersistentVolumeClaim)
			if !ok || ev.Type != watch.Added {
				continue
			}
			pv := &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "pv-" + c.Namespace[:12] + "-" + c.Name},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:               c.Spec.Resources.Requests,
					AccessModes:            c.Spec.AccessModes,
					PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/" + c.Name}},
					ClaimRef:               &corev1.ObjectReference{Namespace: c.Namespace, Name: c.Name},
				},
			}
			if _, err := cs.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err == nil {
				pvs = append(pvs, pv.Name)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		w.Stop()
		<-done
		for _, pv := range pvs {
			_ = cs.CoreV1().PersistentVolumes().Delete(context.Background(), pv, metav1.DeleteOptions{})
		}
	})
}

// TestStorage deploys a VDU with its own volume per instance (a StatefulSet with claim
// templates) and one sharing a file volume, scales the first, and checks the claims.
func TestStorage(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	cs := k8s.NewForConfigOrDie(cfg)
	spec := &vim.Spec{
		VNFInstanceID: vimtest.NewInstanceID(),
		VDUs: []vim.VDU{
			{ID: "DB", Replicas: 1, Containers: container(), Storages: []string{"DATA"}},
			{ID: "WEB", Replicas: 2, Containers: container(), Storages: []string{"FILES"}},
		},
		Storages: []vim.Storage{
			{ID: "DATA", Kind: vim.BlockStorage, SizeBytes: 1 << 30, PerVNFC: true},
			{ID: "FILES", Kind: vim.FileStorage, SizeBytes: 2 << 30, MountPath: "/srv"},
		},
	}
	provision(t, cs, spec.VNFInstanceID)
	d := newDriver(t, cfg)
	h, err := d.NewHandle(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := d.Delete(ctx, h); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if err := d.Scale(t.Context(), h, "DB", 2); err != nil {
		t.Fatalf("scale: %v", err)
	}
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	perInstance := 0
	for key, s := range st.Storages {
		if !s.Bound {
			t.Errorf("storage %s not bound", key)
		}
		if strings.HasPrefix(key, "DATA/") {
			perInstance++
		}
	}
	if _, ok := st.Storages["FILES"]; !ok || perInstance != 2 {
		t.Errorf("storages %+v: want FILES and two DATA/<instance>", st.Storages)
	}
	if got := st.VDUs["DB"].ResourceID; !strings.HasPrefix(got, "StatefulSet/") {
		t.Errorf("DB is %s, want a StatefulSet", got)
	}
	if got := st.VDUs["WEB"].ResourceID; !strings.HasPrefix(got, "Deployment/") {
		t.Errorf("WEB is %s, want a Deployment", got)
	}
}
