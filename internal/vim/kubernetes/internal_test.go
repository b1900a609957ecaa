package kubernetes

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

func TestSlowStartBatch(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name      string
		n, failAt int // failAt < 0: never
		wantOK    int
		wantCalls int64
	}{
		{name: "none", n: 0, failAt: -1},
		{name: "all succeed", n: 10, failAt: -1, wantOK: 10, wantCalls: 10},
		{name: "first fails: one call", n: 10, failAt: 0, wantOK: 0, wantCalls: 1},
		// batches 1, 2, 4: item 3 is in the third batch, so 7 calls and 6 successes
		{name: "failure in the third batch stops there", n: 100, failAt: 3, wantOK: 6, wantCalls: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			ok, err := slowStartBatch(tt.n, func(i int) error {
				calls.Add(1)
				if i == tt.failAt {
					return boom
				}
				return nil
			})
			if ok != tt.wantOK || calls.Load() != tt.wantCalls || (tt.failAt >= 0) != errors.Is(err, boom) {
				t.Errorf("ok=%d calls=%d err=%v, want ok=%d calls=%d", ok, calls.Load(), err, tt.wantOK, tt.wantCalls)
			}
		})
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in string }{
		{name: "uuid", in: "0c6f5e6a-7b2d-4f0b-8d7f-0a1b2c3d4e5f"},
		{name: "upper and underscore", in: "WEB_VCP"},
		{name: "long", in: strings.Repeat("Very_Long_VDU_", 10)},
		{name: "only symbols", in: "__"},
		{name: "empty", in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if errs := validation.IsDNS1123Label(dnsLabel(tt.in, 63)); len(errs) > 0 {
				t.Errorf("dnsLabel(%q) = %q: %v", tt.in, dnsLabel(tt.in, 63), errs)
			}
			if errs := validation.IsValidLabelValue(labelValue(tt.in)); len(errs) > 0 {
				t.Errorf("labelValue(%q) = %q: %v", tt.in, labelValue(tt.in), errs)
			}
			if errs := validation.IsQualifiedName(cpLabel(tt.in)); len(errs) > 0 {
				t.Errorf("cpLabel(%q) = %q: %v", tt.in, cpLabel(tt.in), errs)
			}
		})
	}
	if dnsLabel("WEB_A", 63) == dnsLabel("web-a", 63) {
		t.Error("distinct IDs map to one name")
	}
}

func TestLabelPackageObjects(t *testing.T) {
	t.Parallel()
	objs, err := decodeObjects([]byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: rel-web}
spec: {replicas: 1, template: {metadata: {labels: {app: web}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
`))
	if err != nil || len(objs) != 2 {
		t.Fatalf("decode: %v, %d objects", err, len(objs))
	}
	spec := &vim.Spec{VNFInstanceID: "vnf-1", VDUs: []vim.VDU{{ID: "WEB", Name: "web", Replicas: 3, Zones: []string{"zone-b"}}}}
	for _, u := range objs {
		if err := label(spec, u, true); err != nil {
			t.Fatal(err)
		}
	}
	dep, cm := objs[0], objs[1]
	replicas, _, _ := unstructured.NestedInt64(dep.Object, "spec", "replicas")
	podLabels, _, _ := unstructured.NestedStringMap(dep.Object, "spec", "template", "metadata", "labels")
	terms, _, _ := unstructured.NestedSlice(dep.Object, "spec", "template", "spec", "affinity", "nodeAffinity",
		"requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "stopped workload runs 0", got: replicas, want: int64(0)},
		{name: "desired kept", got: dep.GetAnnotations()[AnnotationDesired], want: "3"},
		{name: "vdu label", got: dep.GetLabels()[LabelVDU], want: "WEB"},
		{name: "pod instance label", got: podLabels[LabelInstance], want: "vnf-1"},
		{name: "pod labels kept", got: podLabels["app"], want: "web"},
		{name: "configmap instance label", got: cm.GetLabels()[LabelInstance], want: "vnf-1"},
		{name: "configmap is no vdu", got: cm.GetLabels()[LabelVDU], want: ""},
		{name: "zones from the grant", got: fmt.Sprint(terms), want: "[map[matchExpressions:[map[key:topology.kubernetes.io/zone operator:In values:[zone-b]]]]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// FuzzDecodeObjects feeds package manifests to the decoder: it must never panic, and what it
// accepts has a kind and a name and survives labelling and re-encoding.
func FuzzDecodeObjects(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]\n"))
	f.Add([]byte("---\n---\n"))
	spec := &vim.Spec{VNFInstanceID: "vnf", VDUs: []vim.VDU{{ID: "web", Replicas: 2}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := decodeObjects(data)
		if err != nil {
			return
		}
		for _, u := range objs {
			if u.GetKind() == "" || u.GetName() == "" {
				t.Fatalf("accepted an object without kind or name: %v", u.Object)
			}
			_ = label(spec, u, false) // may refuse odd shapes, must not panic
		}
		if _, err := encodeObjects(objs); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}

// TestRequestRate checks that a config without a request rate gets the
// driver's, not client-go's default of 5 a second, and that a set one is
// kept.
func TestRequestRate(t *testing.T) {
	t.Parallel()
	d, err := New(&rest.Config{Host: "https://127.0.0.1:1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.QPS != defaultQPS || d.cfg.Burst != defaultBurst {
		t.Fatalf("unset rate became %v/%d, want %d/%d", d.cfg.QPS, d.cfg.Burst, defaultQPS, defaultBurst)
	}
	d, err = New(&rest.Config{Host: "https://127.0.0.1:1", QPS: 7, Burst: 9}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.QPS != 7 || d.cfg.Burst != 9 {
		t.Fatalf("set rate became %v/%d, want 7/9", d.cfg.QPS, d.cfg.Burst)
	}
	d, err = NewForConnection(vim.Connection{VIMType: "kubernetes", Endpoint: "https://127.0.0.1:1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.QPS != defaultQPS {
		t.Fatalf("connection's rate is %v, want %d", d.cfg.QPS, defaultQPS)
	}
	d, err = NewForConnection(vim.Connection{VIMType: "kubernetes", Endpoint: "https://127.0.0.1:1"}, Options{QPS: 1000, Burst: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.QPS != 1000 || d.cfg.Burst != 2000 {
		t.Fatalf("rate given in the options became %v/%d, want 1000/2000", d.cfg.QPS, d.cfg.Burst)
	}
	cfg := &rest.Config{Host: "https://127.0.0.1:1", QPS: 7, Burst: 9}
	if d, err = New(cfg, Options{QPS: 50}); err != nil {
		t.Fatal(err)
	}
	if d.cfg.QPS != 50 || d.cfg.Burst != 9 || cfg.QPS != 7 {
		t.Fatalf("options' QPS over a config's rate: driver %v/%d, caller's config QPS %v", d.cfg.QPS, d.cfg.Burst, cfg.QPS)
	}
}
