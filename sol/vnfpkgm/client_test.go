package vnfpkgm_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

const manifestsVNFD = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"

func TestClientPackage(t *testing.T) {
	t.Parallel()
	zip, err := csartest.Build(manifestsCNF, csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	nfvo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/vnfpkgm/v1/onboarded_vnf_packages/"+manifestsVNFD+"/package_content" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		hits.Add(1)
		w.Header().Set("Content-Type", "application/zip")
		_, _ = w.Write(zip)
	}))
	t.Cleanup(nfvo.Close)
	dir := t.TempDir()
	newClient := func() *vnfpkgm.Client {
		c, err := vnfpkgm.NewClient(vnfpkgm.ClientOptions{BaseURL: nfvo.URL, CacheDir: dir,
			HTTPClient: &http.Client{Transport: bearer{"tok"}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient()
	for range 2 {
		p, err := c.Package(t.Context(), manifestsVNFD)
		if err != nil {
			t.Fatal(err)
		}
		if p.VNFD.ID != manifestsVNFD || p.VNFD.Flavour("default") == nil {
			t.Fatalf("package VNFD %s", p.VNFD.ID)
		}
	}
	if _, err := newClient().Package(t.Context(), manifestsVNFD); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("downloaded %d times, want once (memory, then disk)", n)
	}
	for _, id := range []string{"unknown", "../escape", ""} {
		if _, err := c.Package(t.Context(), id); !errors.Is(err, lcm.ErrPackage) {
			t.Errorf("vnfdId %q: %v, want ErrPackage", id, err)
		}
	}
}

func TestNewClientChecksOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts vnfpkgm.ClientOptions
	}{
		{"no scheme", vnfpkgm.ClientOptions{BaseURL: "nfvo:9880", CacheDir: "x"}},
		{"ftp", vnfpkgm.ClientOptions{BaseURL: "ftp://nfvo", CacheDir: "x"}},
		{"no cache dir", vnfpkgm.ClientOptions{BaseURL: "http://nfvo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := vnfpkgm.NewClient(tt.opts); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// bearer adds a fixed Bearer token, as auth.Transport does with a real one.
type bearer struct{ tok string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.tok)
	return http.DefaultTransport.RoundTrip(r)
}
