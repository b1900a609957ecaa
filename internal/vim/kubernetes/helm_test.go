package kubernetes_test

import (
	"context"
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// TestHelmUpgrade deploys the chart, then deploys it again with another image tag: the
// release is upgraded (a second revision) and the pods roll to the new image.
func TestHelmUpgrade(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	cs := k8s.NewForConfigOrDie(cfg)
	spec := helmSpec(t, vimtest.NewInstanceID())
	spec.Artifacts.ReleaseName = "web"
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
		t.Fatalf("install: %v", err)
	}
	spec.Artifacts.HelmValues = map[string]any{"image": map[string]any{"tag": "1.27"}}
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.VNFCs) != 1 || len(st.VNFCs[0].Images) != 1 || st.VNFCs[0].Images[0] != "registry.example.com/nginx:1.27" {
		t.Errorf("after upgrade: %+v, want one pod of nginx:1.27", st.VNFCs)
	}
	secrets, err := cs.CoreV1().Secrets(st.Namespace).List(t.Context(), metav1.ListOptions{LabelSelector: "owner=helm,name=web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(secrets.Items) != 2 {
		t.Errorf("%d release revisions, want 2", len(secrets.Items))
	}

	// A tag with a quote breaks the chart's YAML: the upgrade fails before Helm records a
	// revision, nothing is rolled back, and the pods keep 1.27.
	spec.Artifacts.HelmValues = map[string]any{"image": map[string]any{"tag": `1.28"`}}
	if err := d.Deploy(t.Context(), h, spec); !errors.Is(err, vim.ErrPermanent) {
		t.Fatalf("chart that does not render: %v, want ErrPermanent", err)
	}
	st, err = d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.VNFCs) != 1 || st.VNFCs[0].Images[0] != "registry.example.com/nginx:1.27" {
		t.Errorf("after the failed upgrade: %+v, want one pod of nginx:1.27", st.VNFCs)
	}
	secrets, err = cs.CoreV1().Secrets(st.Namespace).List(t.Context(), metav1.ListOptions{LabelSelector: "owner=helm,name=web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(secrets.Items) != 2 {
		t.Errorf("%d release revisions after a failed render, want 2", len(secrets.Items))
	}
}
