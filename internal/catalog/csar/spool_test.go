package csar_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

func TestSpool(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	data := bytes.Repeat([]byte("x"), 4096)
	tests := []struct {
		name  string
		ctx   context.Context
		limit int64
		kind  csar.Kind
		err   error
	}{
		{name: "within the limit", limit: 4096},
		{name: "over the limit", limit: 4095, kind: csar.KindLimit},
		{name: "canceled", ctx: canceled, limit: 8192, err: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			path := filepath.Join(t.TempDir(), "upload.zip")
			n, err := csar.Spool(ctx, bytes.NewReader(data), path, tt.limit)
			if tt.kind == "" && tt.err == nil {
				got, rerr := os.ReadFile(path)
				if err != nil || n != int64(len(data)) || rerr != nil || !bytes.Equal(got, data) {
					t.Fatalf("Spool = %d, %v; file %d bytes, %v", n, err, len(got), rerr)
				}
				return
			}
			if csar.KindOf(err) != tt.kind || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Errorf("error = %v, want kind %q / %v", err, tt.kind, tt.err)
			}
			if _, serr := os.Stat(path); !errors.Is(serr, fs.ErrNotExist) {
				t.Errorf("partial file left behind: %v", serr)
			}
		})
	}
}
