package main

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

func TestNFVOClientOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		f       flags
		wantErr bool
		oauth   bool
	}{
		{name: "no credentials", f: flags{nfvoURL: "http://nfvo:9880"}},
		{name: "credentials", f: flags{nfvoURL: "http://nfvo:9880/", nfvoClient: "vnfm:s3cret"}, oauth: true},
		{name: "own token url", f: flags{nfvoURL: "http://nfvo", nfvoClient: "a:b", nfvoTokenURL: "https://as/token"}, oauth: true},
		{name: "no secret", f: flags{nfvoURL: "http://nfvo", nfvoClient: "vnfm"}, wantErr: true},
		{name: "empty id", f: flags{nfvoURL: "http://nfvo", nfvoClient: ":x"}, wantErr: true},
		{name: "bad token url", f: flags{nfvoURL: "http://nfvo", nfvoClient: "a:b", nfvoTokenURL: "ftp://x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts, err := tt.f.nfvoClientOptions("/data")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			_, isOAuth := opts.HTTPClient.Transport.(*auth.Transport)
			if isOAuth != tt.oauth {
				t.Errorf("OAuth transport %v, want %v", isOAuth, tt.oauth)
			}
			if opts.CacheDir != "/data/packages" {
				t.Errorf("cache dir %s", opts.CacheDir)
			}
			if !tt.oauth && opts.HTTPClient != http.DefaultClient {
				t.Error("plain client expected")
			}
		})
	}
}

func TestDrivers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		kubeconfig string
		conn       *vim.Connection
	}{
		{"no default vim", "", nil},
		{"openstack", "", &vim.Connection{VIMType: "ETSINFV.OPENSTACK_KEYSTONE.V_3", Endpoint: "http://keystone"}},
		{"missing kubeconfig", "/nonexistent/kubeconfig", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &drivers{kubeconfig: tt.kubeconfig}
			if _, err := d.Driver(t.Context(), tt.conn); !errors.Is(err, vim.ErrPermanent) {
				t.Fatalf("err %v, want ErrPermanent", err)
			}
		})
	}
}

// TestKubernetesDriversPerConnection checks that a connection gets one driver, whose waits
// share its watches, and that changed credentials get a new one.
func TestKubernetesDriversPerConnection(t *testing.T) {
	t.Parallel()
	d := &drivers{}
	conn := vim.Connection{VIMID: "edge", VIMType: "kubernetes", Endpoint: "https://127.0.0.1:6443", BearerToken: vim.NewSecret("one")}
	first, err := d.Driver(t.Context(), &conn)
	if err != nil {
		t.Fatal(err)
	}
	again, err := d.Driver(t.Context(), &conn)
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Error("the same connection got a second driver")
	}
	conn.BearerToken = vim.NewSecret("two")
	rotated, err := d.Driver(t.Context(), &conn)
	if err != nil {
		t.Fatal(err)
	}
	if rotated == first {
		t.Error("a connection with a new token got the driver of the old one")
	}
}

// TestMountRejectsNegativeRate checks that a negative --vim-qps or --vim-burst stops the
// VNFM at start rather than meaning the default.
func TestMountRejectsNegativeRate(t *testing.T) {
	t.Parallel()
	for _, f := range []flags{{vimQPS: -1}, {vimBurst: -1}} {
		if err := mount(t.Context(), nil, &f); err == nil || !strings.Contains(err.Error(), "--vim-qps") {
			t.Errorf("flags %+v: %v", f, err)
		}
	}
}
