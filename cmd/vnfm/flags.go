package main

import (
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/sol/grant"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// flags are the VNFM's own settings (also MANO_* environment variables).
type flags struct {
	nfvoURL      string
	nfvoClient   string
	nfvoTokenURL string
	packageDir   string
	kubeconfig   string
	vimQPS       float32
	vimBurst     int
}

func (f *flags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.nfvoURL, "nfvo-url", "", "NFVO API root to fetch VNF packages from and ask for grants over SOL 003; empty: standalone, with a local catalogue and local grants")
	fs.StringVar(&f.nfvoClient, "nfvo-client", "", "OAuth 2.0 client credentials ID:SECRET for calling the NFVO")
	fs.StringVar(&f.nfvoTokenURL, "nfvo-token-url", "", "NFVO token endpoint (default: --nfvo-url + "+auth.TokenPath+")")
	fs.StringVar(&f.packageDir, "package-dir", "", "local catalogue, or the cache of packages fetched from the NFVO (default: packages/ under --data-dir)")
	fs.StringVar(&f.kubeconfig, "vim-kubeconfig", "", "kubeconfig of the default Kubernetes VIM, for instances given no vimConnectionInfo")
	fs.Float32Var(&f.vimQPS, "vim-qps", 0, "requests a second to each Kubernetes VIM's API server (0: 200)")
	fs.IntVar(&f.vimBurst, "vim-burst", 0, "bursts of requests above --vim-qps to each Kubernetes VIM (0: 400)")
}

// packageDirOr is the package directory, under dataDir by default.
func (f *flags) packageDirOr(dataDir string) string {
	if f.packageDir != "" {
		return f.packageDir
	}
	return filepath.Join(dataDir, "packages")
}

// nfvoClientOptions are the settings of the SOL 003 package client.
func (f *flags) nfvoClientOptions(dataDir string) (vnfpkgm.ClientOptions, error) {
	hc, err := app.PeerClient("nfvo-client", f.nfvoClient, f.nfvoURL, f.nfvoTokenURL)
	return vnfpkgm.ClientOptions{BaseURL: f.nfvoURL, CacheDir: f.packageDirOr(dataDir), HTTPClient: hc}, err
}

// grantClientOptions are the settings of the SOL 003 grant client: the
// NFVO and credentials of the package client.
func (f *flags) grantClientOptions(dataDir string) (grant.ClientOptions, error) {
	p, err := f.nfvoClientOptions(dataDir)
	return grant.ClientOptions{BaseURL: f.nfvoURL, HTTPClient: p.HTTPClient}, err
}

// catalogOptions are the settings of the standalone VNFM's own catalogue.
func (f *flags) catalogOptions(dataDir string) catalog.Options {
	return catalog.Options{Dir: f.packageDirOr(dataDir), CSAR: csar.Options{}}
}
