package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cadenza-mano/cadenza/cmd/internal/proctest"
)

// runAsVNFM makes the test binary the vnfm command when set, so that
// process tests can run the real command and signal it.
const runAsVNFM = "CADENZA_TEST_RUN_VNFM"

func TestMain(m *testing.M) {
	if os.Getenv(runAsVNFM) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestProcess_EnvWarningRequestIDAndSIGTERM runs the real vnfm command
// configured through MANO_* variables: it serves where MANO_LISTEN says,
// keeps its data under MANO_DATA_DIR, warns that --auth none admits every
// request, logs each request with the client's X-Request-Id, and exits 0 on
// SIGTERM.
func TestProcess_EnvWarningRequestIDAndSIGTERM(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data := filepath.Join(t.TempDir(), "data")
	base := "http://" + addr
	p := proctest.Start(t, "vnfm", runAsVNFM, base, []string{"MANO_LISTEN=" + addr, "MANO_DATA_DIR=" + data,
		"MANO_AUTH=none", "MANO_LOG_FORMAT=json"})
	logs := p.Logs
	warn := logs.Find(func(r map[string]any) bool {
		m, _ := r["msg"].(string)
		return strings.Contains(m, "authorisation is OFF")
	})
	if warn == nil || warn["level"] != "WARN" {
		t.Errorf("--auth none: warning %v\n%s", warn, logs)
	}
	if _, err := os.Stat(filepath.Join(data, "cadenza.db")); err != nil {
		t.Errorf("database not under MANO_DATA_DIR: %v", err)
	}

	req, _ := http.NewRequest("GET", base+"/vnflcm/v1/vnf_instances", nil)
	req.Header.Set("X-Request-Id", "vnfm-trace-9")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-Request-Id") != "vnfm-trace-9" {
		t.Fatalf("list: %d, request id %q", res.StatusCode, res.Header.Get("X-Request-Id"))
	}
	access := p.WaitLog(t, "of the request with its id", func(r map[string]any) bool {
		return r["msg"] == "http request" && r["request_id"] == "vnfm-trace-9"
	})
	if access["route"] != "/vnflcm/v1/vnf_instances" || access["status"] != float64(200) {
		t.Errorf("access log: %v", access)
	}

	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs)
	}
}
