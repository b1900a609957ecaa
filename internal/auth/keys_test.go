package auth_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

func TestLoadKeySet(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	first, err := auth.LoadKeySet(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, auth.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := auth.LoadKeySet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.KeyID() != first.KeyID() {
		t.Fatalf("reloaded kid %s, want %s: tokens would not survive a restart", again.KeyID(), first.KeyID())
	}
	// A token signed before the restart verifies after it.
	opts := serverOptions(t)
	opts.Keys = first
	tok := tokenFrom(t, opts, "")
	v := localValidator(t, func(o *auth.ValidatorOptions) { o.Issuers[0].Keys = again })
	if err := authenticate(v, tok); err != nil {
		t.Fatal(err)
	}
}

func TestLoadKeySet_ConcurrentStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kids := make([]string, 4)
	var wg sync.WaitGroup
	for i := range kids {
		wg.Go(func() {
			ks, err := auth.LoadKeySet(dir)
			if err != nil {
				t.Error(err)
				return
			}
			kids[i] = ks.KeyID()
		})
	}
	wg.Wait()
	for _, kid := range kids[1:] {
		if kid != kids[0] {
			t.Fatalf("processes starting together got different keys: %v", kids)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("data dir holds %d files, want only the key", len(entries))
	}
}

func TestLoadKeySet_Refuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{name: "readable by others", content: "", mode: 0o644, want: "chmod 600"},
		{name: "not PEM", content: "hello", mode: 0o600, want: "not a PEM PRIVATE KEY"},
		{name: "wrong PEM type", content: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", mode: 0o600,
			want: "not a PEM PRIVATE KEY"},
		{name: "garbage key", content: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", mode: 0o600,
			want: "read signing key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, auth.KeyFileName)
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // umask may have narrowed it
				t.Fatal(err)
			}
			_, err := auth.LoadKeySet(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
