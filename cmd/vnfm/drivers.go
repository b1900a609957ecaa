package main

import (
	"context"
	"log/slog"
	"sync"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/kubernetes"
)

// drivers makes the VIM drivers the engine asks for: Kubernetes, for the
// VIM a connection names or for the default VIM of --vim-kubeconfig.
type drivers struct {
	kubeconfig string
	log        *slog.Logger

	once sync.Once
	def  vim.Driver
	err  error
}

// Driver returns the driver for conn (nil: the default VIM).
func (d *drivers) Driver(_ context.Context, conn *vim.Connection) (vim.Driver, error) {
	opts := kubernetes.Options{Logger: d.log}
	if conn != nil && conn.Endpoint != "" {
		if !conn.IsKubernetes() {
			return nil, vim.Errorf(vim.ErrPermanent, "vim driver", "vim type %q is not supported", conn.VIMType)
		}
		return kubernetes.NewForConnection(*conn, opts)
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
