package kubernetes_test

import (
	"testing"
	"testing/fstest"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// podsAndJob is a package that ships, beside its Deployment, a bare Pod and a Job (a schema
// migration, say), as many vendors' manifests do.
var podsAndJob = fstest.MapFS{
	"Files/kubernetes/web.yaml": {Data: []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: registry.example.com/nginx:1.25}]
`)},
	"Files/kubernetes/extras.yaml": {Data: []byte(`apiVersion: v1
kind: Pod
metadata: {name: probe}
spec:
  containers: [{name: probe, image: registry.example.com/probe:1}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: registry.example.com/migrate:1}]
`)},
}

// TestPackagePodsAndJobs checks that Deploy of a package with a bare Pod and a Job returns
// once the Deployment and the Pod are ready and the Job has completed, instead of waiting
// for pods no workload counts, and that Delete removes them all.
func TestPackagePodsAndJobs(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	cs := k8s.NewForConfigOrDie(cfg)
	d := newDriver(t, cfg)
	spec := &vim.Spec{
		VNFInstanceID: vimtest.NewInstanceID(),
		VDUs:          []vim.VDU{{ID: "web", Name: "web", Replicas: 1}},
		Artifacts: &vim.Artifacts{Package: podsAndJob,
			Manifests: []string{"Files/kubernetes/web.yaml", "Files/kubernetes/extras.yaml"}},
	}
	h, err := d.NewHandle(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Delete(t.Context(), h) })
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	job, err := cs.BatchV1().Jobs(st.Namespace).Get(t.Context(), "migrate", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !jobComplete(job) {
		t.Errorf("deploy returned before the job completed: %+v", job.Status)
	}
	pod, err := cs.CoreV1().Pods(st.Namespace).Get(t.Context(), "probe", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pod.Status.Phase != corev1.PodRunning {
		t.Errorf("deploy returned with the bare pod %s", pod.Status.Phase)
	}
	if got := st.VDUs["web"]; got.Ready != 1 {
		t.Errorf("web VDU %+v, want 1 ready", got)
	}
	// Deploying again converges at once: the completed Job does not hold it up.
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("deploy again: %v", err)
	}
	if err := d.Delete(t.Context(), h); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := d.Observe(t.Context(), h); vim.KindOf(err) != vim.ErrNotFound {
		t.Errorf("observe after delete: %v, want ErrNotFound", err)
	}
}

func jobComplete(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}
