package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"gorm.io/driver/postgres"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// QueueDefault is the queue jobs go to unless their InsertOpts say otherwise.
const QueueDefault = river.QueueDefault

// Defaults of Options.
const (
	DefaultWorkers         = 10
	DefaultJobTimeout      = 10 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
	DefaultMaxAttempts     = 25
	// DefaultPollInterval bounds how late a job is picked up when its
	// insert notification goes astray, which River does now and then
	// (about one job in twenty measured one after another on PostgreSQL).
	DefaultPollInterval = 200 * time.Millisecond
)

const (
	// defaultRescueGrace is added to the job timeout for RescueStuckJobsAfter.
	defaultRescueGrace = time.Minute
	// listenerPoolMaxConns bounds the pgx pool PostgreSQL runners LISTEN on.
	listenerPoolMaxConns = 2
	// migrationAdvisoryLockKey serialises River migrations on PostgreSQL;
	// the store's own migrations use 7301.
	migrationAdvisoryLockKey = 7302
	// fetchCooldown is River's shortest time between two fetches, and
	// between two insert notifications of a queue: River drops a
	// notification that follows the previous one sooner, and the job then
	// waits for the next poll. Its default, 100 ms, made a job inserted
	// right after another wait a whole poll interval.
	fetchCooldown = 5 * time.Millisecond
)

// Options configures a Runner. The zero value is usable.
type Options struct {
	// Queues maps each queue this runner works to its number of concurrent
	// workers. Empty means QueueDefault with DefaultWorkers.
	Queues map[string]int
	// JobTimeout bounds one attempt of a job (its ctx is cancelled after
	// it); zero means DefaultJobTimeout.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before it is
	// taken for the work of a dead process and made available again. It
	// must exceed JobTimeout; zero means JobTimeout plus a minute.
	RescueStuckJobsAfter time.Duration
	// MaxAttempts is how often a job is tried unless its InsertOpts say
	// otherwise; zero means DefaultMaxAttempts.
	MaxAttempts int
	// ShutdownTimeout is how long Stop lets running jobs finish before it
	// cancels them; zero means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// PollInterval is how often the runner looks for new jobs when no
	// notification wakes it; zero means DefaultPollInterval. Inserts wake
	// runners: on PostgreSQL through LISTEN/NOTIFY, on SQLite (which has no
	// such thing) through River's notification table, which every runner
	// polls every 50 ms.
	PollInterval time.Duration
	// PollOnly turns notifications off, for PgBouncer in transaction mode:
	// a job then waits up to PollInterval to be picked up.
	PollOnly bool
	// NoMaintenance keeps this runner out of leader election, so it never
	// runs maintenance (rescuing stuck jobs, scheduling retries, cleaning
	// old rows); another runner on the database must. For processes that
	// only work jobs.
	NoMaintenance bool
	// Logger receives River's logs; nil means slog.Default().
	Logger *slog.Logger
}

// Runner inserts and works the jobs kept in a store's database.
type Runner struct {
	db       *store.DB
	sqlDB    *sql.DB
	opts     Options
	workers  *river.Workers
	client   *river.Client[*sql.Tx]
	listener *pgxpool.Pool // nil unless a PostgreSQL runner listens
}

// New migrates the job tables of db and returns a runner that is not yet
// working: register workers with AddWorker, then Start it. Jobs may be
// inserted before Start.
func New(ctx context.Context, db *store.DB, opts Options) (*Runner, error) {
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return nil, fmt.Errorf("job queue: database handle: %w", err)
	}
	if err := Migrate(ctx, db); err != nil {
		return nil, err
	}
	r := &Runner{db: db, sqlDB: sqlDB, opts: opts, workers: river.NewWorkers()}
	driver, err := r.driver(ctx)
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, r.config())
	if err != nil {
		r.closeListener()
		return nil, fmt.Errorf("job queue: configure client: %w", err)
	}
	r.client = client
	return r, nil
}

// driver picks the River driver of the store's dialect. PostgreSQL gets a
// small pgx pool for LISTEN (database/sql cannot listen) unless PollOnly.
func (r *Runner) driver(ctx context.Context) (riverdriver.Driver[*sql.Tx], error) {
	if r.db.Dialect != query.Postgres {
		return riversqlite.New(r.sqlDB), nil
	}
	if r.opts.PollOnly {
		return riverdatabasesql.New(r.sqlDB), nil
	}
	pool, err := r.listenerPool(ctx)
	if err != nil {
		return nil, err
	}
	r.listener = pool
	return riverdatabasesql.NewWithPgxListener(r.sqlDB, pool), nil
}

func (r *Runner) listenerPool(ctx context.Context) (*pgxpool.Pool, error) {
	d, ok := r.db.Gorm.Dialector.(*postgres.Dialector)
	if !ok || d.Config == nil || d.DSN == "" {
		return nil, errors.New("job queue: no PostgreSQL DSN to listen on; set PollOnly")
	}
	cfg, err := pgxpool.ParseConfig(d.DSN)
	if err != nil {
		return nil, fmt.Errorf("job queue: listener pool: %w", err)
	}
	cfg.MinConns, cfg.MaxConns = 0, listenerPoolMaxConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: listener pool: %w", err)
	}
	return pool, nil
}

func (r *Runner) config() *river.Config {
	o := r.opts
	timeout := cmp.Or(o.JobTimeout, DefaultJobTimeout)
	poll := cmp.Or(o.PollInterval, DefaultPollInterval)
	cfg := &river.Config{
		FetchPollInterval:      poll,
		FetchCooldown:          min(poll, fetchCooldown),
		JobTimeout:             timeout,
		RescueStuckJobsAfter:   cmp.Or(o.RescueStuckJobsAfter, timeout+defaultRescueGrace),
		MaxAttempts:            cmp.Or(o.MaxAttempts, DefaultMaxAttempts),
		PollOnly:               o.PollOnly,
		LeaderElectionDisabled: o.NoMaintenance,
		Logger:                 cmp.Or(o.Logger, slog.Default()),
		Workers:                r.workers,
		Queues:                 make(map[string]river.QueueConfig),
	}
	for name, n := range o.Queues {
		cfg.Queues[name] = river.QueueConfig{MaxWorkers: n}
	}
	if len(cfg.Queues) == 0 {
		cfg.Queues[QueueDefault] = river.QueueConfig{MaxWorkers: DefaultWorkers}
	}
	return cfg
}

// AddWorker registers w for the jobs of its args' kind. Register every
// worker before Start.
func AddWorker[T river.JobArgs](r *Runner, w river.Worker[T]) error {
	if err := river.AddWorkerSafely(r.workers, w); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	return nil
}

// Start begins fetching and working jobs. Running jobs get ctx's values but
// are not cancelled with it; use Stop.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish, up to
// Options.ShutdownTimeout or ctx's end; then it cancels their ctx and waits
// for them to return. A cancelled job is made available again at once, for
// this process after a restart or for another runner. A stopped Runner
// cannot be started again.
func (r *Runner) Stop(ctx context.Context) error {
	defer r.closeListener()
	soft, cancel := context.WithTimeout(ctx, cmp.Or(r.opts.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancel()
	err := r.client.Stop(soft)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return wrapStop(err)
	}
	hard, cancelHard := context.WithTimeout(context.WithoutCancel(ctx), cmp.Or(r.opts.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancelHard()
	return wrapStop(r.client.StopAndCancel(hard))
}

func wrapStop(err error) error {
	if err != nil {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	return nil
}

func (r *Runner) closeListener() {
	if r.listener != nil {
		r.listener.Close()
	}
}

// Client is the underlying River client, for what this package does not
// wrap (subscribing to job events, listing, cancelling jobs).
func (r *Runner) Client() *river.Client[*sql.Tx] { return r.client }
