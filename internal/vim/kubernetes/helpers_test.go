package kubernetes_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

const packagesDir = "../../../testdata/packages"

// newDriver returns a driver on the test control plane with short waits.
func newDriver(t testing.TB, cfg *rest.Config) *kubernetes.Driver {
	t.Helper()
	d, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 90e9})
	if err != nil {
		t.Fatalf("new driver: %v", err)
	}
	return d
}

// harness is the contract suite's harness for one kind of spec.
func harness(t *testing.T, cfg *rest.Config, spec func(t *testing.T, id string) *vim.Spec) *vimtest.Harness {
	return &vimtest.Harness{
		Zones:     clusterZones(t, cfg),
		Driver:    newDriver(t, cfg),
		NewDriver: func(t *testing.T) vim.Driver { return newDriver(t, cfg) },
		Spec:      spec,
		Leftovers: func(ctx context.Context, t *testing.T, h vim.Handle) []string { return leftovers(ctx, t, cfg, h) },
	}
}

// leftovers lists, straight from the API server, what is left of a VNF: its namespace (when
// the driver made one), and any object with its instance label in any namespace.
func leftovers(ctx context.Context, t *testing.T, cfg *rest.Config, h vim.Handle) []string {
	t.Helper()
	cs := k8s.NewForConfigOrDie(cfg)
	sel := metav1.ListOptions{LabelSelector: kubernetes.LabelInstance + "=" + h.VNFInstanceID}
	var out []string
	nss, err := cs.CoreV1().Namespaces().List(ctx, sel)
	if err != nil {
		t.Fatalf("list namespaces: %v", err)
	}
	for _, ns := range nss.Items {
		out = append(out, "namespace "+ns.Name)
	}
	add := func(kind string, names []string, err error) {
		if err != nil {
			t.Fatalf("list %s: %v", kind, err)
		}
		for _, n := range names {
			out = append(out, kind+" "+n)
		}
	}
	pods, err := cs.CoreV1().Pods("").List(ctx, sel)
	add("pod", metaNames(pods.Items, func(i int) metav1.Object { return &pods.Items[i] }), err)
	deps, err := cs.AppsV1().Deployments("").List(ctx, sel)
	add("deployment", metaNames(deps.Items, func(i int) metav1.Object { return &deps.Items[i] }), err)
	svcs, err := cs.CoreV1().Services("").List(ctx, sel)
	add("service", metaNames(svcs.Items, func(i int) metav1.Object { return &svcs.Items[i] }), err)
	pvcs, err := cs.CoreV1().PersistentVolumeClaims("").List(ctx, sel)
	add("pvc", metaNames(pvcs.Items, func(i int) metav1.Object { return &pvcs.Items[i] }), err)
	return out
}

func metaNames[T any](items []T, at func(int) metav1.Object) []string {
	out := make([]string, 0, len(items))
	for i := range items {
		o := at(i)
		out = append(out, o.GetNamespace()+"/"+o.GetName())
	}
	return out
}

// vduSpec is a VNF built from its VDUs: a container VDU with two containers and a service
// port, and a Compute VDU run as a container, reached through a headless service.
func vduSpec(_ *testing.T, id string) *vim.Spec {
	return &vim.Spec{
		VNFInstanceID: id,
		VDUs: []vim.VDU{
			{ID: "WEB", Name: "web", Replicas: 1, Containers: []vim.Container{
				{Name: "nginx", Image: "registry.example.com/nginx:1.25",
					Requests: vim.Resources{MilliCPU: 500, MemoryBytes: 256 << 20},
					Limits:   vim.Resources{MilliCPU: 1000, MemoryBytes: 512 << 20}},
				{Name: "sidecar", Image: "registry.example.com/logs:1"},
			}},
			{ID: "VM", Replicas: 1, Compute: &vim.Compute{VirtualCPUs: 1, MemoryBytes: 1 << 30, Image: "registry.example.com/helper:1"}},
		},
		ConnectionPoints: []vim.ConnectionPoint{
			{ID: "WEB_VCP", VDUs: []string{"WEB"}, Ports: []vim.Port{{Name: "http", Protocol: "tcp", Port: 80}}},
			{ID: "VM_CP", VDUs: []string{"VM"}},
		},
	}
}

// manifestSpec is the cnf-manifests package: a Deployment and a Service from its files.
func manifestSpec(t *testing.T, id string) *vim.Spec {
	return &vim.Spec{
		VNFInstanceID: id,
		VDUs:          []vim.VDU{{ID: "web", Name: "web", Replicas: 1}},
		Artifacts: &vim.Artifacts{
			Package:   packageFS(t, "cnf-manifests"),
			Manifests: []string{"Files/kubernetes/deployment.yaml", "Files/kubernetes/service.yaml"},
		},
	}
}

// helmSpec is the cnf-helm package, its chart packed as the built CSAR has it.
func helmSpec(t *testing.T, id string) *vim.Spec {
	return &vim.Spec{
		VNFInstanceID: id,
		VDUs:          []vim.VDU{{ID: "web", Name: "web", Replicas: 1}},
		Artifacts: &vim.Artifacts{
			Package:    packageFS(t, "cnf-helm"),
			HelmChart:  "Files/charts/web-0.1.0.tgz",
			HelmValues: map[string]any{"image": map[string]any{"tag": "1.25"}},
		},
	}
}

// packageFS builds the named test package as a CSAR and returns its content.
func packageFS(t testing.TB, name string) fs.FS {
	t.Helper()
	data, err := csartest.Build(packagesDir+"/"+name, csartest.Options{})
	if err != nil {
		t.Fatalf("build package %s: %v", name, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open package %s: %v", name, err)
	}
	return zr
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(packagesDir); err != nil {
		fmt.Fprintln(os.Stderr, "test packages:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// clusterZones lists the zones of the cluster's nodes, sorted.
func clusterZones(t *testing.T, cfg *rest.Config) []string {
	t.Helper()
	nodes, err := k8s.NewForConfigOrDie(cfg).CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list nodes: %v", err)
	}
	seen := map[string]bool{}
	for _, n := range nodes.Items {
		if z := n.Labels["topology.kubernetes.io/zone"]; z != "" {
			seen[z] = true
		}
	}
	zones := make([]string, 0, len(seen))
	for z := range seen {
		zones = append(zones, z)
	}
	sort.Strings(zones)
	return zones
}
