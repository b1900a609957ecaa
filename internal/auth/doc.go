// Package auth owns OAuth 2.0 for the MANO as SOL 013 asks, on both sides
// of a call:
//
//   - [Server], the built-in authorization server: the client credentials
//     grant at [TokenPath] for the [Client]s configured on the command line
//     (see [ParseClient]), issuing RS256 JWT access tokens signed with a
//     [KeySet] kept under the data directory, whose public key it serves as
//     a JWKS at [JWKSPath].
//   - [Validator], the resource side: it checks a request's bearer token
//     (signature, issuer, audience, expiry, scope) against the built-in
//     server's keys and/or an external issuer's JWKS, and implements
//     sol013.Authenticator. Its errors wrap [ErrUnauthenticated] (HTTP 401)
//     or [ErrForbidden] (HTTP 403).
//   - [TokenSource] and [Transport], the client side: the MANO's own calls
//     (grant requests, notifications to subscribers) obtain and cache a
//     token with client credentials and send it as a Bearer credential.
//
// Client secrets are compared in constant time and never logged or echoed;
// error details never quote a token.
package auth
