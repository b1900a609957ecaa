// Command vnfm is Cadenza's generic VNFM: SOL 003 VNF lifecycle management
// of VNFs on Kubernetes and OpenStack VIMs.
package main

import (
	"context"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
)

func main() {
	app.Main(app.Spec{
		Name:          "vnfm",
		Short:         "Cadenza generic VNFM: SOL 003 VNF lifecycle management",
		DefaultListen: "127.0.0.1:9890",
		Mount:         func(context.Context, *app.App) error { return nil },
	})
}
