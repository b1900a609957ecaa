package csar

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// TestMeterEnforcesLimitsOnInflatedBytes feeds the meter more bytes than the
// headers admit to, as a crafted deflate stream would, and expects it to
// stop on what it counts.
func TestMeterEnforcesLimitsOnInflatedBytes(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	base := Options{MaxFileSize: 64 << 20, MaxTotalSize: 64 << 20, MaxCompressionRatio: 100}.withDefaults()
	tests := []struct {
		name        string
		ctx         context.Context
		opts        func(o *Options)
		compressed  uint64
		packageSize int64
		already     int64 // bytes inflated from earlier entries
		inflate     int
		kind        Kind
		err         error
	}{
		{name: "within limits", compressed: 1 << 20, packageSize: 2 << 20, inflate: 4 << 20},
		{name: "entry ratio", compressed: 1 << 10, packageSize: 1 << 30, inflate: 2 << 20, kind: KindBomb},
		{name: "package ratio", compressed: 1 << 20, packageSize: 20 << 10, already: 1 << 20, inflate: 2 << 20, kind: KindBomb},
		{name: "per-file size", opts: func(o *Options) { o.MaxFileSize = 1 << 20 }, compressed: 1 << 20, packageSize: 1 << 30, inflate: 2 << 20, kind: KindLimit},
		{name: "total size", opts: func(o *Options) { o.MaxTotalSize = 3 << 20 }, compressed: 1 << 20, packageSize: 1 << 30, already: 2 << 20, inflate: 2 << 20, kind: KindLimit},
		{name: "context canceled", ctx: canceled, compressed: 1 << 20, packageSize: 1 << 30, inflate: 1, err: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := base
			if tt.opts != nil {
				tt.opts(&opts)
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			m := &meter{ctx: ctx, opts: opts, packageSize: tt.packageSize, total: tt.already}
			zf := &zip.File{FileHeader: zip.FileHeader{Name: "Files/x", CompressedSize64: tt.compressed, UncompressedSize64: 1}}
			_, err := io.Copy(io.Discard, m.reader(zf, bytes.NewReader(make([]byte, tt.inflate))))
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Errorf("error = %v, want %v", err, tt.err)
				}
			case KindOf(err) != tt.kind:
				t.Errorf("error = %v, want kind %q", err, tt.kind)
			}
		})
	}
}
