package notify

import (
	"encoding/json"
	"testing"
)

// FuzzSameTarget feeds subscriber-supplied filters to the duplicate check:
// it must not panic, must find a subscription equal to itself, and must
// not tell apart two spellings of one JSON value.
func FuzzSameTarget(f *testing.F) {
	f.Add([]byte(`{"vnfInstanceSubscriptionFilter":{"vnfdIds":["a"]},"notificationTypes":["X"]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[1, 2.50, "x", {"b":true,"a":null}]`))
	f.Add([]byte(`{"a":`))
	f.Fuzz(func(t *testing.T, filter []byte) {
		a := Subscription{API: "x", CallbackURI: "http://h/cb", Filter: filter, NotificationTypes: []string{"B", "A"}}
		if !sameTarget(a, a) {
			t.Fatalf("subscription with filter %q is not the same as itself", filter)
		}
		var v any
		if json.Unmarshal(filter, &v) != nil {
			return
		}
		respelled, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return
		}
		b := a
		b.Filter, b.NotificationTypes = respelled, []string{"A", "B", "A"}
		if !sameTarget(a, b) {
			t.Fatalf("filter %q and its respelling %q differ", filter, respelled)
		}
	})
}
