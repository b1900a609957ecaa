package kubernetes_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// TestNamespacedCredentials runs the driver with credentials bound to one namespace, as an
// operator gives a VNFM a tenant's namespace: the cluster refuses its cluster-wide watches,
// and deploy, scale and delete still wait correctly, each wait watching the namespace. The
// same steps with the test's cluster-wide credentials use the shared watches.
func TestNamespacedCredentials(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	ns := testenv.Namespace(t, cfg)
	token := namespaceToken(t, cfg, ns)
	limited := rest.AnonymousClientConfig(cfg)
	limited.BearerToken = token

	for _, tt := range []struct {
		name    string
		cfg     *rest.Config
		refused bool
	}{
		{"namespaced", limited, true},
		{"cluster-wide", cfg, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testenv.SyncBuffer{}
			d, err := kubernetes.New(tt.cfg, kubernetes.Options{ReadyTimeout: 90 * time.Second,
				Logger: slog.New(slog.NewTextHandler(logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			spec := vduSpec(t, vimtest.NewInstanceID())
			spec.Namespace = ns
			h, err := d.NewHandle(spec)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Deploy(t.Context(), h, spec); err != nil {
				t.Fatalf("deploy: %v", err)
			}
			assertReady(t, d, h, map[string]int{"WEB": 1, "VM": 1})
			if err := d.Scale(t.Context(), h, "WEB", 2); err != nil {
				t.Fatalf("scale: %v", err)
			}
			assertReady(t, d, h, map[string]int{"WEB": 2, "VM": 1})
			if err := d.Delete(t.Context(), h); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if left := leftovers(t.Context(), t, cfg, h); len(left) > 0 {
				t.Errorf("left after delete: %v", left)
			}
			out := logs.String()
			if got := strings.Contains(out, "cluster-wide watches refused"); got != tt.refused {
				t.Errorf("refusal logged %v, want %v; log:\n%s", got, tt.refused, out)
			}
			if strings.Contains(out, token) {
				t.Error("the log shows the bearer token")
			}
		})
	}
}

// namespaceToken makes a service account with every right in ns and none beyond it, and
// returns a token of it.
func namespaceToken(t *testing.T, cfg *rest.Config, ns string) string {
	t.Helper()
	ctx := t.Context()
	cs := k8s.NewForConfigOrDie(cfg)
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "vnfm"}}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "vnfm"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}
	if _, err := cs.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "vnfm"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "vnfm"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "vnfm", Namespace: ns}}}
	if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "vnfm", &authv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	return tr.Status.Token
}

// assertReady checks through Observe that each VDU has its count of ready instances.
func assertReady(t *testing.T, d *kubernetes.Driver, h vim.Handle, want map[string]int) {
	t.Helper()
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatalf("observe: %v", err)
	}
	for vdu, n := range want {
		if got := st.VDUs[vdu]; got.Ready != n || got.Replicas != n {
			t.Errorf("vdu %s: %d ready of %d, want %d", vdu, got.Ready, got.Replicas, n)
		}
	}
}
