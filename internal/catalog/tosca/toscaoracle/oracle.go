// Package toscaoracle runs OpenStack's TOSCA parser (Debian's
// python3-tosca-parser) on a descriptor and compares what it reads with
// what the engine reads. Only tests import it.
//
// tosca-parser 2.6 reads TOSCA 1.0 to 1.2; SOL 001 v4 descriptors use
// TOSCA 1.3 and constructs it cannot read. Each such gap has a named Fix
// in the driver (summary.py), which the caller asks for per package; the
// driver also parses once more without each fix so that Check can fail
// when a fix is no longer needed.
package toscaoracle

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed summary.py
var driver []byte

// Oracle locates the parser, the definition files Debian's package lacks
// and ETSI's SOL 001 type files.
type Oracle struct {
	python, defs, etsi string
}

// Find returns the oracle, skipping the test when a piece is missing, or
// failing it when CADENZA_REQUIRE_ORACLE=1 (as make test sets).
// CADENZA_TOSCA_ORACLE_DEFS and CADENZA_ETSI_SOL001 override the default
// locations beside the project checkout.
func Find(t testing.TB) *Oracle {
	t.Helper()
	shared := filepath.Join(moduleRoot(t), "..", "shared")
	o := &Oracle{
		python: "/usr/bin/python3",
		defs:   envOr("CADENZA_TOSCA_ORACLE_DEFS", filepath.Join(shared, "testenv", "tosca-oracle", "defs")),
		etsi:   envOr("CADENZA_ETSI_SOL001", filepath.Join(shared, "etsi", "sol001")),
	}
	missing := ""
	switch {
	case exec.Command(o.python, "-c", "import toscaparser").Run() != nil:
		missing = "python3-tosca-parser is not installed (apt-get install -y python3-tosca-parser)"
	case !exists(filepath.Join(o.defs, "TOSCA_definition_1_0.yaml")):
		missing = "tosca-parser's TOSCA_definition_1_0.yaml not found in " + o.defs + " (set CADENZA_TOSCA_ORACLE_DEFS)"
	case !exists(o.etsi):
		missing = "ETSI SOL 001 type files not found at " + o.etsi + " (set CADENZA_ETSI_SOL001)"
	}
	if missing != "" {
		if os.Getenv("CADENZA_REQUIRE_ORACLE") == "1" {
			t.Fatal(missing)
		}
		t.Skip(missing)
	}
	return o
}

// WithLocalETSIFiles is LocalETSIFiles with the oracle's ETSI files.
func (o *Oracle) WithLocalETSIFiles(t testing.TB, dir, entry, version string) string {
	t.Helper()
	return LocalETSIFiles(t, dir, entry, o.etsi, version)
}

// LocalETSIFiles copies a package to a temporary directory, turning its
// SOL 001 URL imports of version into imports of ETSI's files (from
// etsi/version), copied next to the entry definitions as Tacker's
// packages ship them: tosca-parser has no network here and cannot follow
// the relative imports inside URL imports.
func LocalETSIFiles(t testing.TB, dir, entry, etsi, version string) string {
	t.Helper()
	tmp := t.TempDir()
	url := []byte("https://forge.etsi.org/rep/nfv/SOL001/raw/" + version + "/")
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
			data = bytes.ReplaceAll(data, url, nil)
		}
		if err := os.MkdirAll(filepath.Join(tmp, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(etsi, version, "*.yaml"))
	if len(files) == 0 {
		t.Fatalf("no ETSI type files in %s", filepath.Join(etsi, version))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Dir(entry), filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tmp
}

// Result is what tosca-parser read.
type Result struct {
	// TopLevel summarises the entry's topology: node_templates, policies,
	// groups and the VNFD policy views (scaling_aspects...).
	TopLevel map[string]any `json:"top_level"`
	// Flavours summarises each deployment flavour of a VNFD, with its
	// flavour_id.
	Flavours []map[string]any `json:"deployment_flavours"`
	// Errors lists tosca-parser's errors; empty when it accepts the
	// template.
	Errors []string `json:"errors"`
	// Without gives, per fix asked for, the errors tosca-parser gives when
	// only that fix is left out.
	Without map[Fix][]string `json:"without"`
}

// Parse runs tosca-parser on entry in dir (a prepared copy, see
// WithLocalETSIFiles) with the given fixes, and parses once more without
// each of them.
func (o *Oracle) Parse(t testing.TB, dir, entry string, fixes ...Fix) *Result {
	t.Helper()
	script := filepath.Join(t.TempDir(), "summary.py")
	if err := os.WriteFile(script, driver, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{script, "--defs", o.defs, "--probe"}
	for _, f := range fixes {
		args = append(args, "--fix", string(f))
	}
	args = append(args, filepath.Join(dir, entry))
	ctx := t.Context()
	cmd := exec.CommandContext(ctx, o.python, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Fatalf("tosca-parser: %v\n%s\n%s", err, out, stderr.String())
	}
	var r Result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("tosca-parser summary: %v\n%s", err, stderr.String())
	}
	return &r
}

// Accepted fails the test unless tosca-parser accepted the template, and
// checks every fix was needed.
func (r *Result) Accepted(t testing.TB, fixes ...Fix) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("tosca-parser rejects the package:\n%s", strings.Join(r.Errors, "\n"))
	}
	for _, f := range fixes {
		errs, ok := r.Without[f]
		if !ok {
			t.Errorf("fix %s: not probed", f)
			continue
		}
		if !contains(errs, f.Symptom()) {
			t.Errorf("fix %s is no longer needed: without it tosca-parser gives %q, not %q; drop it from this package's fixes",
				f, errs, f.Symptom())
		}
	}
}

func contains(errs []string, s string) bool {
	for _, e := range errs {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}

func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for !exists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	return dir
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
