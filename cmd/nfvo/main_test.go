package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/lcm"
	solgrant "github.com/cadenza-mano/cadenza/sol/grant"
)

const vimToken = "k8s-token-c41d-secret"

// TestGrantsFromTheProcess runs the NFVO as its command does: VIMs from
// --vims, OAuth 2.0 on. A VNFM with the grant scope gets the VIM, one
// without a token is refused, and after a restart without --vims the
// registry and its sealed credentials are still there.
func TestGrantsFromTheProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vims := filepath.Join(dir, "vims.yaml")
	if err := os.WriteFile(vims, []byte(`vims:
- id: k8s
  vimType: kubernetes
  default: true
  zones: [zone-a]
  interfaceInfo: {endpoint: "https://127.0.0.1:16443"}
  accessInfo: {bearer_token: "`+vimToken+`"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	for i, args := range [][]string{{"--vims", vims}, nil} {
		base, stop := run(t, append(args, "--data-dir", data, "--oauth-client", "vnfm:s3cret:grant:v1:all")...)
		res, err := http.Post(base+"/grant/v1/grants", "application/json", strings.NewReader(`{}`))
		if err != nil || res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("no token: %v %v", res.Status, err)
		}
		res.Body.Close()
		g, err := client(t, base).Grant(t.Context(), lcm.GrantRequest{VNFInstanceID: "i", VNFDID: "d",
			OpOccID: "op" + string(rune('0'+i)), Operation: lcm.OpInstantiate,
			AddResources: []lcm.GrantResource{{ID: "web-0", Type: lcm.ResourceCompute}}})
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		c := g.VIMConnections["k8s"]
		if c.VIMID != "k8s" || c.AccessInfo["bearer_token"] != vimToken || g.Zones["web-0"] != "zone-a" {
			t.Fatalf("run %d: grant %+v", i, g)
		}
		stop()
	}
	fi, err := os.Stat(filepath.Join(data, "secret.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("generated key: %v %v", fi, err)
	}
}

func client(t *testing.T, base string) *solgrant.Client {
	t.Helper()
	ts, err := auth.NewTokenSource(auth.ClientCredentials{TokenURL: base + auth.TokenPath, ClientID: "vnfm", ClientSecret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := solgrant.NewClient(solgrant.ClientOptions{BaseURL: base,
		HTTPClient: &http.Client{Transport: &auth.Transport{Source: ts}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run starts the NFVO with args and returns its URL and a stop function.
func run(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr, serve(t, app.Command(spec()), addr, args...)
}
