package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCallbacks(t *testing.T) {
	t.Parallel()
	cbs, err := startCallbacks("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cbs.close)
	tests := []struct {
		name   string
		method string
		url    string
		body   string
		status int
	}{
		{name: "test GET answered 204", method: http.MethodGet, url: cbs.uri("a"), status: http.StatusNoContent},
		{name: "notification recorded", method: http.MethodPost, url: cbs.uri("a"),
			body: `{"notificationType": "X", "id": "1"}`, status: http.StatusNoContent},
		{name: "refusing callback fails the test", method: http.MethodGet, url: cbs.refusingURI("a"), status: http.StatusNotFound},
		{name: "other method refused", method: http.MethodPut, url: cbs.uri("a"), status: http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		req, err := http.NewRequestWithContext(t.Context(), tt.method, tt.url, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("u", "p")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
	}
	if got := cbs.tested("a"); got != 1 {
		t.Errorf("tested(a) = %d, want 1", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	n, err := cbs.wait(ctx, "a", "X", func(n notification) bool { return n.Type == "X" })
	if err != nil || n.Authorization != "Basic dTpw" {
		t.Errorf("wait(a, X) = %+v, %v; want the notification with its Basic credentials", n, err)
	}
	if _, err := cbs.wait(ctx, "a", "Y", func(n notification) bool { return n.Type == "Y" }); err == nil {
		t.Error("wait for a notification never sent returned no error")
	}
	if err := cbs.quiet("a"); err == nil {
		t.Error("quiet(a) = nil for a callback that received a notification")
	}
	if err := cbs.quiet("b"); err != nil {
		t.Errorf("quiet(b) = %v for a callback that received nothing", err)
	}
}
