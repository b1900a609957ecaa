package kubernetes_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

func benchSpec(id string) *vim.Spec {
	return &vim.Spec{
		VNFInstanceID: id,
		VDUs:          []vim.VDU{{ID: "WEB", Replicas: 1, Containers: container()}},
		ConnectionPoints: []vim.ConnectionPoint{
			{ID: "WEB_CP", VDUs: []string{"WEB"}, Ports: []vim.Port{{Port: 80}}},
		},
	}
}

// BenchmarkDeploy measures deploy until every pod is Running and ready, for n VNFs deployed
// at once, each into its own namespace. One op deploys all n.
func BenchmarkDeploy(b *testing.B) {
	cfg := testenv.Kubernetes(b)
	cfg.QPS, cfg.Burst = 500, 1000
	d := newDriver(b, cfg)
	cs := k8s.NewForConfigOrDie(cfg)
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("vnfs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				handles := make([]vim.Handle, n)
				g, ctx := errgroup.WithContext(b.Context())
				for i := range n {
					g.Go(func() error {
						spec := benchSpec(vimtest.NewInstanceID())
						h, err := d.NewHandle(spec)
						if err != nil {
							return err
						}
						handles[i] = h
						return d.Deploy(ctx, h, spec)
					})
				}
				if err := g.Wait(); err != nil {
					b.Fatalf("deploy: %v", err)
				}
				b.StopTimer()
				dropNamespaces(b, cs, d, handles)
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*n), "ms/vnf")
		})
	}
}

// dropNamespaces deletes the VNFs' namespaces without waiting for them to go.
func dropNamespaces(b *testing.B, cs k8s.Interface, d vim.Driver, hs []vim.Handle) {
	b.Helper()
	var wg sync.WaitGroup
	for _, h := range hs {
		st, err := d.Observe(context.Background(), h)
		if err != nil {
			b.Fatalf("observe: %v", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = cs.CoreV1().Namespaces().Delete(context.Background(), st.Namespace, metav1.DeleteOptions{})
		}()
	}
	wg.Wait()
}

// BenchmarkScaleOut measures scaling one VDU from 1 to 2 instances until the new pod is
// Running and ready; the scale back to 1 is not timed.
func BenchmarkScaleOut(b *testing.B) {
	cfg := testenv.Kubernetes(b)
	d := newDriver(b, cfg)
	spec := benchSpec(vimtest.NewInstanceID())
	h, err := d.NewHandle(spec)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Deploy(b.Context(), h, spec); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dropNamespaces(b, k8s.NewForConfigOrDie(cfg), d, []vim.Handle{h}) })
	b.ReportAllocs()
	var out time.Duration
	ops := 0
	for b.Loop() {
		t0 := time.Now()
		if err := d.Scale(b.Context(), h, "WEB", 2); err != nil {
			b.Fatalf("scale out: %v", err)
		}
		out += time.Since(t0)
		ops++
		b.StopTimer()
		if err := d.Scale(b.Context(), h, "WEB", 1); err != nil {
			b.Fatalf("scale in: %v", err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(out.Milliseconds())/float64(ops), "ms/scale-out")
}
