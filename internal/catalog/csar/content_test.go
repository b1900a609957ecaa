package csar_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

func TestContentOpenServesOnlyPackageFiles(t *testing.T) {
	t.Parallel()
	p, dir, err := openPkg(t, vmPackage(t).write(t), csar.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	// A file beside the content directory that traversal would reach.
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.Close()
	c, err := csar.OpenContent(dir)
	if err != nil {
		t.Fatalf("OpenContent: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	tests := []struct {
		name string
		path string
		want string
		err  error
	}{
		{name: "artifact", path: "Scripts/install.sh", want: "#!/bin/sh\necho installed\n"},
		{name: "leading slash", path: "/ChangeLog.txt", want: "1.0: first release\n"},
		{name: "parent traversal", path: "../secret", err: fs.ErrInvalid},
		{name: "inner traversal", path: "Scripts/../../secret", err: fs.ErrInvalid},
		{name: "absolute", path: "//etc/passwd", err: fs.ErrInvalid},
		{name: "backslash", path: "..\\secret", err: fs.ErrInvalid},
		{name: "dot", path: ".", err: fs.ErrInvalid},
		{name: "directory", path: "Scripts", err: fs.ErrNotExist},
		{name: "missing", path: "Scripts/none.sh", err: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := c.Open(tt.path)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("Open(%q) error = %v, want %v", tt.path, err, tt.err)
				}
				if f != nil {
					f.Close()
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.path, err)
			}
			defer f.Close()
			got, _ := io.ReadAll(f)
			if string(got) != tt.want {
				t.Errorf("content = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOpenHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	dir := filepath.Join(t.TempDir(), "pkg")
	_, err := csar.Open(ctx, vmPackage(t).write(t), dir, csar.Options{})
	if !errors.Is(err, context.Canceled) || csar.KindOf(err) != "" {
		t.Errorf("error = %v, want context.Canceled and no rejection kind", err)
	}
	if _, statErr := os.Stat(dir); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("content directory left behind: %v", statErr)
	}
}

func TestOpenRefusesExistingDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := csar.Open(t.Context(), vmPackage(t).write(t), dir, csar.Options{})
	if err == nil || csar.KindOf(err) != "" {
		t.Errorf("error = %v, want a local failure", err)
	}
	if _, statErr := os.Stat(dir); statErr != nil {
		t.Errorf("pre-existing directory removed: %v", statErr)
	}
}
