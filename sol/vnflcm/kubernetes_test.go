package vnflcm_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
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
	b := setupWith(t, drv, catalogSource(t))
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

// The three kinds of CNF package, by where their workloads come from.
const (
	helmCNF  = "../../testdata/packages/cnf-helm"
	helmVNFD = "8a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c52"
	vdusCNF  = "../../testdata/packages/cnf-vdus"
	vdusVNFD = "3c9e7a41-2f0d-4b6e-a8c5-7d1e9f0a2b63"
)

// cnfKind is one kind of CNF package and what its lifecycle should show
// in the API server.
type cnfKind struct {
	name, dir, vnfdID string
	// instantiate is the InstantiateVnfRequest body.
	instantiate string
	// scaled is the workload the aspect scales, initial its replicas and
	// vnfcs the VNF's VNFC count after instantiation.
	scaled, aspect string
	initial, vnfcs int
	// services are the CP IDs that must have a Service.
	services []string
}

var cnfKinds = []cnfKind{
	{name: "vdus", dir: vdusCNF, vnfdID: vdusVNFD, instantiate: `{"flavourId":"default"}`,
		scaled: "front", aspect: "front_aspect", initial: 1, vnfcs: 2, services: []string{"front_vcp"}},
	{name: "manifests", dir: manifestsCNF, vnfdID: manifestsVNFD,
		instantiate: `{"flavourId":"default","additionalParams":{"lcm-kubernetes-def-files":["Files/kubernetes/deployment.yaml"]}}`,
		scaled:      "web", aspect: "web_aspect", initial: 1, vnfcs: 1},
	{name: "helm", dir: helmCNF, vnfdID: helmVNFD, instantiate: `{"flavourId":"default"}`,
		scaled: "web", aspect: "web_aspect", initial: 1, vnfcs: 1},
}

// TestKubernetesPackageKindsV2 runs each kind of CNF package through
// /vnflcm/v2 on the real control plane: instantiate, scale out, heal one
// VNFC, scale in, terminate, with the workloads checked in the API server
// after each step and nothing of the VNF left at the end.
func TestKubernetesPackageKindsV2(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	drv, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	cs := k8s.NewForConfigOrDie(cfg)
	b := setupWith(t, drv, catalogSource(t))
	for _, kind := range cnfKinds {
		b.onboard(t, kind.dir)
	}
	for _, kind := range cnfKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			b.lifecycleV2(t, cs, kind)
		})
	}
}

// catalogSource mounts a real catalogue with its package API on the env,
// so tests onboard packages over HTTP.
func catalogSource(t *testing.T) func(ev *env) lcm.PackageSource {
	return func(ev *env) lcm.PackageSource {
		cat, err := catalog.NewService(ev.db, ev.runner, catalog.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		vnfpkgm.Mount(ev.engine, nil, cat, ev.notify)
		return lcm.NewCatalogSource(cat)
	}
}

func (b *testBundle) lifecycleV2(t *testing.T, cs k8s.Interface, kind cnfKind) {
	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v2/vnf_instances", `{"vnfdId":"`+kind.vnfdID+`"}`), http.StatusCreated, "")
	id := decode(t, r.body)["id"].(string)
	path := "/vnflcm/v2/vnf_instances/" + id
	k := kube{t: t, cs: cs, ns: "vnf-" + id}

	b.task(t, path+"/instantiate", kind.instantiate, lcm.Completed)
	k.wantReplicas(k.deployment(kind.scaled), int32(kind.initial))
	b.wantVNFCs(t, path, kind.vnfcs)
	for _, cp := range kind.services {
		k.wantService(cp)
	}
	scale := func(typ string) {
		b.task(t, path+"/scale", `{"type":"`+typ+`","aspectId":"`+kind.aspect+`","numberOfSteps":1}`, lcm.Completed)
	}
	scale("SCALE_OUT")
	k.wantReplicas(k.deployment(kind.scaled), int32(kind.initial+1))
	b.wantVNFCs(t, path, kind.vnfcs+1)

	victim := b.vnfcIDs(t, path)[0]
	b.task(t, path+"/heal", `{"vnfcInstanceId":["`+victim+`"]}`, lcm.Completed)
	k.wantPodGone(victim)
	b.wantVNFCs(t, path, kind.vnfcs+1)
	if slices.Contains(b.vnfcIDs(t, path), victim) {
		t.Errorf("healed VNFC %s is still reported", victim)
	}

	scale("SCALE_IN")
	k.wantReplicas(k.deployment(kind.scaled), int32(kind.initial))
	b.task(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`, lcm.Completed)
	k.wantNamespaceGone()
	b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")
}

// vnfcIDs lists the instance's VNFC IDs as the API reports them.
func (b *testBundle) vnfcIDs(t *testing.T, path string) []string {
	t.Helper()
	full := decode(t, b.want(t, b.do(t, http.MethodGet, path+"?all_fields", ""), http.StatusOK, "").body)
	var ids []string
	for _, v := range full["instantiatedVnfInfo"].(map[string]any)["vnfcResourceInfo"].([]any) {
		ids = append(ids, v.(map[string]any)["id"].(string))
	}
	return ids
}

// deployment finds the VNF's Deployment named name, or named by a Helm
// release with the suffix -name.
func (k kube) deployment(name string) string {
	k.t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		list, err := k.cs.AppsV1().Deployments(k.ns).List(k.t.Context(), metav1.ListOptions{})
		if err != nil {
			k.t.Fatal(err)
		}
		for _, d := range list.Items {
			if d.Name == name || strings.HasSuffix(d.Name, "-"+name) {
				return d.Name
			}
		}
	}
	k.t.Fatalf("no deployment %s in %s", name, k.ns)
	return ""
}

// wantService checks that connection point cp has a Service.
func (k kube) wantService(cp string) {
	k.t.Helper()
	list, err := k.cs.CoreV1().Services(k.ns).List(k.t.Context(), metav1.ListOptions{})
	if err != nil {
		k.t.Fatal(err)
	}
	for _, s := range list.Items {
		if s.Annotations[kubernetes.AnnotationCPID] == cp {
			return
		}
	}
	k.t.Errorf("no Service for connection point %s in %s", cp, k.ns)
}
