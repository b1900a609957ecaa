package openstack_test

import (
	"context"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/vimtest"
)

// TestDriver runs the contract suite on the test cloud.
func TestDriver(t *testing.T) {
	t.Parallel()
	conn := connection(t)
	shared := newDriver(t, conn)
	vimtest.Exercise(t, func(t *testing.T) *vimtest.Harness {
		return &vimtest.Harness{
			Driver:    shared,
			NewDriver: func(t *testing.T) vim.Driver { return newDriver(t, conn) },
			Spec:      vmSpec,
			Leftovers: func(ctx context.Context, t *testing.T, h vim.Handle) []string {
				return leftovers(ctx, t, h.VNFInstanceID)
			},
			Zones:   zones,
			Timeout: 20 * time.Minute,
		}
	})
}
