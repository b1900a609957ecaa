package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestNewLogger_RequestID checks that a record written with a context that
// carries a request id has it as request_id, in both formats and through
// With and WithGroup, and that a record without one has none.
func TestNewLogger_RequestID(t *testing.T) {
	ctx := WithRequestID(context.Background(), "req-7")
	if got := RequestID(ctx); got != "req-7" {
		t.Fatalf("RequestID = %q", got)
	}
	var buf bytes.Buffer
	log, err := NewLogger(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	log.InfoContext(ctx, "one")
	log.With("component", "x").InfoContext(ctx, "two")
	log.WithGroup("g").InfoContext(ctx, "three", "k", "v")
	log.InfoContext(context.Background(), "four")
	log.DebugContext(ctx, "below level")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 records, got %d:\n%s", len(lines), buf.String())
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("record %d not JSON: %v: %s", i, err, line)
		}
		id := rec["request_id"]
		if g, ok := rec["g"].(map[string]any); ok {
			id = g["request_id"]
		}
		if i < 3 && id != "req-7" {
			t.Errorf("record %d: request_id = %v: %s", i, id, line)
		}
		if i == 3 && strings.Contains(line, "request_id") {
			t.Errorf("record without request id has one: %s", line)
		}
	}

	buf.Reset()
	text, err := NewLogger(&buf, "text", "debug")
	if err != nil {
		t.Fatal(err)
	}
	text.DebugContext(ctx, "hello")
	if !strings.Contains(buf.String(), "request_id=req-7") {
		t.Fatalf("text record lacks the request id: %s", buf.String())
	}
}

func TestNewLogger_Invalid(t *testing.T) {
	for _, c := range []struct{ format, level string }{{"xml", "info"}, {"json", "loud"}} {
		if _, err := NewLogger(&bytes.Buffer{}, c.format, c.level); err == nil {
			t.Errorf("NewLogger(%q, %q) accepted", c.format, c.level)
		}
	}
	if _, err := NewLogger(&bytes.Buffer{}, "TEXT", "WARN"); err != nil {
		t.Errorf("upper case rejected: %v", err)
	}
}
