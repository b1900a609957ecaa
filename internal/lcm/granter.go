package lcm

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
)

// LocalGranter grants every request itself, for a VNFM with no NFVO
// (standalone mode), and logs that it does so.
type LocalGranter struct {
	// Logger receives one line per grant; nil means slog.Default().
	Logger *slog.Logger
}

var _ Granter = LocalGranter{}

// Grant approves req without asking anyone.
func (g LocalGranter) Grant(ctx context.Context, req GrantRequest) (Grant, error) {
	log := g.Logger
	if log == nil {
		log = slog.Default()
	}
	grant := Grant{ID: uuid.NewString()}
	log.InfoContext(ctx, "granted locally (standalone VNFM, no NFVO)", "grant", grant.ID,
		"operation", req.Operation, "vnfInstance", req.VNFInstanceID, "opOcc", req.OpOccID)
	return grant, nil
}
