package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cadenza-mano/cadenza/cmd/internal/proctest"
	"github.com/cadenza-mano/cadenza/internal/auth"
)

// runAsNFVO makes the test binary the nfvo command when set, so that
// process tests can run the real command and signal it.
const runAsNFVO = "CADENZA_TEST_RUN_NFVO"

func TestMain(m *testing.M) {
	if os.Getenv(runAsNFVO) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startProcess runs the nfvo command in a child process with env added to
// the environment and args, and waits until it is ready at base.
func startProcess(t *testing.T, base string, env []string, args ...string) *proctest.Proc {
	t.Helper()
	return proctest.Start(t, "nfvo", runAsNFVO, base, env, args...)
}

// TestProcess_SIGTERMFinishesInFlightRequest runs the real command,
// configured through MANO_* variables only, with --auth none. A request
// whose handler is reading its body when SIGTERM arrives still completes,
// the process exits 0, and the created resource is there after a restart
// (where flags override the variables and turn OAuth 2.0 back on).
func TestProcess_SIGTERMFinishesInFlightRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	base := "http://" + addr
	dbFile := filepath.Join(dir, "elsewhere", "nfvo.db")
	if err := os.MkdirAll(filepath.Dir(dbFile), 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"MANO_LISTEN=" + addr,
		"MANO_DATA_DIR=" + filepath.Join(dir, "data"),
		"MANO_DB=sqlite://" + dbFile,
		"MANO_AUTH=none",
		"MANO_OAUTH_CLIENT=ops:s3cret viewer:v1ew:vnfpkgm:v1:readonly",
		"MANO_LOG_FORMAT=json",
	}
	p := startProcess(t, base, env)
	warn := p.WaitLog(t, "authorisation is OFF", proctest.Msg("authorisation is OFF"))
	if warn["level"] != "WARN" {
		t.Errorf("--auth none logged %v, want a warning", warn)
	}
	if _, err := os.Stat(dbFile); err != nil {
		t.Errorf("MANO_DB not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "packages")); err != nil {
		t.Errorf("MANO_DATA_DIR not used: %v", err)
	}
	if started := p.WaitLog(t, "started", proctest.Msg("started")); started["auth"] != "none" || started["db"] == nil {
		t.Errorf("started: %v", started)
	}

	// The request goes out on a raw connection with Expect: 100-continue, so
	// the 100 Continue proves its handler runs before the signal is sent.
	body := `{"userDefinedData":{"sent":"across SIGTERM"}}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /vnfpkgm/v1/vnf_packages HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Accept: application/json\r\nX-Request-Id: in-flight-1\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("want 100 Continue, got %q %v", line, err)
	}
	if _, err := br.ReadString('\n'); err != nil { // the blank line ending the 100 response
		t.Fatal(err)
	}
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.WaitLog(t, "shutting down", proctest.Msg("shutting down"))
	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v\n%s", err, p.Logs)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var created struct {
		ID string `json:"id"`
	}
	if res.StatusCode != http.StatusCreated || json.Unmarshal(raw, &created) != nil || created.ID == "" {
		t.Fatalf("in-flight request: %d %s", res.StatusCode, raw)
	}
	if err := p.Wait(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.Logs)
	}
	acc := p.Logs.Find(proctest.Msg("http request"))
	for _, r := range p.Logs.Records() {
		if r["msg"] == "http request" && r["request_id"] == "in-flight-1" {
			acc = r
		}
	}
	if acc == nil || acc["request_id"] != "in-flight-1" || acc["status"] != float64(201) {
		t.Errorf("access log of the in-flight request: %v", acc)
	}

	// Restart: --auth on the command line wins over MANO_AUTH=none, and the
	// clients come from MANO_OAUTH_CLIENT.
	p = startProcess(t, base, env, "--auth", "oauth2")
	list := base + "/vnfpkgm/v1/vnf_packages/" + created.ID
	if res, err := http.Get(list); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a token after restart: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if p.Logs.Find(proctest.Msg("authorisation is OFF")) != nil {
		t.Errorf("warning logged with --auth oauth2:\n%s", p.Logs)
	}
	for _, c := range [][2]string{{"ops", "s3cret"}, {"viewer", "v1ew"}} {
		ts, err := auth.NewTokenSource(auth.ClientCredentials{TokenURL: base + auth.TokenPath, ClientID: c[0], ClientSecret: c[1]})
		if err != nil {
			t.Fatal(err)
		}
		hc := &http.Client{Transport: &auth.Transport{Source: ts}}
		res, err := hc.Get(list)
		if err != nil {
			t.Fatalf("%s: %v", c[0], err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(raw), "across SIGTERM") {
			t.Fatalf("%s: package after restart: %d %s", c[0], res.StatusCode, raw)
		}
	}
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(t); err != nil {
		t.Fatalf("second exit: %v\n%s", err, p.Logs)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
