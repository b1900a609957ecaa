package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

// vimFlags are the settings of the NFVO's VIM registry and grants.
type vimFlags struct {
	file       string
	keyFile    string
	deferAbove int
}

func (v *vimFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&v.file, "vims", "", "YAML or JSON file of the VIMs grants may use (added to those the database keeps)")
	fs.IntVar(&v.deferAbove, "grant-defer-above", 0, "decide grant requests adding more than this many resources asynchronously (202, then poll); 0: decide all at once")
	fs.StringVar(&v.keyFile, "secret-key-file", "", "AES-256 key (base64) sealing VIM credentials at rest (default: "+vimreg.KeyFile+" under --data-dir, generated when absent)")
}

// registry opens the VIM registry in db and adds the VIMs of --vims.
func (v *vimFlags) registry(ctx context.Context, db *store.DB, dataDir string, log *slog.Logger) (*vimreg.Registry, error) {
	key, err := vimreg.LoadKey(v.keyFile, dataDir)
	if err != nil {
		return nil, err
	}
	reg, err := vimreg.New(db, key)
	if err != nil {
		return nil, err
	}
	if v.file != "" {
		vims, err := vimreg.LoadFile(v.file)
		if err != nil {
			return nil, err
		}
		if err := reg.Put(ctx, vims); err != nil {
			return nil, err
		}
	}
	all, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, vim := range all {
		ids[i] = vim.ID
	}
	def, err := reg.Default(ctx)
	if err != nil && !errors.Is(err, vimreg.ErrNoDefault) {
		return nil, err
	}
	log.Info("VIM registry", "vims", ids, "default", def.ID, "file", v.file)
	return reg, nil
}
