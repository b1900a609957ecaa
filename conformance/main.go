// Command conformance checks live Cadenza servers against ETSI NFV-SOL 013,
// SOL 005 and SOL 003 over real HTTP, and prints a table of checks passed and
// failed per API. It exits 1 if any check failed, 2 if the run could not
// start.
//
//	go run ./conformance --nfvo http://127.0.0.1:9880 --vnfm http://127.0.0.1:9890 \
//	    --client-id ID --client-secret SECRET
//
// Each API has its own file of checks (vnfpkgm.go, ...); sol013.go holds the
// checks every API must pass, built from the API's description. Everything a
// run creates on the servers is tagged with a run id and deleted at the end.
//
// The VNF package checks (vnfpkgm_content.go, vnfpkgm_upload.go) build
// packages from the repository's sources (--package-sources, found from the
// working directory by default), each with a fresh vnfdId so that a package
// an interrupted run left onboarded cannot collide, and serve one to
// upload_from_uri from an HTTP server on --file-server, which the NFVO must
// reach.
//
// The subscription checks (vnfpkgm_subs.go, vnflcm_subs.go) subscribe
// callbacks served by an HTTP server the run starts on --callback-server,
// which the servers must reach: it answers the SOL 013 test GET with 204
// (or 404 for the callbacks meant to fail it) and records every
// notification, which the checks then validate against ETSI's schemas.
//
// The VNF LCM checks (vnflcm*.go) run against /vnflcm/v1 and /vnflcm/v2
// of the VNFM, creating instances of a package they onboard to the
// VNFM's own catalogue (/vnfpkgm/v1 of a standalone VNFM). They need no
// VIM, except the lifecycle checks of --instantiate, which take a CNF
// through instantiate, scale out, scale to level, scale in, heal, stop,
// start and terminate on the VNFM's default Kubernetes VIM.
//
// To add an API: describe it with newAPI (name, major version, ETSI schema
// folders, URL tree with allowed methods, a request that takes a JSON body,
// and how to name an instance of each resource), start its suite with
// sol013Checks, add its own checks, end with a cleanup check and
// versionCheck, and list the suite in apiSuites. Reusable pieces live in
// conformance/check (client, assertions, report) and conformance/etsischema
// (schemas), which the API packages' Go tests import too.
//
// Without --token or --client-id the servers are taken to run with
// --auth none and the authorisation checks are skipped, not passed.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// errChecksFailed ends a run that completed with failed checks.
var errChecksFailed = errors.New("checks failed")

func main() {
	err := command().ExecuteContext(context.Background())
	switch {
	case errors.Is(err, errChecksFailed):
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		os.Exit(2)
	}
}

func command() *cobra.Command {
	var cfg config
	cmd := &cobra.Command{
		Use:           "conformance --nfvo URL --vnfm URL (--token T | --client-id ID --client-secret S)",
		Short:         "Check live NFVO and VNFM servers against the ETSI NFV APIs",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			failed, err := run(ctx, cfg, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d %w", failed, errChecksFailed)
			}
			return nil
		},
	}
	cfg.addFlags(cmd)
	return cmd
}
