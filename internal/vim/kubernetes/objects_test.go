package kubernetes_test

import (
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// TestObjectsInAPIServer deploys a VDU-built VNF into a namespace the test gives and checks
// the objects as the API server has them: labels, resources, images, service ports.
func TestObjectsInAPIServer(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	cs := k8s.NewForConfigOrDie(cfg)
	ns := testenv.Namespace(t, cfg)
	spec := vduSpec(t, vimtest.NewInstanceID())
	spec.Namespace = ns
	d := newDriver(t, cfg)
	h, err := d.NewHandle(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	sel := metav1.ListOptions{LabelSelector: kubernetes.LabelInstance + "=" + spec.VNFInstanceID}
	deps, err := cs.AppsV1().Deployments(ns).List(t.Context(), sel)
	if err != nil || len(deps.Items) != 2 {
		t.Fatalf("deployments: %v, %d items, want 2", err, len(deps.Items))
	}
	var web, vm *corev1.PodSpec
	for i := range deps.Items {
		dep := &deps.Items[i]
		switch dep.Labels[kubernetes.LabelVDU] {
		case "WEB":
			web = &dep.Spec.Template.Spec
		case "VM":
			vm = &dep.Spec.Template.Spec
		}
		if dep.Spec.Template.Labels[kubernetes.LabelInstance] != spec.VNFInstanceID {
			t.Errorf("deployment %s: pod template without the instance label", dep.Name)
		}
	}
	if web == nil || vm == nil {
		t.Fatalf("deployments without VDU labels: %+v", deps.Items)
	}
	svcs, err := cs.CoreV1().Services(ns).List(t.Context(), sel)
	if err != nil {
		t.Fatal(err)
	}
	ports := map[string][]int32{}
	headless := map[string]bool{}
	for _, s := range svcs.Items {
		for _, p := range s.Spec.Ports {
			ports[s.Annotations[kubernetes.AnnotationCPID]] = append(ports[s.Annotations[kubernetes.AnnotationCPID]], p.Port)
		}
		headless[s.Annotations[kubernetes.AnnotationCPID]] = s.Spec.ClusterIP == corev1.ClusterIPNone
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "web containers", got: len(web.Containers), want: 2},
		{name: "web image", got: web.Containers[0].Image, want: "registry.example.com/nginx:1.25"},
		{name: "web cpu request", got: web.Containers[0].Resources.Requests.Cpu().MilliValue(), want: int64(500)},
		{name: "web memory limit", got: web.Containers[0].Resources.Limits.Memory().Value(), want: int64(512 << 20)},
		{name: "vm image", got: vm.Containers[0].Image, want: "registry.example.com/helper:1"},
		{name: "vm cpu limit", got: vm.Containers[0].Resources.Limits.Cpu().Cmp(resource.MustParse("1")), want: 0},
		{name: "web cp port", got: ports["WEB_VCP"], want: []int32{80}},
		{name: "vm cp headless", got: headless["VM_CP"], want: true},
		{name: "web cp has cluster ip", got: headless["WEB_VCP"], want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	// A converge to a spec without the VM VDU (a flavour change) removes its objects.
	spec.VDUs, spec.ConnectionPoints = spec.VDUs[:1], spec.ConnectionPoints[:1]
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("deploy without VM: %v", err)
	}
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.VDUs["VM"]; ok || len(st.ConnectionPoints) != 1 || len(st.VNFCs) != 1 {
		t.Errorf("after dropping VM: vdus %v, cps %v, %d vnfcs; want WEB only", st.VDUs, st.ConnectionPoints, len(st.VNFCs))
	}
	if err := d.Delete(t.Context(), h); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if left := leftovers(t.Context(), t, cfg, h); len(left) > 0 {
		t.Errorf("left in the shared namespace: %v", left)
	}
	if _, err := cs.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{}); err != nil {
		t.Errorf("the given namespace was removed: %v", err)
	}
	var _ vim.Driver = d
}

func equal(a, b any) bool {
	if as, ok := a.([]int32); ok {
		bs, _ := b.([]int32)
		if len(as) != len(bs) {
			return false
		}
		for i := range as {
			if as[i] != bs[i] {
				return false
			}
		}
		return true
	}
	return a == b
}

// TestConnection reaches the control plane through a vim.Connection built from the test
// kubeconfig's CA and token, and checks that bad credentials are a permanent error.
func TestConnection(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	if cfg.BearerToken == "" || len(cfg.CAData) == 0 {
		t.Skip("the test kubeconfig has no inline bearer token and CA (hack/k8s-testenv.sh writes both)")
	}
	conn := vim.Connection{
		VIMID: "test", VIMType: vim.VIMTypeKubernetesETSIV1, Endpoint: cfg.Host,
		CACert: cfg.CAData, BearerToken: vim.NewSecret(cfg.BearerToken),
	}
	h := vim.Handle{Driver: kubernetes.DriverName, Version: 1, VNFInstanceID: "absent",
		State: []byte(`{"namespace":"vnf-absent","ownNamespace":true,"source":"vdus"}`)}
	tests := []struct {
		name string
		conn vim.Connection
		want error
	}{
		{name: "token", conn: conn, want: vim.ErrNotFound},
		{name: "wrong token", conn: func() vim.Connection { c := conn; c.BearerToken = vim.NewSecret("wrong"); return c }(), want: vim.ErrPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := kubernetes.NewForConnection(tt.conn, kubernetes.Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Observe(t.Context(), h)
			if !errors.Is(err, tt.want) {
				t.Fatalf("observe: %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), cfg.BearerToken) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
	if _, err := kubernetes.NewForConnection(vim.Connection{VIMType: "openstack"}, kubernetes.Options{}); !errors.Is(err, vim.ErrPermanent) {
		t.Errorf("openstack connection: %v, want ErrPermanent", err)
	}
}
