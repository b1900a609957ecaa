package auth

import (
	"net/http"
	"strings"
)

// maxTokenLen bounds the bearer token we are willing to parse. Our tokens
// are under 1 KiB; external issuers' rarely exceed 4 KiB.
const maxTokenLen = 16 << 10

// bearerToken returns the RFC 6750 §2.1 bearer token of r. A request
// without an Authorization header, or with another scheme, has no token
// (ErrNoToken); an empty or oversized bearer credential is
// ErrUnauthenticated. The token68 syntax is left to checkToken68, which
// a token found in the verified-token cache need not pass again.
func bearerToken(r *http.Request) (string, error) {
	vals := r.Header.Values("Authorization")
	switch {
	case len(vals) == 0:
		return "", ErrNoToken
	case len(vals) > 1:
		return "", unauthenticated("more than one Authorization header")
	}
	scheme, tok, _ := strings.Cut(vals[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", ErrNoToken
	}
	tok = strings.TrimLeft(tok, " ")
	switch {
	case tok == "":
		return "", unauthenticated("empty bearer token")
	case len(tok) > maxTokenLen:
		return "", unauthenticated("bearer token too long")
	}
	return tok, nil
}

// checkToken68 rejects a bearer credential that is not an RFC 7235 token68.
func checkToken68(tok string) error {
	if !isToken68(tok) {
		return unauthenticated("malformed bearer token")
	}
	return nil
}

// isToken68 reports whether s matches RFC 7235's token68:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isToken68(s string) bool {
	i := 0
	for i < len(s) && isToken68Char(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && s[i] == '=' {
		i++
	}
	return i == len(s)
}

func isToken68Char(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
}
