package vnflcm_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"
)

// subscriber is a notification endpoint that records what it receives.
type subscriber struct {
	mu     sync.Mutex
	bodies [][]byte
	url    string
}

func newSubscriber(t *testing.T) *subscriber {
	s := &subscriber{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			raw, _ := io.ReadAll(r.Body)
			s.mu.Lock()
			s.bodies = append(s.bodies, raw)
			s.mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// wait returns the notifications once n have arrived.
func (s *subscriber) wait(t *testing.T, n int) [][]byte {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		s.mu.Lock()
		got := append([][]byte(nil), s.bodies...)
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
	}
	t.Fatalf("fewer than %d notifications arrived", n)
	return nil
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	b := setup(t)
	all, scaleOnly, v2 := newSubscriber(t), newSubscriber(t), newSubscriber(t)
	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/subscriptions", `{"callbackUri":"`+all.url+`"}`), http.StatusCreated, "LccnSubscription")
	subPath := r.header.Get("Location")
	b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/subscriptions",
		`{"callbackUri":"`+scaleOnly.url+`","filter":{"operationTypes":["SCALE"],"notificationTypes":["VnfLcmOperationOccurrenceNotification"]}}`),
		http.StatusCreated, "LccnSubscription")
	b.want(t, b.do(t, http.MethodPost, "/vnflcm/v2/subscriptions", `{"callbackUri":"`+v2.url+`"}`), http.StatusCreated, "")
	// A duplicate is answered 303 See Other, which the client follows to the first.
	dup := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/subscriptions", `{"callbackUri":"`+all.url+`"}`), http.StatusOK, "LccnSubscription")
	if subPath != decode(t, dup.body)["_links"].(map[string]any)["self"].(map[string]any)["href"] {
		t.Errorf("duplicate subscription led to %s, not %s", dup.body, subPath)
	}
	b.want(t, b.do(t, http.MethodGet, "/vnflcm/v1/subscriptions", ""), http.StatusOK, "LccnSubscriptions")
	b.want(t, b.do(t, http.MethodGet, subPath, ""), http.StatusOK, "LccnSubscription")

	r = b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`)
	path := "/vnflcm/v1/vnf_instances/" + decode(t, r.body)["id"].(string)
	b.task(t, path+"/instantiate", instantiateV1, "COMPLETED")
	b.task(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`, "COMPLETED")
	b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")

	schemas := map[string]string{
		"VnfIdentifierCreationNotification":     "VnfIdentifierCreationNotification",
		"VnfIdentifierDeletionNotification":     "vnfIdentifierDeletionNotification",
		"VnfLcmOperationOccurrenceNotification": "VnfLcmOperationOccurrenceNotification",
	}
	// Deliveries run concurrently, so arrival order is not event order:
	// the notifications' timeStamp is.
	type event struct{ at, what string }
	var events []event
	for _, raw := range all.wait(t, 8) {
		var n map[string]any
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		typ, _ := n["notificationType"].(string)
		b.schemas.MustValidate(t, schemaDir+schemas[typ], raw)
		if st, ok := n["operationState"].(string); ok {
			typ = n["operation"].(string) + " " + st
		}
		at, _ := n["timeStamp"].(string)
		ts, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			t.Fatalf("timeStamp %q: %v", at, err)
		}
		events = append(events, event{ts.UTC().Format("2006-01-02T15:04:05.000000000"), typ})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].at < events[j].at })
	var seen []string
	for _, e := range events {
		seen = append(seen, e.what)
	}
	want := "[VnfIdentifierCreationNotification INSTANTIATE STARTING INSTANTIATE PROCESSING INSTANTIATE COMPLETED " +
		"TERMINATE STARTING TERMINATE PROCESSING TERMINATE COMPLETED VnfIdentifierDeletionNotification]"
	if fmt.Sprint(seen) != want {
		t.Errorf("notifications by timeStamp %v, want %s", seen, want)
	}
	v2.wait(t, 8)
	scaleOnly.mu.Lock()
	defer scaleOnly.mu.Unlock()
	if len(scaleOnly.bodies) != 0 {
		t.Errorf("a SCALE-only subscription received %d notifications of other operations", len(scaleOnly.bodies))
	}
}
