package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/notify"
)

// BenchmarkPublish measures Publish of one notification to 10 of 100
// subscriptions in a transaction, the cost a state change pays for its
// notifications.
func BenchmarkPublish(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			tb := setup(b, be.dsn(b), notify.Options{})
			rc := newReceiver(b, nil)
			wanted := map[string]bool{}
			for i := range 100 {
				sub := subscribe(b, tb.svc, notify.Subscription{CallbackURI: fmt.Sprintf("%s/%d", rc.URL, i)})
				if i%10 == 0 {
					wanted[sub.ID] = true
				}
			}
			match := func(s notify.Subscription) bool { return wanted[s.ID] }
			b.ReportAllocs()
			for b.Loop() {
				err := tb.db.Tx(context.Background(), func(ctx context.Context) error {
					_, err := tb.svc.Publish(ctx, notification("Bench"), match)
					return err
				})
				if err != nil {
					b.Fatalf("publish: %v", err)
				}
			}
		})
	}
}

// BenchmarkDeliveryLatency measures one notification from Publish to its
// arrival at the subscriber, one at a time.
func BenchmarkDeliveryLatency(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			tb := setup(b, be.dsn(b), notify.Options{})
			rc := newReceiver(b, nil)
			subscribe(b, tb.svc, notify.Subscription{CallbackURI: rc.URL})
			tb.start(b)
			b.ReportAllocs()
			for b.Loop() {
				tb.publish(b, "Bench")
				rc.wait(b, 30*time.Second)
			}
		})
	}
}
