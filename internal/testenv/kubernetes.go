package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Environment variables read by Kubernetes and EdgeKubernetes.
const (
	EnvKubeconfig      = "CADENZA_KUBECONFIG"
	EnvEdgeKubeconfigs = "CADENZA_EDGE_KUBECONFIGS"
)

// probeTimeout bounds the reachability check of a backend.
const probeTimeout = 5 * time.Second

// Kubernetes returns a client configuration for the test control plane, or ends the test
// (skip, or failure when required) when none is configured or it does not answer.
func Kubernetes(tb testing.TB) *rest.Config {
	tb.Helper()
	path, explicit := os.Getenv(EnvKubeconfig), true
	if path == "" {
		path, explicit = os.Getenv("KUBECONFIG"), false
	}
	if path == "" {
		unavailable(tb, BackendKubernetes, "%s is not set (run hack/k8s-testenv.sh ensure)", EnvKubeconfig)
	}
	cfg, err := loadKubeconfig(path, explicit || os.Getenv(envAllowRemote) == "1")
	if err != nil {
		unavailable(tb, BackendKubernetes, "%v", err)
	}
	return cfg
}

// EdgeKubernetes returns configurations for n further control planes (edge sites), from
// CADENZA_EDGE_KUBECONFIGS, or ends the test when fewer than n answer.
func EdgeKubernetes(tb testing.TB, n int) []*rest.Config {
	tb.Helper()
	var paths []string
	for _, p := range filepath.SplitList(os.Getenv(EnvEdgeKubeconfigs)) {
		if p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) < n {
		unavailable(tb, BackendKubernetesEdge, "%s names %d kubeconfigs, the test needs %d (run hack/k8s-testenv.sh edge %d)",
			EnvEdgeKubeconfigs, len(paths), n, n)
	}
	cfgs := make([]*rest.Config, 0, n)
	for _, p := range paths[:n] {
		cfg, err := loadKubeconfig(p, true)
		if err != nil {
			unavailable(tb, BackendKubernetesEdge, "%v", err)
		}
		cfgs = append(cfgs, cfg)
	}
	return cfgs
}

// loadKubeconfig reads a kubeconfig and checks that its API server answers. Unless remote is
// allowed, the server must be on a loopback address: tests create and delete objects.
func loadKubeconfig(path string, allowRemote bool) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig %s: %w", path, err)
	}
	if !allowRemote {
		if err := requireLoopback(cfg.Host); err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %w (set %s to use it)", path, err, EnvKubeconfig)
		}
	}
	cfg.QPS, cfg.Burst = 100, 200 // tests create objects in bursts; the defaults throttle them
	probe := rest.CopyConfig(cfg)
	probe.Timeout = probeTimeout
	cs, err := kubernetes.NewForConfig(probe)
	if err != nil {
		return nil, fmt.Errorf("client for %s: %w", cfg.Host, err)
	}
	if _, err := cs.Discovery().ServerVersion(); err != nil {
		return nil, fmt.Errorf("api server %s does not answer: %w", cfg.Host, err)
	}
	return cfg, nil
}

// requireLoopback fails unless the URL's host is localhost or a loopback IP.
func requireLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("parse server url: %w", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("server %q is not on a loopback address", host)
}

// Namespace creates a namespace for the test, named after it, and deletes it when the test
// ends (without waiting: namespace deletion takes seconds).
func Namespace(tb testing.TB, cfg *rest.Config) string {
	tb.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		tb.Fatalf("testenv: client: %v", err)
	}
	name := uniqueName(tb.Name(), "-", 63)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   name,
		Labels: map[string]string{"cadenza.io/testenv": "true"},
	}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		tb.Fatalf("testenv: create namespace %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			tb.Errorf("testenv: delete namespace %s: %v", name, err)
		}
	})
	return name
}

// uniqueName turns a test name into a lowercase DNS-label-like name of at most max bytes,
// ending in sep and 8 random hex digits, with sep between words.
func uniqueName(testName, sep string, max int) string {
	var b strings.Builder
	lastSep := true
	for _, r := range strings.ToLower(testName) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			lastSep = false
			continue
		}
		if !lastSep {
			b.WriteString(sep)
			lastSep = true
		}
	}
	suffix := randomHex(4)
	base := strings.TrimSuffix(b.String(), sep)
	if limit := max - len(sep) - len(suffix); len(base) > limit {
		base = strings.TrimSuffix(base[:limit], sep)
	}
	if base == "" {
		base = "t"
	}
	return base + sep + suffix
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(buf)
}
