// Package server owns the conventions both MANO servers share with the
// operators and scripts that run them: the common flags and their MANO_*
// environment variables, the HTTP middleware every request passes (request
// id, access log, metrics), the health endpoints, and serving with a
// graceful shutdown.
package server
