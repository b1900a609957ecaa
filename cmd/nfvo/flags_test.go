package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/server"
)

// packageOptions parses args and the MANO_* environment as the nfvo command
// does and returns the catalogue options the package flags make.
func packageOptions(t *testing.T, dataDir string, args ...string) (csarOpts csar.Options, dir string, err error) {
	t.Helper()
	o, err := catalogOptions(t, dataDir, args...)
	return o.CSAR, o.Dir, err
}

// catalogOptions is packageOptions with all of the catalogue's options.
func catalogOptions(t *testing.T, dataDir string, args ...string) (catalog.Options, error) {
	t.Helper()
	var pf packageFlags
	cmd := &cobra.Command{Use: "nfvo"}
	pf.add(cmd.Flags())
	if err := cmd.Flags().Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := server.BindEnv(cmd); err != nil {
		t.Fatal(err)
	}
	return pf.options(dataDir)
}

// caFile writes a self-signed CA certificate as PEM and returns its path and
// the certificate.
func caFile(t *testing.T) (string, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "package CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, cert
}

func trusts(pool *x509.CertPool, cert *x509.Certificate) bool {
	if pool == nil {
		return false
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: time.Now()})
	return err == nil
}

// TestPackageFlags checks that the package flags, given as flags or as
// MANO_PACKAGE_* variables, reach the catalogue's options, a flag winning
// over its variable.
func TestPackageFlags(t *testing.T) {
	data := t.TempDir()
	o, dir, err := packageOptions(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if o.RequireSignature || o.Strict || o.ManifestOptional || o.TrustedRoots != nil ||
		o.MaxPackageSize != csar.DefaultMaxPackageSize || dir != filepath.Join(data, "packages") {
		t.Fatalf("defaults: %+v in %s", o, dir)
	}

	ca, cert := caFile(t)
	pkgDir := filepath.Join(t.TempDir(), "pkgs")
	o, dir, err = packageOptions(t, data, "--package-require-signature", "--package-trusted-ca", ca,
		"--package-strict", "--package-max-size", "1234", "--package-dir", pkgDir)
	if err != nil {
		t.Fatal(err)
	}
	if !o.RequireSignature || !o.Strict || o.MaxPackageSize != 1234 || dir != pkgDir || !trusts(o.TrustedRoots, cert) {
		t.Fatalf("from flags: %+v in %s", o, dir)
	}
	if fi, err := os.Stat(pkgDir); err != nil || !fi.IsDir() {
		t.Fatalf("--package-dir not created: %v", err)
	}

	t.Setenv("MANO_PACKAGE_REQUIRE_SIGNATURE", "true")
	t.Setenv("MANO_PACKAGE_TRUSTED_CA", ca)
	t.Setenv("MANO_PACKAGE_MANIFEST_OPTIONAL", "true")
	t.Setenv("MANO_PACKAGE_MAX_SIZE", "4096")
	o, _, err = packageOptions(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if !o.RequireSignature || !o.ManifestOptional || o.MaxPackageSize != 4096 || !trusts(o.TrustedRoots, cert) {
		t.Fatalf("from the environment: %+v", o)
	}
	o, _, err = packageOptions(t, data, "--package-require-signature=false", "--package-max-size", "99")
	if err != nil {
		t.Fatal(err)
	}
	if o.RequireSignature || o.MaxPackageSize != 99 || !o.ManifestOptional {
		t.Fatalf("flags over the environment: %+v", o)
	}
}

func TestPackageFlags_BadTrustedCA(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{notPEM, filepath.Join(t.TempDir(), "missing.pem")} {
		_, _, err := packageOptions(t, t.TempDir(), "--package-trusted-ca", path)
		if err == nil || !strings.Contains(err.Error(), "--package-trusted-ca") {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
}

// TestPackageFetchFlags checks the upload_from_uri settings: time limit and
// extra CAs, as flags or MANO_PACKAGE_FETCH_* variables, and their bounds.
func TestPackageFetchFlags(t *testing.T) {
	data := t.TempDir()
	o, err := catalogOptions(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if o.FetchTimeout != catalog.DefaultFetchTimeout || o.FetchRootCAs != nil {
		t.Fatalf("defaults: %s %v", o.FetchTimeout, o.FetchRootCAs)
	}
	ca, cert := caFile(t)
	o, err = catalogOptions(t, data, "--package-fetch-timeout", "30s", "--package-fetch-ca", ca)
	if err != nil {
		t.Fatal(err)
	}
	if o.FetchTimeout != 30*time.Second || !trusts(o.FetchRootCAs, cert) {
		t.Fatalf("from flags: %s, CA trusted %v", o.FetchTimeout, trusts(o.FetchRootCAs, cert))
	}
	t.Setenv("MANO_PACKAGE_FETCH_TIMEOUT", "2m")
	t.Setenv("MANO_PACKAGE_FETCH_CA", ca)
	o, err = catalogOptions(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if o.FetchTimeout != 2*time.Minute || !trusts(o.FetchRootCAs, cert) {
		t.Fatalf("from the environment: %s, CA trusted %v", o.FetchTimeout, trusts(o.FetchRootCAs, cert))
	}

	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--package-fetch-timeout", "0s"},
		{"--package-fetch-timeout", "11m"}, // longer than a job may run
		{"--package-fetch-ca", notPEM},
		{"--package-fetch-ca", filepath.Join(t.TempDir(), "missing.pem")},
	} {
		if _, err := catalogOptions(t, data, args...); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v", args, err)
		}
	}
}
