// Package check is the machinery of the conformance runner that other
// tests can reuse: an HTTP client for SOL APIs that carries an OAuth 2.0
// token and keeps every exchange for inspection, the client credentials
// grant to get that token, assertions on responses (status, headers,
// ProblemDetails, JSON Schema validity), and named checks grouped per API
// whose results print as a table.
package check
