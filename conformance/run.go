package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// run checks the servers cfg names and writes the report to out. It
// returns how many checks failed; an error means the run could not start.
func run(ctx context.Context, cfg config, out io.Writer) (int, error) {
	if err := cfg.complete(); err != nil {
		return 0, err
	}
	schemas, err := etsischema.Open(cfg.Schemas)
	if err != nil {
		return 0, err
	}
	// SOL 013's ProblemDetails, as ETSI ships it with each interface.
	problem, err := schemas.Schema("SOL005/VNFPackageManagement-API/ProblemDetails")
	if err != nil {
		return 0, err
	}
	cbs, err := startCallbacks(cfg.Callbacks)
	if err != nil {
		return 0, err
	}
	defer cbs.close()
	nfvo, err := newServer("nfvo", cfg.NFVO, &cfg, problem, cbs)
	if err != nil {
		return 0, err
	}
	vnfm, err := newServer("vnfm", cfg.VNFM, &cfg, problem, cbs)
	if err != nil {
		return 0, err
	}
	// Server suites come first: they get the tokens the API suites use.
	suites := []check.Suite{nfvo.suite(), vnfm.suite()}
	suites = append(suites, apiSuites(schemas, nfvo, vnfm)...)
	fmt.Fprintf(out, "conformance run %s: NFVO %s, VNFM %s\n\n", cfg.RunID, cfg.NFVO, cfg.VNFM)
	rep := check.Run(ctx, suites, cfg.Timeout)
	if err := rep.Write(out); err != nil {
		return 0, fmt.Errorf("write report: %w", err)
	}
	return rep.Failed(), nil
}

// apiSuites lists the suite of every API the servers serve. A new API adds
// its file of checks and a line here. VNF LCM creates its instances of a
// package onboarded to the VNFM's own catalogue; its last version's suite
// deletes that package.
func apiSuites(schemas *etsischema.Set, nfvo, vnfm *server) []check.Suite {
	catalog := &lcmCatalog{pkgs: newVnfpkgm(schemas, vnfm)}
	return []check.Suite{
		vnfpkgmSuite(newVnfpkgm(schemas, nfvo)),
		vnflcmSuite(newVnflcm(schemas, vnfm, 1, catalog), false),
		vnflcmSuite(newVnflcm(schemas, vnfm, 2, catalog), true),
	}
}
