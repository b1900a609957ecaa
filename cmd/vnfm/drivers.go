package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
	"github.com/cadenza-mano/cadenza/internal/vim/openstack"
)

// drivers makes the VIM drivers the engine asks for: Kubernetes or
// OpenStack for the VIM a connection names, or Kubernetes for the default
// VIM of --vim-kubeconfig. Drivers are kept per connection: an OpenStack
// driver's Keystone token is then fetched once and renewed by its client
// rather than on every step, and a Kubernetes driver's waits share its
// cluster-wide watches.
type drivers struct {
	kubeconfig string
	log        *slog.Logger
	// kubeOpts are the options of every Kubernetes driver (request rate).
	kubeOpts kubernetes.Options

	once sync.Once
	def  vim.Driver
	err  error

	mu     sync.Mutex
	byConn map[string]vim.Driver // by fingerprint
}

// Driver returns the driver for conn (nil: the default VIM).
func (d *drivers) Driver(ctx context.Context, conn *vim.Connection) (vim.Driver, error) {
	opts := d.kubeOpts
	opts.Logger = d.log
	if conn != nil && conn.Endpoint != "" {
		switch {
		case conn.IsKubernetes():
			return d.cached(*conn, func() (vim.Driver, error) { return kubernetes.NewForConnection(*conn, opts) })
		case conn.IsOpenStack():
			return d.cached(*conn, func() (vim.Driver, error) {
				return openstack.New(ctx, *conn, openstack.Options{Logger: d.log})
			})
		}
		return nil, vim.Errorf(vim.ErrPermanent, "vim driver", "vim type %q is not supported", conn.VIMType)
	}
	d.once.Do(func() {
		if d.kubeconfig == "" {
			d.err = vim.Errorf(vim.ErrPermanent, "vim driver", "no vimConnectionInfo given and no default VIM configured (--vim-kubeconfig)")
			return
		}
		cfg, err := clientcmd.BuildConfigFromFlags("", d.kubeconfig)
		if err == nil {
			d.def, err = kubernetes.New(cfg, opts)
		}
		if err != nil {
			d.err = vim.Errorf(vim.ErrPermanent, "default vim", "%v", err)
		}
	})
	if d.err != nil {
		return nil, d.err
	}
	return d.def, nil
}

// cached returns the driver kept for conn, making one with newDriver when
// the connection (credentials included) is new.
func (d *drivers) cached(conn vim.Connection, newDriver func() (vim.Driver, error)) (vim.Driver, error) {
	key := fingerprint(conn)
	d.mu.Lock()
	defer d.mu.Unlock()
	if drv, ok := d.byConn[key]; ok {
		return drv, nil
	}
	drv, err := newDriver()
	if err != nil {
		return nil, err
	}
	if d.byConn == nil {
		d.byConn = map[string]vim.Driver{}
	}
	d.byConn[key] = drv
	return drv, nil
}

// fingerprint identifies a connection by everything in it, credentials
// included, hashed so that the map key reveals none of them.
func fingerprint(c vim.Connection) string {
	parts := []string{c.VIMID, c.VIMType, c.Endpoint, string(c.CACert),
		c.BearerToken.Reveal(), string(c.ClientCert), c.ClientKey.Reveal()}
	if a := c.OpenStack; a != nil {
		parts = append(parts, a.Username, a.UserID, a.Password.Reveal(), a.ProjectName, a.ProjectID,
			a.UserDomain, a.ProjectDomain, a.Region, a.ApplicationCredentialID, a.ApplicationCredentialSecret.Reveal())
	}
	raw, _ := json.Marshal(parts) // a list of strings always marshals
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}
