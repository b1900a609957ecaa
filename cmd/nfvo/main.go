// Command nfvo is Cadenza's NFV Orchestrator: the SOL 005 northbound APIs
// for an operator's OSS and the NFVO side of SOL 003 for VNFMs.
package main

import (
	"context"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

func main() {
	app.Main(app.Spec{
		Name:          "nfvo",
		Short:         "Cadenza NFVO: SOL 005 and SOL 003 (NFVO side) APIs",
		DefaultListen: "127.0.0.1:9880",
		Scopes:        app.ScopesOf(vnfpkgm.API),
		Mount: func(_ context.Context, a *app.App) error {
			vnfpkgm.Mount(a.Engine, a.Auth, catalog.NewService(a.DB))
			return nil
		},
	})
}
