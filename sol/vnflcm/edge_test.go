package vnflcm_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
)

// TestEdgeVIMs drives VNFs on two edge control planes from one VNFM: each
// instantiate request names its edge VIM in vimConnectionInfo, the engine
// builds a driver for that connection, and every later operation of the
// instance goes to the same VIM. Each plane is checked to hold its own VNF
// and nothing of the other's.
func TestEdgeVIMs(t *testing.T) {
	t.Parallel()
	edges := testenv.EdgeKubernetes(t, 2)
	var (
		mu    sync.Mutex
		asked []string
	)
	drivers := lcm.DriverFactoryFunc(func(_ context.Context, conn *vim.Connection) (vim.Driver, error) {
		if conn == nil || conn.Endpoint == "" {
			return nil, vim.Errorf(vim.ErrPermanent, "vim driver", "no default VIM in this test")
		}
		mu.Lock()
		asked = append(asked, conn.Endpoint)
		mu.Unlock()
		return kubernetes.NewForConnection(*conn, kubernetes.Options{ReadyTimeout: 2 * time.Minute})
	})
	b := setupWithDrivers(t, drivers, catalogSource(t))
	b.onboard(t, vdusCNF)

	const base = "/vnflcm/v2/vnf_instances/"
	ids := make([]string, len(edges))
	// on is the VNF ids[j] as control plane i sees it.
	on := func(i, j int) kube { return kube{t: t, cs: k8s.NewForConfigOrDie(edges[i]), ns: "vnf-" + ids[j]} }
	for i, cfg := range edges {
		r := b.want(t, b.do(t, http.MethodPost, strings.TrimSuffix(base, "/"), `{"vnfdId":"`+vdusVNFD+`"}`), http.StatusCreated, "")
		ids[i] = decode(t, r.body)["id"].(string)
		b.task(t, base+ids[i]+"/instantiate", `{"flavourId":"default","vimConnectionInfo":{"edge":`+edgeConnection(t, cfg)+`}}`, lcm.Completed)
	}
	for i := range edges {
		for j := range ids {
			k := on(i, j)
			if i == j {
				k.wantReplicas(k.deployment("front"), 1)
			} else {
				k.wantNamespaceAbsent()
			}
		}
	}
	// Later operations find the VIM from the instance, not the request.
	b.task(t, base+ids[1]+"/scale", `{"type":"SCALE_OUT","aspectId":"front_aspect","numberOfSteps":1}`, lcm.Completed)
	k1 := on(1, 1)
	k1.wantReplicas(k1.deployment("front"), 2)
	for i, id := range ids {
		b.task(t, base+id+"/terminate", `{"terminationType":"FORCEFUL"}`, lcm.Completed)
		on(i, i).wantNamespaceGone()
	}
	mu.Lock()
	defer mu.Unlock()
	for _, endpoint := range asked {
		if endpoint != edges[0].Host && endpoint != edges[1].Host {
			t.Errorf("engine asked for a driver on %s, which is neither edge", endpoint)
		}
	}
}

// edgeConnection is the vimConnectionInfo JSON of the control plane cfg
// reaches, with its token and CA as SOL 003 accessInfo and interfaceInfo.
func edgeConnection(t *testing.T, cfg *rest.Config) string {
	t.Helper()
	ca := cfg.CAData
	if len(ca) == 0 && cfg.CAFile != "" {
		var err error
		if ca, err = os.ReadFile(cfg.CAFile); err != nil {
			t.Fatal(err)
		}
	}
	return string(mustJSON(t, map[string]any{
		"vimType":       vim.VIMTypeKubernetesETSIV1,
		"interfaceInfo": map[string]string{"endpoint": cfg.Host, "ssl_ca_cert": string(ca)},
		"accessInfo":    map[string]string{"bearer_token": cfg.BearerToken},
	}))
}

// wantNamespaceAbsent checks that the namespace was never made here.
func (k kube) wantNamespaceAbsent() {
	k.t.Helper()
	_, err := k.cs.CoreV1().Namespaces().Get(k.t.Context(), k.ns, metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		k.t.Fatalf("namespace %s exists on a VIM the VNF was not sent to (%v)", k.ns, err)
	}
}
