package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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
	logs := &proctest.Logs{}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), runAsVNFM+"=1", "MANO_LISTEN="+addr, "MANO_DATA_DIR="+data,
		"MANO_AUTH=none", "MANO_LOG_FORMAT=json")
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("vnfm exited: %v\n%s", err, logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("vnfm not ready at %s\n%s", base, logs)
		}
	}
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
	var access map[string]any
	for access == nil {
		access = logs.Find(func(r map[string]any) bool {
			return r["msg"] == "http request" && r["request_id"] == "vnfm-trace-9"
		})
		if access == nil && time.Now().After(deadline) {
			t.Fatalf("no access log with the request id:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if access["route"] != "/vnflcm/v1/vnf_instances" || access["status"] != float64(200) {
		t.Errorf("access log: %v", access)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("vnfm did not exit after SIGTERM\n%s", logs)
	}
}
