package notify_test

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
)

const (
	basicUser     = "subscriber"
	basicPassword = "s3cret-basic-password"
	oauthClient   = "mano"
	oauthSecret   = "s3cret-client-password"
)

func checkBasic(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && u == basicUser && subtle.ConstantTimeCompare([]byte(p), []byte(basicPassword)) == 1
}

// oauthSetup starts a real authorization server and returns its token
// endpoint and a check of the bearer tokens it issues.
func oauthSetup(t *testing.T) (tokenURL string, check func(*http.Request) bool) {
	t.Helper()
	keys, err := auth.GenerateKeySet()
	if err != nil {
		t.Fatalf("keys: %v", err)
	}
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	srv, err := auth.NewServer(auth.ServerOptions{
		Issuer: ts.URL, Audience: []string{"subscriber"}, Keys: keys, Scopes: []string{"notify"},
		Clients: []auth.Client{{ID: oauthClient, Secret: oauthSecret}},
	})
	if err != nil {
		t.Fatalf("authorization server: %v", err)
	}
	mux.Handle(auth.TokenPath, srv)
	v, err := auth.NewValidator(auth.ValidatorOptions{
		Audience: "subscriber",
		Issuers:  []auth.TrustedIssuer{{Issuer: ts.URL, Keys: keys}},
	})
	if err != nil {
		t.Fatalf("validator: %v", err)
	}
	return ts.URL + auth.TokenPath, func(r *http.Request) bool { return v.Authenticate(r) == nil }
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	tokenURL, checkBearer := oauthSetup(t)
	cases := []struct {
		name  string
		auth  *notify.Authentication
		check func(*http.Request) bool
	}{
		{"no authentication", nil, nil},
		{"basic", &notify.Authentication{Basic: &notify.BasicAuth{UserName: basicUser, Password: basicPassword}}, checkBasic},
		{"oauth2 client credentials", &notify.Authentication{OAuth2: &notify.OAuth2ClientCredentials{
			ClientID: oauthClient, ClientPassword: oauthSecret, TokenEndpoint: tokenURL}}, checkBearer},
	}
	for _, be := range backends {
		for _, c := range cases {
			t.Run(be.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, be.dsn(t), notify.Options{})
				rc := newReceiver(t, c.check)
				sub := subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL + "/cb", Authentication: c.auth})
				b.start(t)
				if n := b.publish(t, "TestNotification"); n != 1 {
					t.Fatalf("published to %d subscriptions, want 1", n)
				}
				rec := rc.wait(t, 30*time.Second)
				if rec.contentType != "application/json" {
					t.Errorf("Content-Type %q, want application/json", rec.contentType)
				}
				if rec.body["subscriptionId"] != sub.ID || rec.body["notificationType"] != "TestNotification" || rec.body["id"] == "" {
					t.Errorf("body %v, want the notification rendered for subscription %s", rec.body, sub.ID)
				}
			})
		}
	}
}

func TestRetriesUntilReceiverRecovers(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, be.dsn(t), notify.Options{})
			rc := newReceiver(t, nil, http.StatusServiceUnavailable, http.StatusInternalServerError)
			subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL})
			b.start(t)
			b.publish(t, "TestNotification")
			rc.wait(t, 60*time.Second)
			if n := rc.count(); n != 1 {
				t.Errorf("received %d notifications, want 1", n)
			}
			if strings.Contains(b.logs.String(), "giving up") {
				t.Errorf("gave up although the receiver recovered: %s", b.logs)
			}
		})
	}
}

func TestGivesUpAfterMaxAttemptsAndLogsOnce(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, be.dsn(t), notify.Options{MaxAttempts: 2})
			rc := newReceiver(t, checkBasic, http.StatusInternalServerError, http.StatusInternalServerError)
			subscribe(t, b.svc, notify.Subscription{
				CallbackURI:    rc.URL + "/cb?token=query-secret",
				Authentication: &notify.Authentication{Basic: &notify.BasicAuth{UserName: basicUser, Password: basicPassword}},
			})
			b.start(t)
			b.publish(t, "TestNotification")
			deadline := time.Now().Add(60 * time.Second)
			for !strings.Contains(b.logs.String(), "giving up") && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			logs := b.logs.String()
			if n := strings.Count(logs, "giving up"); n != 1 {
				t.Fatalf("%d give-up lines, want 1:\n%s", n, logs)
			}
			for _, secret := range []string{basicPassword, "query-secret"} {
				if strings.Contains(logs, secret) {
					t.Errorf("logs hold a secret %q:\n%s", secret, logs)
				}
			}
			if rc.count() != 0 {
				t.Errorf("received %d notifications, want 0", rc.count())
			}
		})
	}
}

func TestSubscribeCallbackTest(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	ok := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }
	}
	cases := []struct {
		name    string
		handler http.Handler // nil: the callback does not answer
		auth    *notify.Authentication
		wantErr error
	}{
		{"204 accepted", ok(http.StatusNoContent), nil, nil},
		{"200 refused", ok(http.StatusOK), nil, notify.ErrCallbackTest},
		{"404 refused", ok(http.StatusNotFound), nil, notify.ErrCallbackTest},
		{"wrong password refused", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !checkBasic(r) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}), &notify.Authentication{Basic: &notify.BasicAuth{UserName: basicUser, Password: "wrong"}}, notify.ErrCallbackTest},
		{"unreachable refused", nil, nil, notify.ErrCallbackTest},
	}
	b := setup(t, backends[0].dsn(t), notify.Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			uri := closed.URL
			if c.handler != nil {
				ts := httptest.NewServer(c.handler)
				t.Cleanup(ts.Close)
				uri = ts.URL
			}
			_, err := b.svc.Subscribe(context.Background(), notify.Subscription{API: testAPI, CallbackURI: uri, Authentication: c.auth})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Subscribe: got %v, want %v", err, c.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "wrong") {
				t.Errorf("error quotes the password: %v", err)
			}
		})
	}
}

// TestDurableOutbox publishes with no runner working, then lets a new
// process (store, runner, service) on the same database deliver.
func TestDurableOutbox(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn := be.dsn(t)
			first := setup(t, dsn, notify.Options{})
			rc := newReceiver(t, nil)
			subscribe(t, first.svc, notify.Subscription{CallbackURI: rc.URL})
			first.start(t)
			if err := first.runner.Stop(context.Background()); err != nil {
				t.Fatalf("stop: %v", err)
			}
			first.publish(t, "TestNotification")
			if err := first.db.Close(); err != nil {
				t.Fatalf("close first store: %v", err)
			}

			second := setup(t, dsn, notify.Options{})
			second.start(t)
			rc.wait(t, 30*time.Second)
			waitNoPendingJobs(t, second)
			if n := rc.count(); n != 1 {
				t.Errorf("received %d notifications, want 1", n)
			}
		})
	}
}

func waitNoPendingJobs(t *testing.T, b *testBundle) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int64
		err := b.db.Gorm.Raw(`SELECT COUNT(*) FROM river_job WHERE state <> 'completed'`).Scan(&n).Error
		if err != nil {
			t.Fatalf("count jobs: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still pending", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPublish(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0].dsn(t), notify.Options{})
	rc := newReceiver(t, nil)
	subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL + "/all"})
	typed := subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL + "/typed", NotificationTypes: []string{"A"}})
	cases := []struct {
		name  string
		typ   string
		match func(notify.Subscription) bool
		want  int
	}{
		{"type wanted by both", "A", nil, 2},
		{"type wanted by one", "B", nil, 1},
		{"match refuses one", "A", func(s notify.Subscription) bool { return s.ID != typed.ID }, 1},
		{"match refuses all", "A", func(notify.Subscription) bool { return false }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n int
			err := b.db.Tx(t.Context(), func(ctx context.Context) error {
				var err error
				n, err = b.svc.Publish(ctx, notification(c.typ), c.match)
				return err
			})
			if err != nil || n != c.want {
				t.Errorf("Publish: %d, %v; want %d", n, err, c.want)
			}
		})
	}
	if _, err := b.svc.Publish(t.Context(), notification("A"), nil); !errors.Is(err, jobs.ErrNoTx) {
		t.Errorf("Publish outside a transaction: got %v, want ErrNoTx", err)
	}
}

// TestPublishRolledBack checks that a notification of a state change that
// did not commit is never sent.
func TestPublishRolledBack(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, be.dsn(t), notify.Options{})
			rc := newReceiver(t, nil)
			subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL})
			errRollback := errors.New("roll back")
			err := b.db.Tx(t.Context(), func(ctx context.Context) error {
				if _, err := b.svc.Publish(ctx, notification("Lost"), nil); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("transaction: %v", err)
			}
			b.start(t)
			b.publish(t, "Kept")
			rec := rc.wait(t, 30*time.Second)
			waitNoPendingJobs(t, b)
			if rec.body["notificationType"] != "Kept" || rc.count() != 1 {
				t.Errorf("received %d notifications, first %v; want only Kept", rc.count(), rec.body)
			}
		})
	}
}

// TestUnsubscribedDropsPending checks that a notification published to a
// subscription deleted before delivery is dropped, not retried.
func TestUnsubscribedDropsPending(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, be.dsn(t), notify.Options{})
			rc := newReceiver(t, nil)
			sub := subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL})
			b.publish(t, "TestNotification")
			if err := b.svc.Delete(t.Context(), testAPI, sub.ID); err != nil {
				t.Fatalf("delete: %v", err)
			}
			b.start(t)
			waitNoPendingJobs(t, b)
			if n := rc.count(); n != 0 {
				t.Errorf("received %d notifications, want 0", n)
			}
		})
	}
}
