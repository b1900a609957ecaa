package vnflcm_test

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// envTackerRequired makes a missing python-tackerclient fail the test
// instead of skipping it (set by the target that runs the client suites).
const envTackerRequired = "CADENZA_TACKERCLIENT_REQUIRED"

// openstack runs Debian's openstack CLI against the server, without
// Keystone, and returns its output.
func (b *testBundle) openstack(t *testing.T, v2 bool, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "openstack", args...)
	// The client reads OS_* from the environment: drop any the test run
	// inherits (make test exports the OpenStack test cloud's) so that only
	// ours apply.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "OS_AUTH_TYPE=none", "OS_ENDPOINT="+b.url)
	if v2 {
		cmd.Env = append(cmd.Env, "OS_TACKER_API_VERSION=2")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestTackerclient drives the API with python-tackerclient's `openstack
// vnflcm` commands, v1 and v2, unchanged.
func TestTackerclient(t *testing.T) {
	t.Parallel()
	// The openstack CLI may be installed without the tacker plugin that
	// brings its vnflcm commands.
	if err := exec.CommandContext(t.Context(), "openstack", "help", "vnflcm", "create").Run(); err != nil {
		if os.Getenv(envTackerRequired) != "" {
			t.Fatalf("python3-tackerclient is required (%s) but `openstack vnflcm` is not available: %v", envTackerRequired, err)
		}
		t.Skip("python3-tackerclient not installed (apt-get install python3-tackerclient python3-openstackclient)")
	}
	b := setup(t)
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inst := file("inst.json", `{"flavourId":"default","additionalParams":{"lcm-kubernetes-def-files":["Files/kubernetes/deployment.yaml"]}}`)
	extra := file("extra.json", `{"dummy":1}`)

	id := b.openstack(t, false, "vnflcm", "create", manifestsVNFD, "--name", "vnf1", "--description", "d", "-f", "value", "-c", "ID")
	b.openstack(t, false, "vnflcm", "instantiate", id, inst)
	b.settle(t, id)
	if st := b.openstack(t, false, "vnflcm", "show", id, "-f", "value", "-c", "Instantiation State"); st != "INSTANTIATED" {
		t.Fatalf("show: %s", st)
	}
	b.openstack(t, false, "vnflcm", "scale", "--type", "SCALE_OUT", "--aspect-id", "web_aspect", "--number-of-steps", "1",
		"--additional-param-file", extra, id)
	b.settle(t, id)
	b.openstack(t, false, "vnflcm", "heal", "--cause", "restart", id)
	b.settle(t, id)
	ops := b.openstack(t, false, "vnflcm", "op", "list", "--filter", "(eq,operationState,COMPLETED)",
		"--exclude-fields", "operationParams", "-f", "value", "-c", "Operation")
	if ops != "INSTANTIATE\nSCALE\nHEAL" {
		t.Errorf("op list: %q", ops)
	}
	b.openstack(t, false, "vnflcm", "update", "--I", file("update.json", `{"vnfInstanceName":"renamed"}`), id)
	if name := b.openstack(t, false, "vnflcm", "show", id, "-f", "value", "-c", "VNF Instance Name"); name != "renamed" {
		t.Errorf("name after update: %q", name)
	}

	b.drv.FailNext("Heal", vim.Errorf(vim.ErrTransient, "heal", "vim unreachable"))
	b.openstack(t, false, "vnflcm", "heal", "--cause", "x", id)
	b.settle(t, id)
	failed := b.openstack(t, false, "vnflcm", "op", "list", "--filter", "(eq,operationState,FAILED_TEMP)", "-f", "value", "-c", "ID")
	b.openstack(t, false, "vnflcm", "op", "retry", failed)
	b.settle(t, id)
	if st := b.openstack(t, false, "vnflcm", "op", "show", failed, "-f", "value", "-c", "Operation State"); st != "COMPLETED" {
		t.Errorf("after retry: %s", st)
	}
	b.drv.FailNext("Scale", vim.Errorf(vim.ErrTransient, "scale", "vim unreachable"))
	b.openstack(t, false, "vnflcm", "scale", "--type", "SCALE_OUT", "--aspect-id", "web_aspect", id)
	b.settle(t, id)
	failed = b.openstack(t, false, "vnflcm", "op", "list", "--filter", "(eq,operationState,FAILED_TEMP)", "-f", "value", "-c", "ID")
	b.openstack(t, false, "vnflcm", "op", "rollback", failed)
	b.settle(t, id)
	b.drv.FailNext("Delete", vim.Errorf(vim.ErrTransient, "delete", "vim unreachable"))
	b.openstack(t, false, "vnflcm", "terminate", "--termination-type", "FORCEFUL", id)
	b.settle(t, id)
	failed = b.openstack(t, false, "vnflcm", "op", "list", "--filter", "(eq,operationState,FAILED_TEMP)", "-f", "value", "-c", "ID")
	if st := b.openstack(t, false, "vnflcm", "op", "fail", failed, "-f", "value", "-c", "Operation State"); st != "FAILED" {
		t.Errorf("op fail printed %q", st)
	}
	b.openstack(t, false, "vnflcm", "terminate", "--D", id) // GRACEFUL, no timeout, then DELETE
	if left := b.openstack(t, false, "vnflcm", "list", "-f", "value"); left != "" {
		t.Errorf("after terminate --D: %q", left)
	}

	id = b.openstack(t, true, "vnflcm", "create", manifestsVNFD, "--name", "v2", "-f", "value", "-c", "ID")
	b.openstack(t, true, "vnflcm", "instantiate", id, inst)
	b.settle(t, id)
	b.openstack(t, true, "vnflcm", "change-vnfpkg", id, file("pkg.json", `{"vnfdId":"`+manifestsVNFD+`"}`))
	b.settle(t, id)
	b.openstack(t, true, "vnflcm", "terminate", "--D", id)
}

// settle waits until instance id has no operation in STARTING or PROCESSING.
func (b *testBundle) settle(t *testing.T, id string) {
	t.Helper()
	var last []byte
	defer func() {
		if t.Failed() {
			t.Logf("last: %.400s", last)
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		f := url.QueryEscape("(eq,vnfInstanceId," + id + ");(eq,operationState,STARTING,PROCESSING,ROLLING_BACK)")
		r := b.do(t, "GET", "/vnflcm/v1/vnf_lcm_op_occs?filter="+f, "")
		if r.status != http.StatusOK {
			t.Fatalf("settle: %d %s", r.status, r.body)
		}
		if strings.TrimSpace(string(r.body)) == "[]" {
			return
		}
		last = r.body
	}
	t.Fatalf("operations of %s never settled", id)
}
