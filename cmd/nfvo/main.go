// Command nfvo is Cadenza's NFV Orchestrator: the SOL 005 northbound APIs
// for an operator's OSS and the NFVO side of SOL 003 for VNFMs.
package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/grant"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
	solgrant "github.com/cadenza-mano/cadenza/sol/grant"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// packageFlags are the NFVO's settings for onboarding VNF packages.
type packageFlags struct {
	dir              string
	trustedCA        string
	requireSignature bool
	strict           bool
	manifestOptional bool
	maxSize          int64
	fetchTimeout     time.Duration
	fetchCA          string
}

func (p *packageFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&p.dir, "package-dir", "", "content store of VNF packages (default: packages/ under --data-dir)")
	fs.StringVar(&p.trustedCA, "package-trusted-ca", "", "PEM file of the CA certificates package signatures must chain to")
	fs.BoolVar(&p.requireSignature, "package-require-signature", false, "reject VNF packages whose manifest is not signed")
	fs.BoolVar(&p.strict, "package-strict", false, "reject VNF packages with files their manifest does not list")
	fs.BoolVar(&p.manifestOptional, "package-manifest-optional", false, "accept VNF packages without a manifest (SOL 004 requires one)")
	fs.Int64Var(&p.maxSize, "package-max-size", csar.DefaultMaxPackageSize, "largest VNF package zip accepted, in bytes")
	fs.DurationVar(&p.fetchTimeout, "package-fetch-timeout", catalog.DefaultFetchTimeout,
		"time limit of one upload_from_uri download, headers and body (at most the job timeout, 10m)")
	fs.StringVar(&p.fetchCA, "package-fetch-ca", "", "PEM file of CA certificates trusted, besides the system's, for https upload_from_uri")
}

func (p *packageFlags) options(dataDir string) (catalog.Options, error) {
	o := catalog.Options{Dir: p.dir, CSAR: csar.Options{MaxPackageSize: p.maxSize,
		RequireSignature: p.requireSignature, Strict: p.strict, ManifestOptional: p.manifestOptional},
		FetchTimeout: p.fetchTimeout}
	// A download runs as a job, which the queue cancels after its timeout.
	if p.fetchTimeout <= 0 || p.fetchTimeout > jobs.DefaultJobTimeout {
		return o, fmt.Errorf("--package-fetch-timeout %s: want more than 0 and at most %s", p.fetchTimeout, jobs.DefaultJobTimeout)
	}
	if p.fetchCA != "" {
		roots, err := fetchRoots(p.fetchCA)
		if err != nil {
			return o, err
		}
		o.FetchRootCAs = roots
	}
	if o.Dir == "" {
		o.Dir = filepath.Join(dataDir, "packages")
	}
	if p.trustedCA != "" {
		pem, err := os.ReadFile(p.trustedCA)
		if err != nil {
			return o, fmt.Errorf("--package-trusted-ca: %w", err)
		}
		o.CSAR.TrustedRoots = x509.NewCertPool()
		if !o.CSAR.TrustedRoots.AppendCertsFromPEM(pem) {
			return o, fmt.Errorf("--package-trusted-ca: no PEM certificate in %s", p.trustedCA)
		}
	}
	return o, os.MkdirAll(o.Dir, 0o750)
}

// fetchRoots is the system's CA pool plus the certificates in file.
func fetchRoots(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--package-fetch-ca: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool() // no system pool: the file's CAs alone
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--package-fetch-ca: no PEM certificate in %s", file)
	}
	return roots, nil
}

func main() { app.Main(spec()) }

// spec is the NFVO binary: package management and the grant API over the
// VIM registry.
func spec() app.Spec {
	var pf packageFlags
	var vf vimFlags
	var uf usageFlags
	return app.Spec{
		Name:          "nfvo",
		Short:         "Cadenza NFVO: SOL 005 and SOL 003 (NFVO side) APIs",
		DefaultListen: "127.0.0.1:9880",
		Scopes:        app.ScopesOf(vnfpkgm.API, solgrant.API),
		Flags: func(fs *pflag.FlagSet) {
			pf.add(fs)
			vf.add(fs)
			uf.add(fs)
		},
		Mount: func(ctx context.Context, a *app.App) error {
			opts, err := pf.options(a.Opts.DataDir)
			if err != nil {
				return err
			}
			svc, err := catalog.NewService(a.DB, a.Jobs, opts)
			if err != nil {
				return err
			}
			ns, err := notify.New(a.DB, a.Jobs, notify.Options{Logger: a.Log})
			if err != nil {
				return err
			}
			vnfpkgm.Mount(a.Engine, a.Auth, svc, ns)
			go vnfpkgm.RefreshListViews(ctx, svc, a.Log)
			if err := mountUsage(ctx, a, svc, &uf, vf.keyFile); err != nil {
				return err
			}
			return mountGrants(ctx, a, &vf)
		},
	}
}

// mountGrants opens the VIM registry and serves the grant API over it.
func mountGrants(ctx context.Context, a *app.App, vf *vimFlags) error {
	reg, err := vf.registry(ctx, a.DB, a.Opts.DataDir, a.Log)
	if err != nil {
		return err
	}
	gs, err := grant.New(a.DB, a.Jobs, reg, grant.Options{DeferAbove: vf.deferAbove, Logger: a.Log})
	if err != nil {
		return err
	}
	solgrant.Mount(a.Engine, a.Auth, gs)
	return nil
}
