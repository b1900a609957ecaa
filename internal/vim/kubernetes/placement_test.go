package kubernetes_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// zoneNodes returns the ready fake nodes by zone, skipping unless there are two zones.
func zoneNodes(t *testing.T, cs k8s.Interface) map[string][]string {
	t.Helper()
	nodes, err := cs.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list nodes: %v", err)
	}
	zones := map[string][]string{}
	for _, n := range nodes.Items {
		if z := n.Labels["topology.kubernetes.io/zone"]; z != "" && n.Spec.Unschedulable == false {
			zones[z] = append(zones[z], n.Name)
		}
	}
	if len(zones) < 2 {
		t.Skipf("the control plane has nodes in %d zones, the test needs 2 (hack/k8s-testenv.sh add-nodes ZONE N)", len(zones))
	}
	return zones
}

func container() []vim.Container {
	return []vim.Container{{Name: "app", Image: "registry.example.com/app:1"}}
}

// TestPlacement deploys on two zones of fake nodes and checks where the scheduler put the
// pods: zone anti-affinity spreads, a zone constraint confines, node affinity gathers, and
// node anti-affinity beyond the node count leaves a pod Pending, reported as ErrTimeout.
func TestPlacement(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	cs := k8s.NewForConfigOrDie(cfg)
	zones := zoneNodes(t, cs)
	names := make([]string, 0, len(zones))
	nodeCount := 0
	for z, ns := range zones {
		names = append(names, z)
		nodeCount += len(ns)
	}
	sort.Strings(names)
	confined := names[1]
	spec := &vim.Spec{
		VNFInstanceID: vimtest.NewInstanceID(),
		VDUs: []vim.VDU{
			{ID: "SPREAD", Replicas: 2, Containers: container()},
			{ID: "CONFINED", Replicas: 2, Containers: container(), Zones: []string{confined}},
			{ID: "PAIR_A", Replicas: 1, Containers: container()},
			{ID: "PAIR_B", Replicas: 1, Containers: container()},
			{ID: "ALONE", Replicas: 1, Containers: container()},
		},
		PlacementRules: []vim.PlacementRule{
			{ID: "spread_zones", Scope: vim.ScopeZone, VDUs: []string{"SPREAD"}},
			{ID: "pair", Affinity: true, Scope: vim.ScopeNode, VDUs: []string{"PAIR_A", "PAIR_B"}},
			{ID: "one_per_node", Scope: vim.ScopeNode, VDUs: []string{"ALONE"}},
		},
	}
	d, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	h, err := d.NewHandle(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := d.Delete(ctx, h); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	byVDU := map[string][]vim.VNFC{}
	for _, c := range st.VNFCs {
		byVDU[c.VDUID] = append(byVDU[c.VDUID], c)
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{name: "anti-affinity spreads SPREAD over both zones", ok: len(byVDU["SPREAD"]) == 2 && byVDU["SPREAD"][0].Zone != byVDU["SPREAD"][1].Zone},
		{name: "zone constraint keeps CONFINED in " + confined, ok: len(byVDU["CONFINED"]) == 2 && byVDU["CONFINED"][0].Zone == confined && byVDU["CONFINED"][1].Zone == confined},
		{name: "affinity puts PAIR_A and PAIR_B on one node", ok: len(byVDU["PAIR_A"]) == 1 && len(byVDU["PAIR_B"]) == 1 && byVDU["PAIR_A"][0].Host == byVDU["PAIR_B"][0].Host},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("placement: %+v", byVDU)
			}
		})
	}
	t.Run("node anti-affinity beyond the nodes times out", func(t *testing.T) {
		short, err := kubernetes.New(cfg, kubernetes.Options{ReadyTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = short.Scale(t.Context(), h, "ALONE", nodeCount+1)
		if !errors.Is(err, vim.ErrTimeout) {
			t.Fatalf("scale ALONE to %d on %d nodes: %v, want ErrTimeout", nodeCount+1, nodeCount, err)
		}
		st, err := d.Observe(t.Context(), h)
		if err != nil {
			t.Fatal(err)
		}
		hosts := map[string]bool{}
		for _, c := range st.VNFCs {
			if c.VDUID == "ALONE" && c.Host != "" {
				if hosts[c.Host] {
					t.Errorf("two ALONE instances on %s", c.Host)
				}
				hosts[c.Host] = true
			}
		}
		if len(hosts) != nodeCount {
			t.Errorf("ALONE on %d nodes, want %d", len(hosts), nodeCount)
		}
	})
}
