// Command vnfm is Cadenza's generic VNFM: SOL 003 VNF lifecycle management
// of VNFs on Kubernetes and OpenStack VIMs.
package main

import (
	"context"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/sol/vnflcm"
)

func main() {
	app.Main(app.Spec{
		Name:          "vnfm",
		Short:         "Cadenza generic VNFM: SOL 003 VNF lifecycle management",
		DefaultListen: "127.0.0.1:9890",
		// The scopes of the lifecycle API, which the VNFM's clients are
		// granted ahead of its resources (issue 5).
		Scopes: app.ScopesOf(vnflcm.API),
		Mount:  func(context.Context, *app.App) error { return nil },
	})
}
