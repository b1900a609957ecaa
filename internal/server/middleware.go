package server

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/telemetry"
)

// RequestIDHeader carries the request id in both directions: a client's
// id is kept (so a trace spans systems), otherwise one is made.
const RequestIDHeader = "X-Request-Id"

// Observe returns the middleware every request passes first: it assigns the
// request id, and after the handler logs the request and records metrics.
func Observe(log *slog.Logger, m *telemetry.HTTPMetrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		id := c.GetHeader(RequestIDHeader)
		if id == "" || len(id) > 128 {
			id = uuid.NewString()
		}
		c.Header(RequestIDHeader, id)
		c.Request = c.Request.WithContext(telemetry.WithRequestID(c.Request.Context(), id))
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		d := time.Since(start)
		m.Requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
		m.Latency.WithLabelValues(route, c.Request.Method).Observe(d.Seconds())
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "http request",
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
			slog.String("route", route), slog.Int("status", status),
			slog.Int64("duration_us", d.Microseconds()), slog.String("remote", c.ClientIP()))
	}
}
