package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// Defaults of Options.
const (
	DefaultMaxAttempts    = 10
	DefaultRetryBase      = 10 * time.Second
	DefaultRetryMax       = time.Hour
	DefaultRequestTimeout = 10 * time.Second
)

// listPage is how many subscriptions one read of the table returns.
const listPage = 500

// Options configures a Service. The zero value is usable.
type Options struct {
	// HTTPClient makes the callback tests, the deliveries and the token
	// requests; nil means a client with DefaultRequestTimeout.
	HTTPClient *http.Client
	// Queue is the job queue deliveries go to; empty means
	// jobs.QueueDefault. The runner must work it.
	Queue string
	// MaxAttempts bounds the tries of one delivery; zero means
	// DefaultMaxAttempts.
	MaxAttempts int
	// RetryBase is the wait after the first failed try; each further
	// failure doubles it, up to RetryMax. Zero means DefaultRetryBase and
	// DefaultRetryMax.
	RetryBase time.Duration
	RetryMax  time.Duration
	// Logger receives one line per notification given up on; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Service keeps subscriptions and delivers notifications to them.
type Service struct {
	db     *store.DB
	runner *jobs.Runner
	subs   *store.Collection[Subscription]
	opts   Options
	tokens sync.Map // tokenKey -> *auth.TokenSource
}

// Errors of the service; decide with errors.Is.
var (
	// ErrCallbackTest: the callback URI did not answer the test GET with 204.
	ErrCallbackTest = errors.New("callback test failed")
	// ErrInvalid: the subscription is malformed.
	ErrInvalid = errors.New("invalid subscription")
)

// DuplicateError is returned by Subscribe when an equal subscription
// exists; SOL 013 then answers 303 See Other with its location.
type DuplicateError struct {
	Existing Subscription
}

func (e *DuplicateError) Error() string {
	return "duplicate of subscription " + e.Existing.ID
}

// filterable is the part of a subscription that listing filters may name:
// never the authentication, whose secrets a filter could otherwise probe.
type filterable struct {
	ID                string   `json:"id"`
	API               string   `json:"api"`
	CallbackURI       string   `json:"callbackUri"`
	Filter            any      `json:"filter"`
	NotificationTypes []string `json:"notificationTypes"`
}

// Schema describes the attributes List filters may use: id, callbackUri,
// filter (any path below it) and notificationTypes.
var Schema = query.SchemaOf(filterable{})

// New returns the service over db's subscriptions table, and registers its
// delivery worker with runner (before runner starts).
func New(db *store.DB, runner *jobs.Runner, opts Options) (*Service, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: DefaultRequestTimeout}
	}
	opts.Queue = cmp.Or(opts.Queue, jobs.QueueDefault)
	opts.MaxAttempts = cmp.Or(opts.MaxAttempts, DefaultMaxAttempts)
	opts.RetryBase = cmp.Or(opts.RetryBase, DefaultRetryBase)
	opts.RetryMax = max(cmp.Or(opts.RetryMax, DefaultRetryMax), opts.RetryBase)
	opts.Logger = cmp.Or(opts.Logger, slog.Default())
	s := &Service{
		db:     db,
		runner: runner,
		subs:   store.NewCollection[Subscription](db, store.TableSubscriptions, Schema),
		opts:   opts,
	}
	if err := jobs.AddWorker(runner, &deliveryWorker{svc: s}); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return s, nil
}

// Subscribe stores sub under a new id after the SOL 013 callback test: a
// GET to the callback URI, with the subscription's authentication, that
// must answer 204. An equal subscription (same API, callback URI, filter
// and notification types) is not stored twice: Subscribe returns a
// *DuplicateError naming it.
func (s *Service) Subscribe(ctx context.Context, sub Subscription) (Subscription, error) {
	if err := sub.Validate(); err != nil {
		return Subscription{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if dup, ok, err := s.findDuplicate(ctx, sub); err != nil || ok {
		return Subscription{}, cmp.Or(err, error(&DuplicateError{Existing: dup}))
	}
	if err := s.testCallback(ctx, sub); err != nil {
		return Subscription{}, err
	}
	sub.ID = uuid.NewString()
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		if err := s.lockTarget(ctx, sub); err != nil {
			return err
		}
		if dup, ok, err := s.findDuplicate(ctx, sub); err != nil || ok {
			return cmp.Or(err, error(&DuplicateError{Existing: dup}))
		}
		_, err := s.subs.Create(ctx, sub.ID, &sub)
		return err
	})
	if err != nil {
		return Subscription{}, fmt.Errorf("subscribe: %w", err)
	}
	return sub, nil
}

// lockTarget serialises, on PostgreSQL, transactions subscribing the same
// callback URI, so two equal subscriptions made at once cannot both pass
// the duplicate check. SQLite transactions are serial already.
func (s *Service) lockTarget(ctx context.Context, sub Subscription) error {
	if s.db.Dialect != query.Postgres {
		return nil
	}
	tx, _ := store.SQLTx(ctx)
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, sub.API+" "+sub.CallbackURI); err != nil {
		return fmt.Errorf("lock callback: %w", err)
	}
	return nil
}

func (s *Service) findDuplicate(ctx context.Context, sub Subscription) (Subscription, bool, error) {
	var found Subscription
	var ok bool
	err := s.each(ctx, sub.API, func(have Subscription) bool {
		found, ok = have, sameTarget(have, sub)
		return !ok
	})
	return found, ok, err
}

// each calls fn with every subscription of api, in creation order, until
// fn returns false.
func (s *Service) each(ctx context.Context, api string, fn func(Subscription) bool) error {
	var after int64
	for {
		page, err := s.List(ctx, api, nil, after, listPage)
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			if !fn(it.Doc) {
				return nil
			}
		}
		if page.Next == 0 {
			return nil
		}
		after = page.Next
	}
}

// Get returns the subscription of api stored under id; its error wraps
// store.ErrNotFound if there is none.
func (s *Service) Get(ctx context.Context, api, id string) (Subscription, error) {
	it, err := s.subs.Get(ctx, id)
	if err == nil && it.Doc.API != api {
		err = fmt.Errorf("subscription %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return Subscription{}, err
	}
	return it.Doc, nil
}

// List returns up to limit subscriptions of api after the Seq after that
// match f (checked against Schema), in creation order.
func (s *Service) List(ctx context.Context, api string, f query.Filter, after int64, limit int) (store.Page[Subscription], error) {
	own := append(query.Filter{{Path: []string{"api"}, Op: query.Eq, Values: []string{api}}}, f...)
	return s.subs.List(ctx, own, after, limit)
}

// Delete removes the subscription of api stored under id; its error wraps
// store.ErrNotFound if there is none. Notifications already published to
// it are dropped.
func (s *Service) Delete(ctx context.Context, api, id string) error {
	return s.subs.Delete(ctx, id, func(it store.Item[Subscription]) error {
		if it.Doc.API != api {
			return fmt.Errorf("subscription %s: %w", id, store.ErrNotFound)
		}
		return nil
	})
}
