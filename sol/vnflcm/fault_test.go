package vnflcm_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
)

// faulty is a real driver that, when armed, reports a failure after a
// Deploy has done its work on the VIM: the fault lands mid-operation, with
// resources created.
type faulty struct {
	vim.Driver
	mu    sync.Mutex
	armed bool
}

func (f *faulty) arm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = true
}

// Deploy deploys, then fails once if armed.
func (f *faulty) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	if err := f.Driver.Deploy(ctx, h, spec); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.armed {
		f.armed = false
		return vim.Errorf(vim.ErrTransient, "deploy", "injected fault after the resources were created")
	}
	return nil
}

func TestKubernetesFaults(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	k8sDriver, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	drv := &faulty{Driver: k8sDriver}
	b := setupWith(t, drv, func(*env) lcm.PackageSource {
		pkg, err := lcm.LoadPackageDir(t.Context(), manifestsCNF, "Definitions/cnf.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return packages{pkg}
	})
	cs := k8s.NewForConfigOrDie(cfg)
	const instantiate = `{"flavourId":"default","additionalParams":{"lcm-kubernetes-def-files":["Files/kubernetes/deployment.yaml"]}}`

	t.Run("rollback leaves nothing", func(t *testing.T) {
		path, k := b.createOn(t, cs)
		drv.arm()
		loc := b.want(t, b.do(t, http.MethodPost, path+"/instantiate", instantiate), http.StatusAccepted, "").header.Get("Location")
		op := b.waitOp(t, loc, lcm.FailedTemp)
		if op["error"] == nil {
			t.Fatal("FAILED_TEMP without error")
		}
		if _, err := cs.AppsV1().Deployments(k.ns).Get(t.Context(), "web", metav1.GetOptions{}); err != nil {
			t.Fatalf("the fault came before the resources: %v", err)
		}
		b.want(t, b.do(t, http.MethodPost, loc+"/rollback", ""), http.StatusAccepted, "")
		b.waitOp(t, loc, lcm.RolledBack)
		k.wantNamespaceGone()
		inst := decode(t, b.want(t, b.do(t, http.MethodGet, path, ""), http.StatusOK, "vnfInstance").body)
		if inst["instantiationState"] != "NOT_INSTANTIATED" {
			t.Fatalf("after rollback: %v", inst["instantiationState"])
		}
		b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")
	})

	t.Run("retry completes", func(t *testing.T) {
		path, k := b.createOn(t, cs)
		drv.arm()
		loc := b.want(t, b.do(t, http.MethodPost, path+"/instantiate", instantiate), http.StatusAccepted, "").header.Get("Location")
		b.waitOp(t, loc, lcm.FailedTemp)
		b.want(t, b.do(t, http.MethodPost, loc+"/retry", ""), http.StatusAccepted, "")
		b.waitOp(t, loc, lcm.Completed)
		k.wantReplicas("web", 1)
		b.task(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`, lcm.Completed)
		k.wantNamespaceGone()
	})
}

// createOn creates an instance and returns its path and its namespace.
func (b *testBundle) createOn(t *testing.T, cs k8s.Interface) (string, kube) {
	t.Helper()
	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`), http.StatusCreated, "vnfInstance")
	id := decode(t, r.body)["id"].(string)
	return "/vnflcm/v1/vnf_instances/" + id, kube{t: t, cs: cs, ns: "vnf-" + id}
}
