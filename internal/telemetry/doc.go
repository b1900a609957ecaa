// Package telemetry owns what the servers tell their operators: structured
// logs (log/slog) that carry the request id of the context they are written
// in, and the Prometheus metrics of the HTTP surface.
package telemetry
