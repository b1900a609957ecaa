// Package app owns what the NFVO and VNFM processes share at start: the
// command line, the logger, the database, the authorization server and token
// validation, the HTTP engine with its middleware and health endpoints, and
// serving until a signal says stop. Each binary adds its own APIs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/klog/v2"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/server"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/telemetry"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// App is a started process's shared machinery.
type App struct {
	Name     string
	Opts     server.Options
	Log      *slog.Logger
	DB       *store.DB
	Engine   *gin.Engine
	Registry *prometheus.Registry
	// Auth checks API requests; nil when --auth none.
	Auth sol013.Authenticator
	// Jobs is the durable job queue in DB; Mount registers workers with it
	// and it starts once every API is mounted.
	Jobs *jobs.Runner
}

// Spec describes one binary.
type Spec struct {
	Name          string
	Short         string
	DefaultListen string
	// Scopes lists the OAuth 2.0 scopes of the APIs the binary serves.
	Scopes []string
	// Jobs tunes the job queue; the zero value takes the jobs defaults.
	Jobs jobs.Options
	// Flags adds the binary's own flags (optional).
	Flags func(fs *pflag.FlagSet)
	// Mount adds the binary's APIs once the shared machinery runs.
	Mount func(ctx context.Context, a *App) error
}

// Command returns the binary's root command.
func Command(spec Spec) *cobra.Command {
	var opts server.Options
	cmd := &cobra.Command{
		Use:           spec.Name,
		Short:         spec.Short,
		Long:          spec.Short + "\n\n" + server.EnvHelp,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		PreRunE:       func(cmd *cobra.Command, _ []string) error { return server.BindEnv(cmd) },
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			return run(ctx, spec, opts)
		},
	}
	opts.AddFlags(cmd.Flags(), spec.DefaultListen)
	if spec.Flags != nil {
		spec.Flags(cmd.Flags())
	}
	return cmd
}

// Main runs the binary and exits with its status.
func Main(spec Spec) {
	if err := Command(spec).ExecuteContext(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, spec Spec, opts server.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	log, err := telemetry.NewLogger(os.Stderr, opts.LogFormat, opts.LogLevel)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	routeKlog(log)
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	db, err := store.Open(ctx, opts.DB, opts.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a := &App{Name: spec.Name, Opts: opts, Log: log, DB: db}
	if err := a.setup(ctx, spec, ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	log.Info("started", "component", spec.Name, "db", db.Dialect.String(), "auth", opts.Auth)
	serr := server.Serve(ctx, log, ln, a.Engine)
	// In-flight jobs get the same grace as requests; what they leave
	// undone is resumed by the next process.
	stopCtx, cancel := context.WithTimeout(context.Background(), server.ShutdownGrace)
	defer cancel()
	return errors.Join(serr, a.Jobs.Stop(stopCtx))
}

func (a *App) setup(ctx context.Context, spec Spec, addr string) error {
	if err := a.setupHTTP(spec, addr); err != nil {
		return err
	}
	jopts := jobOptions(spec.Jobs, a.Opts.JobWorkers)
	jopts.Logger = a.jobLogger()
	runner, err := jobs.New(ctx, a.DB, jopts)
	if err != nil {
		return err
	}
	a.Jobs = runner
	if err := spec.Mount(ctx, a); err != nil {
		return err
	}
	return a.Jobs.Start(context.WithoutCancel(ctx))
}

// jobOptions are the server's job options with workers (--job-workers)
// jobs of the default queue at once, when workers is not 0.
func jobOptions(o jobs.Options, workers int) jobs.Options {
	if workers == 0 {
		return o
	}
	q := maps.Clone(o.Queues)
	if q == nil {
		q = map[string]int{}
	}
	q[jobs.QueueDefault] = workers
	o.Queues = q
	return o
}

func (a *App) setupHTTP(spec Spec, addr string) error {
	reg, metrics := telemetry.NewRegistry()
	a.Registry = reg
	a.Engine = sol013.NewEngine()
	a.Engine.Use(server.Observe(a.Log, metrics), sol013.Recovery(), sol013.PageSize(a.Opts.PageSize))
	server.Health(a.Engine, reg, a.DB.Ping)
	return a.setupAuth(spec, addr)
}

// ScopesOf lists the OAuth 2.0 scopes of every major version of apis.
func ScopesOf(apis ...sol013.API) []string {
	var out []string
	for _, api := range apis {
		for _, v := range api.Versions {
			out = append(out, api.Scope(v.Major, false), api.Scope(v.Major, true))
		}
	}
	return out
}

// jobLogger is the job queue's logger: River reports every failed attempt
// at info, which the workers already log once with their context, so below
// debug only its warnings pass.
func (a *App) jobLogger() *slog.Logger {
	level := "warn"
	if a.Opts.LogLevel == "debug" {
		level = "debug"
	}
	l, err := telemetry.NewLogger(os.Stderr, a.Opts.LogFormat, level)
	if err != nil {
		return a.Log
	}
	return l.With("component", "jobs")
}

// routeKlog sends the lines client-go and the Helm SDK log through klog (a
// watch the API server closed, say) to log, in its format, instead of
// klog's own on stderr.
func routeKlog(log *slog.Logger) {
	klog.SetSlogLogger(log.With("component", "kubernetes-client"))
}
