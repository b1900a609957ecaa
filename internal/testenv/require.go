package testenv

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Backend names a real system that integration tests run against.
type Backend string

// The backends a test can ask for; these names are also the words of CADENZA_REQUIRE_BACKENDS.
const (
	BackendKubernetes     Backend = "kubernetes"
	BackendKubernetesEdge Backend = "kubernetes-edge"
	BackendPostgres       Backend = "postgres"
	BackendOpenStack      Backend = "openstack"
)

// EnvRequireBackends lists the backends whose absence fails a test instead of skipping it.
const EnvRequireBackends = "CADENZA_REQUIRE_BACKENDS"

// envAllowRemote lets ambient credentials (KUBECONFIG, OS_AUTH_URL) point off this machine.
const envAllowRemote = "CADENZA_ALLOW_REMOTE_BACKENDS"

var knownBackends = []Backend{BackendKubernetes, BackendKubernetesEdge, BackendPostgres, BackendOpenStack}

// parseBackends reads a CADENZA_REQUIRE_BACKENDS value: backend names separated by commas or
// blanks, or "all". An unknown name is an error, so a typo cannot silently require nothing.
func parseBackends(value string) (map[Backend]bool, error) {
	set := make(map[Backend]bool)
	for _, word := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		word = strings.ToLower(word)
		if word == "all" {
			for _, b := range knownBackends {
				set[b] = true
			}
			continue
		}
		if !isKnown(Backend(word)) {
			return nil, fmt.Errorf("unknown backend %q in %s (known: %v, all)", word, EnvRequireBackends, knownBackends)
		}
		set[Backend(word)] = true
	}
	return set, nil
}

func isKnown(b Backend) bool {
	for _, k := range knownBackends {
		if k == b {
			return true
		}
	}
	return false
}

// Required reports whether CADENZA_REQUIRE_BACKENDS names the backend.
func Required(b Backend) (bool, error) {
	set, err := parseBackends(os.Getenv(EnvRequireBackends))
	if err != nil {
		return false, err
	}
	return set[b], nil
}

// unavailable ends the test: a skip with the reason, or a failure when the backend is required.
func unavailable(tb testing.TB, b Backend, format string, args ...any) {
	tb.Helper()
	reason := fmt.Sprintf(format, args...)
	required, err := Required(b)
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	if required {
		tb.Fatalf("testenv: %s is required by %s but unavailable: %s", b, EnvRequireBackends, reason)
	}
	tb.Skipf("testenv: %s unavailable, test not run: %s", b, reason)
}
