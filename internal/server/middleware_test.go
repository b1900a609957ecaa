package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/telemetry"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// records parses the JSON log lines in b.
func records(t *testing.T, b *testenv.SyncBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line not JSON: %v: %s", err, line)
		}
		out = append(out, rec)
	}
	return out
}

// TestObserve_RequestIDInLogs checks that a client's X-Request-Id is echoed
// and one is made when the client sends none (or an overlong one), and that
// every log record of the request, the handler's and the access log's,
// carries that id.
func TestObserve_RequestIDInLogs(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var buf testenv.SyncBuffer
	log, err := telemetry.NewLogger(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	reg, metrics := telemetry.NewRegistry()
	e := gin.New()
	e.Use(Observe(log, metrics))
	Health(e, reg, func(context.Context) error { return nil })
	e.GET("/things/:id", func(c *gin.Context) {
		log.InfoContext(c.Request.Context(), "handling", "thing", c.Param("id"))
		c.String(http.StatusTeapot, "ok")
	})

	for _, c := range []struct {
		name, sent string
		echoed     bool
	}{
		{"client id", "trace-42", true},
		{"no id", "", false},
		{"overlong id", strings.Repeat("x", 129), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(records(t, &buf))
			req := httptest.NewRequest("GET", "/things/a1", nil)
			if c.sent != "" {
				req.Header.Set(RequestIDHeader, c.sent)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			id := w.Header().Get(RequestIDHeader)
			if c.echoed && id != c.sent {
				t.Fatalf("request id %q, want %q echoed", id, c.sent)
			}
			if !c.echoed {
				if _, err := uuid.Parse(id); err != nil {
					t.Fatalf("generated request id %q: %v", id, err)
				}
			}
			recs := records(t, &buf)[before:]
			if len(recs) != 2 {
				t.Fatalf("want 2 records for the request, got %d: %v", len(recs), recs)
			}
			for _, r := range recs {
				if r["request_id"] != id {
					t.Errorf("record %q: request_id %v, want %q", r["msg"], r["request_id"], id)
				}
			}
			acc := recs[1]
			if acc["msg"] != "http request" || acc["route"] != "/things/:id" || acc["status"] != float64(http.StatusTeapot) {
				t.Errorf("access log: %v", acc)
			}
		})
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/nowhere", nil))
	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`cadenza_http_requests_total{code="418",method="GET",route="/things/:id"} 3`,
		`cadenza_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`cadenza_http_request_duration_seconds_count{method="GET",route="/things/:id"} 3`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
