package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/telemetry"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// TestHealth_ReadyFollowsCheck checks that /readyz answers 503 with
// ProblemDetails naming the check's error while it fails and 200 once it
// passes again, and that /healthz stays 200 throughout.
func TestHealth_ReadyFollowsCheck(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var downState atomic.Bool
	reg, _ := telemetry.NewRegistry()
	e := gin.New()
	Health(e, reg, func(ctx context.Context) error {
		if downState.Load() {
			return errors.New("database unreachable")
		}
		return ctx.Err()
	})
	get := func(path string) (int, string, map[string]any) {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: body %q: %v", path, w.Body.String(), err)
		}
		return w.Code, w.Header().Get("Content-Type"), body
	}
	for _, down := range []bool{false, true, false} {
		downState.Store(down)
		code, ctype, body := get("/readyz")
		switch {
		case !down && (code != 200 || body["status"] != "ok" || !strings.HasPrefix(ctype, "application/json")):
			t.Fatalf("ready: /readyz %d %s %v", code, ctype, body)
		case down && (code != 503 || ctype != "application/problem+json"):
			t.Fatalf("not ready: /readyz %d %s %v", code, ctype, body)
		case down && (body["status"] != float64(503) || body["title"] == "" ||
			!strings.Contains(fmt.Sprint(body["detail"]), "database unreachable")):
			t.Fatalf("not ready: /readyz body is not ProblemDetails naming the cause: %v", body)
		}
		if code, _, body := get("/healthz"); code != 200 || body["status"] != "ok" {
			t.Fatalf("down=%v: /healthz %d %v", down, code, body)
		}
	}
}

// TestServe_GracefulShutdown cancels Serve's context while a request is in
// its handler: the listener closes at once, the request still completes with
// its whole answer, and Serve then returns nil.
func TestServe_GracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	})
	var logs testenv.SyncBuffer
	log, err := telemetry.NewLogger(&logs, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, log, ln, h) }()

	type result struct {
		status int
		body   string
		err    error
	}
	answered := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			answered <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answered <- result{res.StatusCode, string(b), err}
	}()
	select {
	case <-entered:
	case err := <-served:
		t.Fatalf("Serve returned before the request: %v", err)
	}
	cancel()
	// Wait until shutdown has closed the listener.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after the context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	default:
	}
	close(release)
	r := <-answered
	if r.err != nil || r.status != 200 || r.body != "finished" {
		t.Fatalf("in-flight request: %d %q %v", r.status, r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
