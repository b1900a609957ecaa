package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/riverqueue/river"

	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// deliveryWorker POSTs one notification to one subscriber.
type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	svc *Service
}

// Work delivers the notification; an error makes River try again after
// NextRetry, until the job's attempts run out.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	a := job.Args
	sub, err := w.svc.subs.Get(ctx, a.SubscriptionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // unsubscribed since: nobody to tell
	}
	if err != nil {
		return fmt.Errorf("read subscription %s: %w", a.SubscriptionID, err)
	}
	err = w.svc.send(ctx, sub.Doc, http.MethodPost, a.Body)
	if err != nil && job.Attempt >= job.MaxAttempts {
		w.svc.opts.Logger.WarnContext(ctx, "notification not delivered, giving up",
			slog.String("notificationId", a.NotificationID),
			slog.String("notificationType", a.NotificationType),
			slog.Any("subscription", sub.Doc),
			slog.Int("attempts", job.Attempt),
			slog.String("error", err.Error()))
	}
	return err
}

// NextRetry waits RetryBase after the first failure and twice as long
// after each further one, up to RetryMax, give or take a tenth so that a
// subscriber that was down is not hit by every retry at once.
func (w *deliveryWorker) NextRetry(job *river.Job[deliveryArgs]) time.Time {
	return time.Now().Add(backoff(w.svc.opts.RetryBase, w.svc.opts.RetryMax, job.Attempt))
}

func backoff(base, maxWait time.Duration, attempt int) time.Duration {
	d := maxWait
	if shift := attempt - 1; shift < 32 && base<<shift > 0 && base<<shift < maxWait {
		d = base << shift
	}
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return d + jitter
}

// Timeout bounds one attempt by the HTTP client's own timeout, plus time
// for a token request.
func (w *deliveryWorker) Timeout(*river.Job[deliveryArgs]) time.Duration {
	return 2*cmp.Or(w.svc.opts.HTTPClient.Timeout, DefaultRequestTimeout) + 5*time.Second
}

// testCallback makes the SOL 013 test call: a GET to the callback URI
// that must answer 204 No Content.
func (s *Service) testCallback(ctx context.Context, sub Subscription) error {
	if err := s.send(ctx, sub, http.MethodGet, nil); err != nil {
		return fmt.Errorf("%w: %w", ErrCallbackTest, err)
	}
	return nil
}

// send makes one request to sub's callback URI with its authentication.
// A POST succeeds on any 2xx answer, the test GET only on 204. Errors name
// the callback without user information or query, and hold no secret.
func (s *Service) send(ctx context.Context, sub Subscription, method string, body []byte) error {
	where := redactURL(sub.CallbackURI)
	req, err := http.NewRequestWithContext(ctx, method, sub.CallbackURI, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: bad request", method, where)
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	client, err := s.clientFor(sub.Authentication, req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, where, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		// The *url.Error would quote the whole URL, query included.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s %s: %w", method, where, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	ok := resp.StatusCode/100 == 2
	if method == http.MethodGet {
		ok = resp.StatusCode == http.StatusNoContent
	}
	if !ok {
		return fmt.Errorf("%s %s: answered %s", method, where, resp.Status)
	}
	return nil
}

// clientFor returns the HTTP client that authenticates as a says; Basic
// credentials go on req itself.
func (s *Service) clientFor(a *Authentication, req *http.Request) (*http.Client, error) {
	base := s.opts.HTTPClient
	switch {
	case a == nil:
		return base, nil
	case a.Basic != nil:
		req.SetBasicAuth(a.Basic.UserName, a.Basic.Password)
		return base, nil
	case a.OAuth2 != nil:
		src, err := s.tokenSource(a.OAuth2)
		if err != nil {
			return nil, err
		}
		c := *base
		c.Transport = &auth.Transport{Source: src, Base: base.Transport}
		return &c, nil
	}
	return base, nil
}

// tokenSource returns the cached token source of these credentials, so
// that deliveries share a token until it expires.
func (s *Service) tokenSource(o *OAuth2ClientCredentials) (*auth.TokenSource, error) {
	h := sha256.Sum256([]byte(o.TokenEndpoint + "\x00" + o.ClientID + "\x00" + o.ClientPassword))
	key := hex.EncodeToString(h[:])
	if src, ok := s.tokens.Load(key); ok {
		return src.(*auth.TokenSource), nil
	}
	src, err := auth.NewTokenSource(auth.ClientCredentials{
		TokenURL:     o.TokenEndpoint,
		ClientID:     o.ClientID,
		ClientSecret: o.ClientPassword,
		HTTPClient:   s.opts.HTTPClient,
	})
	if err != nil {
		return nil, err
	}
	actual, _ := s.tokens.LoadOrStore(key, src)
	return actual.(*auth.TokenSource), nil
}
