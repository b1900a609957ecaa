package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// Notification is one event to tell the subscribers of an API about.
type Notification struct {
	// API is the interface whose subscribers may receive it.
	API string
	// ID identifies the notification in every copy; empty means a new UUID.
	ID string
	// Type is its notificationType, matched against a subscription's
	// NotificationTypes.
	Type string
	// RenderFunc returns the JSON body sent to sub: the API's notification
	// with sub's subscriptionId and _links.subscription, and the ID above.
	RenderFunc func(id string, sub Subscription) (json.RawMessage, error)
}

// deliveryArgs is the job of delivering one notification to one
// subscription. Unlike other jobs it carries the body, not only ids: a
// notification is a snapshot of the moment it was published, which later
// state cannot rebuild, and this job row is the outbox that keeps it. The
// subscription, and with it the credentials, is read when the job runs, so
// no secret is ever written into a job row.
type deliveryArgs struct {
	SubscriptionID   string          `json:"subscriptionId"`
	NotificationID   string          `json:"notificationId"`
	NotificationType string          `json:"notificationType"`
	Body             json.RawMessage `json:"body"`
}

// Kind implements river.JobArgs.
func (deliveryArgs) Kind() string { return "notify_delivery" }

// Publish enqueues n for every subscription of n.API that wants n.Type and
// that match (nil: every one) accepts, in the store transaction ctx carries,
// so that the notifications exist if and only if the transaction commits.
// It returns how many it enqueued, or an error wrapping jobs.ErrNoTx
// outside a transaction.
func (s *Service) Publish(ctx context.Context, n Notification, match func(Subscription) bool) (int, error) {
	if _, ok := store.SQLTx(ctx); !ok {
		return 0, fmt.Errorf("publish %s: %w", n.Type, jobs.ErrNoTx)
	}
	if n.RenderFunc == nil {
		return 0, errors.New("publish " + n.Type + ": no RenderFunc")
	}
	if n.ID == "" {
		n.ID = uuid.NewString()
	}
	var targets []Subscription
	err := s.each(ctx, n.API, func(sub Subscription) bool {
		if wants(sub, n.Type) && (match == nil || match(sub)) {
			targets = append(targets, sub)
		}
		return true
	})
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", n.Type, err)
	}
	for _, sub := range targets {
		if err := s.enqueue(ctx, n, sub); err != nil {
			return 0, err
		}
	}
	return len(targets), nil
}

func wants(sub Subscription, typ string) bool {
	return len(sub.NotificationTypes) == 0 || slices.Contains(sub.NotificationTypes, typ)
}

func (s *Service) enqueue(ctx context.Context, n Notification, sub Subscription) error {
	body, err := n.RenderFunc(n.ID, sub)
	if err != nil {
		return fmt.Errorf("render %s for subscription %s: %w", n.Type, sub.ID, err)
	}
	if !json.Valid(body) {
		return fmt.Errorf("render %s for subscription %s: not JSON", n.Type, sub.ID)
	}
	args := deliveryArgs{SubscriptionID: sub.ID, NotificationID: n.ID, NotificationType: n.Type, Body: body}
	opts := &river.InsertOpts{Queue: s.opts.Queue, MaxAttempts: s.opts.MaxAttempts}
	if _, err := s.runner.InsertTx(ctx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s for subscription %s: %w", n.Type, sub.ID, err)
	}
	return nil
}
