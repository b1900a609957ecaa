package vnflcm_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// TestKubernetesLifecycle runs a CNF through its whole life on the real
// Kubernetes control plane, through HTTP only: onboard its package, create,
// instantiate, scale out, scale to level, heal, stop, start, terminate,
// delete; each step is checked in the API server and every answer against
// the ETSI schemas.
func TestKubernetesLifecycle(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	drv, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	cs := k8s.NewForConfigOrDie(cfg)
	b := setupWith(t, drv, func(ev *env) lcm.PackageSource {
		cat, err := catalog.NewService(ev.db, ev.runner, catalog.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		vnfpkgm.Mount(ev.engine, nil, cat, ev.notify)
		return lcm.NewCatalogSource(cat)
	})
	b.onboard(t, manifestsCNF)

	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`), http.StatusCreated, "vnfInstance")
	id := decode(t, r.body)["id"].(string)
	path := "/vnflcm/v1/vnf_instances/" + id
	k := kube{t: t, cs: cs, ns: "vnf-" + id}

	b.task(t, path+"/instantiate", `{"flavourId":"default","additionalParams":{"lcm-kubernetes-def-files":["Files/kubernetes/deployment.yaml"]}}`, lcm.Completed)
	k.wantReplicas("web", 1)
	b.wantVNFCs(t, path, 1)
	b.task(t, path+"/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect","numberOfSteps":1}`, lcm.Completed)
	k.wantReplicas("web", 2)
	b.task(t, path+"/scale_to_level", `{"instantiationLevelId":"level_2"}`, lcm.Completed)
	k.wantReplicas("web", 3)
	full := decode(t, b.want(t, b.do(t, http.MethodGet, path+"?all_fields", ""), http.StatusOK, "vnfInstance").body)
	vnfcs := full["instantiatedVnfInfo"].(map[string]any)["vnfcResourceInfo"].([]any)
	victim := vnfcs[0].(map[string]any)["id"].(string)
	b.task(t, path+"/heal", `{"vnfcInstanceId":["`+victim+`"]}`, lcm.Completed)
	k.wantPodGone(victim)
	b.wantVNFCs(t, path, 3)
	b.task(t, path+"/operate", `{"changeStateTo":"STOPPED"}`, lcm.Completed)
	k.wantReplicas("web", 0)
	b.task(t, path+"/operate", `{"changeStateTo":"STARTED"}`, lcm.Completed)
	k.wantReplicas("web", 3)
	b.task(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`, lcm.Completed)
	k.wantNamespaceGone()
	b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")
	b.want(t, b.do(t, http.MethodGet, "/vnflcm/v1/vnf_lcm_op_occs", ""), http.StatusOK, "VnfLcmOpOccs")
}

// onboard uploads the package built from dir and waits until it is ONBOARDED.
func (b *testBundle) onboard(t *testing.T, dir string) {
	t.Helper()
	zip, err := csartest.Build(dir, csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := b.do(t, http.MethodPost, "/vnfpkgm/v1/vnf_packages", `{}`)
	pkg := "/vnfpkgm/v1/vnf_packages/" + decode(t, r.body)["id"].(string)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, b.url+pkg+"/package_content", bytes.NewReader(zip))
	req.Header.Set("Content-Type", "application/zip")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %v %v", res, err)
	}
	res.Body.Close()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if st := decode(t, b.do(t, http.MethodGet, pkg, "").body)["onboardingState"]; st == "ONBOARDED" {
			return
		}
	}
	t.Fatalf("package %s not onboarded: %s", pkg, b.do(t, http.MethodGet, pkg, "").body)
}

// kube checks a VNF's objects in the API server.
type kube struct {
	t  *testing.T
	cs k8s.Interface
	ns string
}

// wantReplicas waits until deployment name wants n replicas and has n ready.
func (k kube) wantReplicas(name string, n int32) {
	k.t.Helper()
	var last string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		d, err := k.cs.AppsV1().Deployments(k.ns).Get(k.t.Context(), name, metav1.GetOptions{})
		if err != nil {
			last = err.Error()
			continue
		}
		if d.Spec.Replicas != nil && *d.Spec.Replicas == n && d.Status.ReadyReplicas == n {
			return
		}
		raw, _ := json.Marshal(d.Status)
		last = string(raw)
	}
	k.t.Fatalf("deployment %s/%s never had %d ready replicas: %s", k.ns, name, n, last)
}

// wantPodGone checks that pod name no longer serves.
func (k kube) wantPodGone(name string) {
	k.t.Helper()
	p, err := k.cs.CoreV1().Pods(k.ns).Get(k.t.Context(), name, metav1.GetOptions{})
	if err == nil && p.DeletionTimestamp == nil {
		k.t.Fatalf("healed pod %s is still there", name)
	}
	if err != nil && !apierrors.IsNotFound(err) {
		k.t.Fatal(err)
	}
}

// wantNamespaceGone checks that the VNF's namespace was deleted.
func (k kube) wantNamespaceGone() {
	k.t.Helper()
	_, err := k.cs.CoreV1().Namespaces().Get(k.t.Context(), k.ns, metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		k.t.Fatalf("namespace %s after terminate: %v", k.ns, err)
	}
	if !strings.HasPrefix(k.ns, "vnf-") {
		k.t.Fatalf("unexpected namespace %s", k.ns)
	}
}
