package server

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// command parses args into a command with the common flags and applies the
// environment as PreRunE does.
func command(t *testing.T, args ...string) (Options, error) {
	t.Helper()
	var o Options
	cmd := &cobra.Command{Use: "x"}
	o.AddFlags(cmd.Flags(), "127.0.0.1:9999")
	if err := cmd.Flags().Parse(args); err != nil {
		t.Fatal(err)
	}
	return o, BindEnv(cmd)
}

func TestBindEnv(t *testing.T) {
	t.Setenv("MANO_LISTEN", "127.0.0.1:7001")
	t.Setenv("MANO_DB", "postgres://db.example/mano")
	t.Setenv("MANO_DATA_DIR", "/var/lib/mano-env")
	t.Setenv("MANO_AUTH", "none")
	t.Setenv("MANO_OAUTH_CLIENT", "ops:s3cret  viewer:v1ew:vnfpkgm:v1:readonly\n")
	t.Setenv("MANO_OAUTH_ISSUER", "https://idp.example")
	t.Setenv("MANO_OAUTH_JWKS", "https://idp.example/jwks")
	t.Setenv("MANO_LOG_FORMAT", "text")
	t.Setenv("MANO_LOG_LEVEL", "debug")
	t.Setenv("MANO_PAGE_SIZE", "50")
	t.Setenv("MANO_JOB_WORKERS", "200")

	o, err := command(t)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Listen: "127.0.0.1:7001", DB: "postgres://db.example/mano", DataDir: "/var/lib/mano-env",
		Auth: AuthNone, OAuthClients: []string{"ops:s3cret", "viewer:v1ew:vnfpkgm:v1:readonly"},
		OAuthIssuer: "https://idp.example", OAuthJWKS: "https://idp.example/jwks", LogFormat: "text", LogLevel: "debug",
		PageSize: 50, JobWorkers: 200}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("from the environment:\n got %+v\nwant %+v", o, want)
	}

	// A flag on the command line wins over its variable; for a repeatable
	// flag the command line's values replace the variable's.
	o, err = command(t, "--listen", "127.0.0.1:7002", "--db", "flag.db", "--data-dir", "/flag",
		"--auth", "oauth2", "--oauth-client", "cli:secret")
	if err != nil {
		t.Fatal(err)
	}
	want.Listen, want.DB, want.DataDir, want.Auth, want.OAuthClients = "127.0.0.1:7002", "flag.db", "/flag", AuthOAuth2, []string{"cli:secret"}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("flags over the environment:\n got %+v\nwant %+v", o, want)
	}
}

func TestBindEnv_Defaults(t *testing.T) {
	o, err := command(t)
	if err != nil {
		t.Fatal(err)
	}
	if o.Listen != "127.0.0.1:9999" || o.DB != "" || o.Auth != AuthOAuth2 || o.OAuthClients != nil || o.DataDir == "" {
		t.Fatalf("defaults: %+v", o)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
}

func TestBindEnv_BadValue(t *testing.T) {
	var o Options
	var n int
	cmd := &cobra.Command{Use: "x"}
	o.AddFlags(cmd.Flags(), "")
	cmd.Flags().IntVar(&n, "workers", 1, "")
	t.Setenv("MANO_WORKERS", "many")
	err := BindEnv(cmd)
	if err == nil || !strings.Contains(err.Error(), "MANO_WORKERS") {
		t.Fatalf("bad MANO_WORKERS: %v", err)
	}
}

func TestValidate(t *testing.T) {
	ok := Options{Auth: AuthNone, DataDir: "d", PageSize: 1}
	for name, o := range map[string]Options{
		"bad auth":        {Auth: "basic", DataDir: "d", PageSize: 1},
		"issuer only":     {Auth: AuthOAuth2, DataDir: "d", OAuthIssuer: "https://i", PageSize: 1},
		"jwks only":       {Auth: AuthOAuth2, DataDir: "d", OAuthJWKS: "https://i/jwks", PageSize: 1},
		"empty data dir":  {Auth: AuthOAuth2, PageSize: 1},
		"no page":         {Auth: AuthOAuth2, DataDir: "d"},
		"pages too large": {Auth: AuthOAuth2, DataDir: "d", PageSize: 10_001},
		"negative jobs":   {Auth: AuthOAuth2, DataDir: "d", PageSize: 1, JobWorkers: -1},
		"too many jobs":   {Auth: AuthOAuth2, DataDir: "d", PageSize: 1, JobWorkers: MaxJobWorkers + 1},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%s: accepted %+v", name, o)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
}

func TestEnvName(t *testing.T) {
	for flag, env := range map[string]string{"listen": "MANO_LISTEN", "data-dir": "MANO_DATA_DIR",
		"oauth-client": "MANO_OAUTH_CLIENT", "package-require-signature": "MANO_PACKAGE_REQUIRE_SIGNATURE"} {
		if got := EnvName(flag); got != env {
			t.Errorf("EnvName(%q) = %q, want %q", flag, got, env)
		}
	}
}
