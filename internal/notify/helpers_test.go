package notify_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// backend is a database the tests run against; dsn makes a fresh one.
type backend struct {
	name string
	dsn  func(t testing.TB) string
}

var backends = []backend{
	{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "notify.db") }},
	{"postgres", func(t testing.TB) string { return testenv.Postgres(t) }},
}

const testAPI = "testapi"

// testBundle is one process's view of a database: store, runner, service.
type testBundle struct {
	db     *store.DB
	runner *jobs.Runner
	svc    *notify.Service
	logs   *syncBuffer
}

// setup opens dsn and builds a service on it with opts, whose retries are
// fast unless opts says otherwise. The runner is not started.
func setup(t testing.TB, dsn string, opts notify.Options) *testBundle {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r, err := jobs.New(ctx, db, jobs.Options{Logger: logger})
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	if opts.RetryBase == 0 {
		opts.RetryBase = 50 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = logger
	}
	svc, err := notify.New(db, r, opts)
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return &testBundle{db: db, runner: r, svc: svc, logs: logs}
}

func (b *testBundle) start(t testing.TB) {
	t.Helper()
	if err := b.runner.Start(context.Background()); err != nil {
		t.Fatalf("start runner: %v", err)
	}
	t.Cleanup(func() { _ = b.runner.Stop(context.Background()) })
}

// publish publishes a notification of type typ in a transaction of its own.
func (b *testBundle) publish(t testing.TB, typ string) int {
	t.Helper()
	var n int
	err := b.db.Tx(context.Background(), func(ctx context.Context) error {
		var err error
		n, err = b.svc.Publish(ctx, notification(typ), nil)
		return err
	})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return n
}

func notification(typ string) notify.Notification {
	return notify.Notification{
		API:  testAPI,
		Type: typ,
		RenderFunc: func(id string, sub notify.Subscription) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"id": id, "notificationType": typ, "subscriptionId": sub.ID})
		},
	}
}

// receiver is a subscriber's callback endpoint. It answers the test GET
// with 204 and each POST with the next of its statuses (204 once they run
// out), after checking the request's authentication with authFunc.
type receiver struct {
	*httptest.Server
	authFunc func(*http.Request) bool

	mu       sync.Mutex
	statuses []int
	posts    []received
	got      chan received
}

type received struct {
	contentType string
	body        map[string]string
}

func newReceiver(t testing.TB, authFunc func(*http.Request) bool, statuses ...int) *receiver {
	rc := &receiver{authFunc: authFunc, statuses: statuses, got: make(chan received, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	if rc.authFunc != nil && !rc.authFunc(r) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodGet {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rc.mu.Lock()
	status := http.StatusNoContent
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	rc.mu.Unlock()
	if status/100 == 2 {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		rec := received{contentType: r.Header.Get("Content-Type"), body: body}
		rc.mu.Lock()
		rc.posts = append(rc.posts, rec)
		rc.mu.Unlock()
		rc.got <- rec
	}
	w.WriteHeader(status)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.posts)
}

// wait returns the next notification received, failing after d.
func (rc *receiver) wait(t testing.TB, d time.Duration) received {
	t.Helper()
	select {
	case rec := <-rc.got:
		return rec
	case <-time.After(d):
		t.Fatalf("no notification received within %v", d)
		return received{}
	}
}

func subscribe(t testing.TB, svc *notify.Service, sub notify.Subscription) notify.Subscription {
	t.Helper()
	sub.API = testAPI
	got, err := svc.Subscribe(context.Background(), sub)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	return got
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
