// Command vnfm is Cadenza's generic VNFM: SOL 003 VNF lifecycle management
// of VNFs on Kubernetes and OpenStack VIMs.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/sol/grant"
	"github.com/cadenza-mano/cadenza/sol/vnflcm"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

func main() {
	var f flags
	app.Main(app.Spec{
		Name:          "vnfm",
		Short:         "Cadenza generic VNFM: SOL 003 VNF lifecycle management",
		DefaultListen: "127.0.0.1:9890",
		// The lifecycle API, and package management for a standalone VNFM's
		// own catalogue.
		Scopes: app.ScopesOf(vnflcm.API, vnfpkgm.API),
		// An LCM step reconciles and is safe to rerun, so a short attempt
		// bound costs little, and it bounds how long an operation whose
		// process was killed waits before another process resumes it
		// (RescueStuckJobsAfter). 16 workers cap concurrent operations per
		// process by default (--job-workers). An operation holds a
		// database connection only while it reads or writes, so more run
		// on the same pool (TestConcurrentInstantiations runs 1,000 on 32
		// connections); each one waiting on its VIM costs memory and VIM
		// requests.
		Jobs: jobs.Options{
			Queues:               map[string]int{jobs.QueueDefault: 16},
			JobTimeout:           3 * time.Minute,
			RescueStuckJobsAfter: 4 * time.Minute,
		},
		Flags: f.add,
		Mount: func(ctx context.Context, a *app.App) error { return mount(ctx, a, &f) },
	})
}

// mount wires the engine: packages and grants from the NFVO (--nfvo-url),
// or a catalogue of its own and grants given locally; Kubernetes drivers.
func mount(ctx context.Context, a *app.App, f *flags) error {
	if f.vimQPS < 0 || f.vimBurst < 0 {
		return fmt.Errorf("--vim-qps %v, --vim-burst %d: want 0 (the default) or more", f.vimQPS, f.vimBurst)
	}
	ns, err := notify.New(a.DB, a.Jobs, notify.Options{Logger: a.Log})
	if err != nil {
		return err
	}
	pkgs, cat, err := packageSource(a, f, ns)
	if err != nil {
		return err
	}
	granter, err := granterFor(a, f)
	if err != nil {
		return err
	}
	svc, err := lcm.NewService(a.DB, a.Jobs, lcm.Options{
		Granter:  granter,
		Packages: pkgs,
		Drivers: &drivers{kubeconfig: f.kubeconfig, log: a.Log,
			kubeOpts: kubernetes.Options{QPS: f.vimQPS, Burst: f.vimBurst}},
		Logger: a.Log,
	})
	if err != nil {
		return err
	}
	vnflcm.Mount(a.Engine, a.Auth, svc, ns)
	if cat == nil {
		return nil
	}
	go vnfpkgm.RefreshListViews(ctx, cat, a.Log)
	usage := localUsage{cat: cat}
	svc.AlsoNotify(usage)
	return usage.reconcile(ctx, svc.Instances())
}

// packageSource is the NFVO's SOL 003 package interface when --nfvo-url is
// set; otherwise a catalogue of this process (also returned, since this
// process then keeps its packages' usage), served at /vnfpkgm/v1 so
// packages can be onboarded to the standalone VNFM.
func packageSource(a *app.App, f *flags, ns *notify.Service) (lcm.PackageSource, *catalog.Service, error) {
	if f.nfvoURL != "" {
		opts, err := f.nfvoClientOptions(a.Opts.DataDir)
		if err != nil {
			return nil, nil, err
		}
		a.Log.Info("VNF packages come from the NFVO", "nfvo", f.nfvoURL, "oauth", f.nfvoClient != "")
		c, err := vnfpkgm.NewClient(opts)
		return c, nil, err
	}
	opts := f.catalogOptions(a.Opts.DataDir)
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, nil, err
	}
	cat, err := catalog.NewService(a.DB, a.Jobs, opts)
	if err != nil {
		return nil, nil, err
	}
	vnfpkgm.Mount(a.Engine, a.Auth, cat, ns)
	a.Log.Info("standalone VNFM: VNF packages from the local catalogue", "dir", opts.Dir)
	return lcm.NewCatalogSource(cat), cat, nil
}

// granterFor is the NFVO's SOL 003 grant interface when --nfvo-url is set;
// otherwise the VNFM grants locally.
func granterFor(a *app.App, f *flags) (lcm.Granter, error) {
	if f.nfvoURL == "" {
		a.Log.Info("standalone VNFM: operations are granted locally")
		return lcm.LocalGranter{Logger: a.Log}, nil
	}
	opts, err := f.grantClientOptions(a.Opts.DataDir)
	if err != nil {
		return nil, err
	}
	opts.Logger = a.Log
	a.Log.Info("grants come from the NFVO", "nfvo", f.nfvoURL)
	return grant.NewClient(opts)
}
