package kubernetes_test

import (
	"testing"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// TestDriver runs the contract suite on the test control plane for the three kinds of CNF.
func TestDriver(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kubernetes(t)
	tests := []struct {
		name string
		spec func(t *testing.T, id string) *vim.Spec
	}{
		{name: "vdus", spec: vduSpec},
		{name: "manifests", spec: manifestSpec},
		{name: "helm", spec: helmSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vimtest.Exercise(t, func(t *testing.T) *vimtest.Harness { return harness(t, cfg, tt.spec) })
		})
	}
}
