package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// config is the command line.
type config struct {
	NFVO, VNFM    string
	Token         string
	ClientID      string
	ClientSecret  string
	LimitedToken  string
	LimitedID     string
	LimitedSecret string
	Schemas       string
	Timeout       time.Duration
	RunID         string
	// Sources is the repository root holding the VNF package sources.
	Sources string
	// FileServer is where the run serves packages for upload_from_uri.
	FileServer string
	// Callbacks is where the run serves the callbacks of its
	// subscriptions.
	Callbacks string
	// Instantiate runs the VNF LCM checks that take a CNF through its
	// lifecycle on the VNFM's default VIM.
	Instantiate bool
}

func (c *config) addFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&c.NFVO, "nfvo", "", "NFVO base URL, e.g. http://127.0.0.1:9880 (required)")
	fs.StringVar(&c.VNFM, "vnfm", "", "VNFM base URL, e.g. http://127.0.0.1:9890 (required)")
	fs.StringVar(&c.Token, "token", "", "bearer token with every scope, sent to both servers (or use --client-id)")
	fs.StringVar(&c.ClientID, "client-id", "", "OAuth 2.0 client with every scope; a token is got from each server's /oauth2/token")
	fs.StringVar(&c.ClientSecret, "client-secret", "", "secret of --client-id (also $CONFORMANCE_CLIENT_SECRET)")
	fs.StringVar(&c.LimitedToken, "limited-token", "", "bearer token lacking the scopes of write methods, for the 403 checks")
	fs.StringVar(&c.LimitedID, "limited-client-id", "", "OAuth 2.0 client with read-only scopes, for the 403 checks (default: --client-id asking for read-only scopes)")
	fs.StringVar(&c.LimitedSecret, "limited-client-secret", "", "secret of --limited-client-id (also $CONFORMANCE_LIMITED_CLIENT_SECRET)")
	fs.StringVar(&c.Schemas, "schemas", "", "directory of ETSI JSON Schemas (default: ../shared/etsi/schemas, else $"+etsischema.EnvDir+")")
	fs.DurationVar(&c.Timeout, "timeout", time.Minute, "time limit of each check")
	fs.StringVar(&c.RunID, "run-id", "", "tag for what the run creates (default: random)")
	fs.StringVar(&c.Sources, "package-sources", "", "repository root holding the VNF package sources the run builds and onboards (default: the working directory or the nearest one above it that holds them)")
	fs.StringVar(&c.Callbacks, "callback-server", "127.0.0.1:0", "address of the HTTP server the run starts to receive notifications at; the servers must reach it")
	fs.BoolVar(&c.Instantiate, "instantiate", false, "also take a small CNF through its lifecycle (instantiate, scale, heal, operate, terminate) on the VNFM's default VIM (a VNFM started with --vim-kubeconfig)")
	fs.StringVar(&c.FileServer, "file-server", "127.0.0.1:0", "address of the HTTP server the run starts to offer packages to upload_from_uri; the NFVO must reach it")
}

// complete fills defaults and checks the command line.
func (c *config) complete() error {
	var errs []error
	if c.NFVO == "" || c.VNFM == "" {
		errs = append(errs, errors.New("--nfvo and --vnfm are required"))
	}
	if c.ClientSecret == "" {
		c.ClientSecret = os.Getenv("CONFORMANCE_CLIENT_SECRET")
	}
	if c.LimitedSecret == "" {
		c.LimitedSecret = os.Getenv("CONFORMANCE_LIMITED_CLIENT_SECRET")
	}
	if c.Token != "" && c.ClientID != "" {
		errs = append(errs, errors.New("give --token or --client-id, not both"))
	}
	if (c.ClientID == "") != (c.ClientSecret == "") {
		errs = append(errs, errors.New("--client-id and --client-secret go together"))
	}
	if (c.LimitedID == "") != (c.LimitedSecret == "") {
		errs = append(errs, errors.New("--limited-client-id and --limited-client-secret go together"))
	}
	if c.Schemas == "" {
		dir, err := etsischema.Locate()
		if err != nil {
			errs = append(errs, fmt.Errorf("--schemas: %w", err))
		}
		c.Schemas = dir
	}
	root, err := findSourceRoot(c.Sources)
	if err != nil {
		errs = append(errs, fmt.Errorf("--package-sources: %w", err))
	}
	c.Sources = root
	if c.RunID == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		c.RunID = "r" + hex.EncodeToString(b)
	}
	// The run id goes into filters unquoted.
	if strings.Trim(c.RunID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
		errs = append(errs, fmt.Errorf("--run-id %q: use letters, digits, _ and - only", c.RunID))
	}
	return errors.Join(errs...)
}

// authenticated says whether the servers are expected to demand tokens: a
// run given no credentials is taken to face servers started with
// --auth none.
func (c *config) authenticated() bool { return c.Token != "" || c.ClientID != "" }
