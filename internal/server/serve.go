package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ReadyFunc reports whether the server can do its work (e.g. the database
// answers). /readyz answers 503 while it returns an error.
type ReadyFunc func(ctx context.Context) error

// Health serves /healthz (the process is alive), /readyz (ready checks
// pass) and /metrics on e. They bypass API authorisation by design: probes
// and scrapers carry no tokens. A ready server answers 200
// {"status":"ok"}; one that is not answers 503 with ProblemDetails, as
// every other error of the server is answered.
func Health(e *gin.Engine, reg *prometheus.Registry, ready ReadyFunc) {
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/readyz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			notReady(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})))
}

// problem is the SOL 013 ProblemDetails body (RFC 7807). It is spelled out
// here rather than taken from sol/sol013: internal packages do not import
// the wire layer.
type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// notReady answers a failed ready check: 503 with the check's error as the
// detail, which an operator reading the probe's output needs (it names the
// unreachable dependency) and which holds nothing secret.
func notReady(c *gin.Context, err error) {
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusServiceUnavailable, problem{Title: "Service Unavailable",
		Status: http.StatusServiceUnavailable, Detail: "not ready: " + err.Error()})
}

// ShutdownGrace bounds how long in-flight requests may finish after SIGTERM.
const ShutdownGrace = 20 * time.Second

// Serve answers HTTP on ln with h until ctx is done, then stops accepting,
// lets in-flight requests finish for up to ShutdownGrace, and returns.
func Serve(ctx context.Context, log *slog.Logger, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
