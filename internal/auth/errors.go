package auth

import (
	"errors"
	"fmt"
)

// ErrUnauthenticated means the request carries no usable credentials: no
// token, a malformed one, a bad signature, a wrong issuer or audience, or an
// expired token. HTTP answers it with 401 and WWW-Authenticate.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrForbidden means the credentials are valid but do not grant the scope
// the request needs. HTTP answers it with 403.
var ErrForbidden = errors.New("insufficient scope")

// ErrNoToken is the ErrUnauthenticated of a request that sent no bearer
// token at all (no Authorization header, or another scheme). RFC 6750 §3.1
// wants its challenge to carry no error code, so HTTP tells it apart.
var ErrNoToken = fmt.Errorf("%w: no bearer token in the Authorization header", ErrUnauthenticated)

// unauthenticated returns an error wrapping ErrUnauthenticated with detail.
// Details never quote the token or any of its claims.
func unauthenticated(detail string) error {
	return fmt.Errorf("%w: %s", ErrUnauthenticated, detail)
}
