package openstack

import (
	"context"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// timedTransport sums the time of the HTTP calls through it.
type timedTransport struct {
	base  http.RoundTripper
	total atomic.Int64
	calls atomic.Int64
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.base.RoundTrip(r)
	t.total.Add(int64(time.Since(start)))
	t.calls.Add(1)
	return res, err
}

// BenchmarkInstantiate3VDU deploys the three-VDU VNF of testdata/packages/vnf-openstack (one
// server per VDU, two networks, four ports, a server group) and waits for it to be ACTIVE.
// Besides the time per instantiation it reports where the time goes: in OpenStack API calls
// (api-ms/op), in pauses between stack status reads while Heat works (wait-ms/op), and the
// rest, the driver's own work (own-ms/op, own-%).
func BenchmarkInstantiate3VDU(b *testing.B) {
	a := testenv.OpenStack(b)
	const dir = "../../../testdata/packages/vnf-openstack"
	fsys := os.DirFS(dir)
	d, err := vnfd.Load(b.Context(), fsys, "Definitions/vnf.yaml")
	if err != nil {
		b.Fatal(err)
	}
	tt := &timedTransport{}
	conn := vim.Connection{VIMType: vim.VIMTypeOpenStack, Endpoint: a.AuthURL, OpenStack: &vim.OpenStackAuth{
		Username: a.Username, Password: vim.NewSecret(a.Password), ProjectName: a.ProjectName,
		UserDomain: a.UserDomainName, ProjectDomain: a.ProjectDomainName, Region: a.RegionName}}
	drv, err := New(b.Context(), conn, Options{PollInterval: 200 * time.Millisecond,
		WrapTransport: func(rt http.RoundTripper) http.RoundTripper { tt.base = rt; return tt }})
	if err != nil {
		b.Fatal(err)
	}
	var handles []vim.Handle
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		for _, h := range handles {
			if err := drv.Delete(ctx, h); err != nil {
				b.Errorf("delete: %v", err)
			}
		}
	})
	b.ReportAllocs()
	tt.total.Store(0)
	tt.calls.Store(0)
	drv.waited.Store(0)
	start := time.Now()
	n := 0
	for b.Loop() {
		spec, err := vim.SpecFromVNFD(d, "default", "", nil, vim.Params{VNFInstanceID: vimtest.NewInstanceID(), Package: fsys})
		if err != nil {
			b.Fatal(err)
		}
		h, err := drv.NewHandle(spec)
		if err != nil {
			b.Fatal(err)
		}
		handles = append(handles, h)
		if err := drv.Deploy(b.Context(), h, spec); err != nil {
			b.Fatal(err)
		}
		n++
	}
	wall := time.Since(start)
	api, wait := time.Duration(tt.total.Load()), time.Duration(drv.waited.Load())
	own := wall - api - wait
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(n) }
	b.ReportMetric(ms(api), "api-ms/op")
	b.ReportMetric(ms(wait), "wait-ms/op")
	b.ReportMetric(ms(own), "own-ms/op")
	b.ReportMetric(100*float64(own)/float64(wall), "own-%")
	b.ReportMetric(float64(tt.calls.Load())/float64(n), "calls/op")
}
