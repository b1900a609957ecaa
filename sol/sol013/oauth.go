package sol013

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

// Authenticator decides whether a request may use an API. A nil
// Authenticator admits every request (the servers' --auth none).
type Authenticator interface {
	// Authenticate checks the request's credentials and that they grant at
	// least one of scopes. It returns an error wrapping
	// auth.ErrUnauthenticated or auth.ErrForbidden when they do not, and
	// auth.ErrNoToken when the request sent no credentials at all.
	Authenticate(r *http.Request, scopes ...string) error
}

// authorize asks auth for a scope of major m: the readonly scope suffices
// for safe methods, the all scope is needed otherwise.
func (a API) authorize(au Authenticator, m int) gin.HandlerFunc {
	all, ro := a.Scope(m, false), a.Scope(m, true)
	// Built once: this runs on every request.
	unsafeScopes, safeScopes := []string{all}, []string{all, ro}
	return func(c *gin.Context) {
		if au == nil {
			c.Next()
			return
		}
		scopes := unsafeScopes
		if safeMethod(c.Request.Method) {
			scopes = safeScopes
		}
		if err := au.Authenticate(c.Request, scopes...); err != nil {
			Abort(c, authError(err, scopes))
			return
		}
		c.Next()
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authError maps an Authenticator's error to 401 or 403 with the
// WWW-Authenticate challenge of RFC 6750 §3: no error code when the request
// sent no token, invalid_token when it was bad, insufficient_scope with the
// scopes that would do when it lacked them.
func authError(err error, scopes []string) *Error {
	var challenge string
	status := http.StatusUnauthorized
	switch {
	case errors.Is(err, auth.ErrForbidden):
		status = http.StatusForbidden
		challenge = `Bearer realm="` + auth.Realm + `", error="insufficient_scope", scope="` +
			quotable(strings.Join(scopes, " ")) + `"`
	case errors.Is(err, auth.ErrNoToken):
		challenge = `Bearer realm="` + auth.Realm + `"`
	case errors.Is(err, auth.ErrUnauthenticated):
		challenge = `Bearer realm="` + auth.Realm + `", error="invalid_token", error_description="` +
			quotable(err.Error()) + `"`
	default:
		return Wrapf(err, http.StatusInternalServerError, "authorisation failed")
	}
	return &Error{Status: status, Detail: err.Error(), Err: err,
		Header: http.Header{"WWW-Authenticate": {challenge}}}
}

// quotable keeps the characters RFC 6750 §3 allows in a quoted
// error_description or scope (printable ASCII without '"' and '\').
func quotable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return ' '
		}
		return r
	}, s)
}
