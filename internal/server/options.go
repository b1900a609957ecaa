package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// Options are the settings both servers take, as flags or as MANO_*
// environment variables (a flag given on the command line wins).
type Options struct {
	Listen       string
	DB           string
	DataDir      string
	Auth         string
	OAuthClients []string
	OAuthIssuer  string
	OAuthJWKS    string
	LogFormat    string
	LogLevel     string
	// PageSize is how many items a page of a list holds.
	PageSize int
	// JobWorkers is how many jobs (LCM operations, package onboardings,
	// notifications) the process runs at once; 0 takes the server's default.
	JobWorkers int
}

// MaxJobWorkers bounds --job-workers.
const MaxJobWorkers = 10_000

// Auth modes.
const (
	AuthOAuth2 = "oauth2"
	AuthNone   = "none"
)

// AddFlags registers the common flags on fs with defaultListen as the
// default of --listen.
func (o *Options) AddFlags(fs *pflag.FlagSet, defaultListen string) {
	fs.StringVar(&o.Listen, "listen", defaultListen, "address to serve HTTP on")
	fs.StringVar(&o.DB, "db", "", "database: a file path or sqlite://PATH for SQLite, postgres://... for PostgreSQL (default: SQLite file under --data-dir)")
	fs.StringVar(&o.DataDir, "data-dir", defaultDataDir(), "directory for the SQLite database, keys and package content")
	fs.StringVar(&o.Auth, "auth", AuthOAuth2, "API authorisation: oauth2 or none (none admits every request and logs a warning)")
	fs.StringArrayVar(&o.OAuthClients, "oauth-client", nil, "OAuth 2.0 client of the built-in authorization server as ID:SECRET[:SCOPE,SCOPE...] (repeatable; no scopes means all)")
	fs.StringVar(&o.OAuthIssuer, "oauth-issuer", "", "issuer URL of an external authorization server whose tokens are also trusted")
	fs.StringVar(&o.OAuthJWKS, "oauth-jwks", "", "JWKS URL of the external authorization server")
	fs.StringVar(&o.LogFormat, "log-format", "json", "log format: json or text")
	fs.StringVar(&o.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.IntVar(&o.PageSize, "page-size", sol013.DefaultPageSize,
		fmt.Sprintf("items per page of a list; clients follow the Link header (1 to %d)", sol013.MaxPageSize))
	fs.IntVar(&o.JobWorkers, "job-workers", 0,
		fmt.Sprintf("jobs (LCM operations, package onboardings, notifications) run at once (0: the server's default; at most %d)", MaxJobWorkers))
}

// EnvPrefix prefixes the environment variable of every flag: --data-dir is
// also MANO_DATA_DIR.
const EnvPrefix = "MANO_"

// EnvName is the environment variable that stands for flag name.
func EnvName(name string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// BindEnv sets every flag of cmd not given on the command line from its
// environment variable. Repeatable flags take several values separated by
// whitespace. Call it from PreRunE.
func BindEnv(cmd *cobra.Command) error {
	var errs []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		v, ok := os.LookupEnv(EnvName(f.Name))
		if f.Changed || !ok {
			return
		}
		vals := []string{v}
		if f.Value.Type() == "stringArray" {
			vals = strings.Fields(v)
		}
		for _, val := range vals {
			if err := f.Value.Set(val); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", EnvName(f.Name), err))
			}
		}
	})
	if len(errs) > 0 {
		return fmt.Errorf("environment: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Validate checks the options that flag parsing cannot.
func (o *Options) Validate() error {
	switch o.Auth {
	case AuthOAuth2, AuthNone:
	default:
		return fmt.Errorf("--auth %q: want oauth2 or none", o.Auth)
	}
	if (o.OAuthIssuer == "") != (o.OAuthJWKS == "") {
		return fmt.Errorf("--oauth-issuer and --oauth-jwks go together")
	}
	if o.DataDir == "" {
		return fmt.Errorf("--data-dir must not be empty")
	}
	if o.PageSize < 1 || o.PageSize > sol013.MaxPageSize {
		return fmt.Errorf("--page-size %d: want 1 to %d", o.PageSize, sol013.MaxPageSize)
	}
	if o.JobWorkers < 0 || o.JobWorkers > MaxJobWorkers {
		return fmt.Errorf("--job-workers %d: want 0 (the default) to %d", o.JobWorkers, MaxJobWorkers)
	}
	return nil
}

// EnvHelp is the paragraph --help shows about environment variables.
const EnvHelp = `Every flag can also be set by an environment variable named MANO_ and the
flag's name in upper case with - as _ (MANO_LISTEN, MANO_DB, MANO_DATA_DIR,
MANO_AUTH, MANO_OAUTH_CLIENT, ...). A flag on the command line wins over its
variable. Repeatable flags take several whitespace-separated values.`

func defaultDataDir() string {
	if d, err := os.UserHomeDir(); err == nil {
		return filepath.Join(d, ".local", "share", "cadenza")
	}
	return "cadenza-data"
}
