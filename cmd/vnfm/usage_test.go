package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/cmd/internal/proctest"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// TestStandaloneUsage runs the vnfm command without an NFVO: a package
// onboarded to its own catalogue is IN_USE from the moment a VNF instance
// of it is created (in the creation's transaction, so at once), may then
// be disabled but not deleted, and is NOT_IN_USE when the instance goes.
func TestStandaloneUsage(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	p := proctest.Start(t, "vnfm", runAsVNFM, base, nil,
		"--listen", addr, "--auth", "none", "--data-dir", filepath.Join(t.TempDir(), "data"))
	logs := p.Logs
	pkgs := base + "/vnfpkgm/v1/vnf_packages"
	var pkg struct {
		ID string `json:"id"`
	}
	decode(t, call(t, http.MethodPost, pkgs, "application/json", []byte(`{}`), http.StatusCreated), &pkg)
	zip, err := csartest.Build("../../testdata/packages/cnf-manifests", csartest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	call(t, http.MethodPut, pkgs+"/"+pkg.ID+"/package_content", "application/zip", zip, http.StatusAccepted)
	for deadline := time.Now().Add(60 * time.Second); state(t, pkgs+"/"+pkg.ID, "onboardingState") != "ONBOARDED"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not onboarded\n%s", logs)
		}
	}
	patch := func(st string) {
		call(t, http.MethodPatch, pkgs+"/"+pkg.ID, "application/merge-patch+json", []byte(`{"operationalState":"`+st+`"}`), http.StatusOK)
	}
	patch("ENABLED")
	if got := state(t, pkgs+"/"+pkg.ID, "usageState"); got != "NOT_IN_USE" {
		t.Fatalf("usageState %s before any instance", got)
	}

	var inst struct {
		ID string `json:"id"`
	}
	decode(t, call(t, http.MethodPost, base+"/vnflcm/v2/vnf_instances", "application/json",
		[]byte(`{"vnfdId":"6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41"}`), http.StatusCreated), &inst)
	if got := state(t, pkgs+"/"+pkg.ID, "usageState"); got != "IN_USE" {
		t.Fatalf("usageState %s with an instance", got)
	}
	patch("DISABLED")
	if body := call(t, http.MethodDelete, pkgs+"/"+pkg.ID, "", nil, http.StatusConflict); !strings.Contains(string(body), "IN_USE") {
		t.Fatalf("delete while IN_USE: %s", body)
	}
	call(t, http.MethodDelete, base+"/vnflcm/v2/vnf_instances/"+inst.ID, "", nil, http.StatusNoContent)
	if got := state(t, pkgs+"/"+pkg.ID, "usageState"); got != "NOT_IN_USE" {
		t.Fatalf("usageState %s after the instance went", got)
	}
	call(t, http.MethodDelete, pkgs+"/"+pkg.ID, "", nil, http.StatusNoContent)
}

// call sends body (if any) as contentType and fails unless the answer is
// status; it returns the answer's body.
func call(t *testing.T, method, url, contentType string, body []byte, status int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: %s, want %d: %s", method, url, res.Status, status, raw)
	}
	return raw
}

func decode(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
}

// state reads one string attribute of the resource at url.
func state(t *testing.T, url, attr string) string {
	t.Helper()
	var m map[string]any
	decode(t, call(t, http.MethodGet, url, "", nil, http.StatusOK), &m)
	s, _ := m[attr].(string)
	return s
}
