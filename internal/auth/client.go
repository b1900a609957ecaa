package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Client is an OAuth 2.0 client registered with the built-in authorization
// server. Its String form hides the secret, so a Client may be logged.
type Client struct {
	ID     string
	Secret string
	// Scopes lists the scopes the client may be granted; empty means every
	// scope the server knows.
	Scopes []string
}

// String returns the client id with the secret redacted.
func (c Client) String() string { return c.ID + ":[redacted]" }

// GoString keeps %#v from printing the secret.
func (c Client) GoString() string {
	return fmt.Sprintf("auth.Client{ID: %q, Secret: [redacted]}", c.ID)
}

// ParseClient parses the command-line form of a client, ID:SECRET or
// ID:SECRET:SCOPE,SCOPE... Neither the id nor the secret may contain a colon;
// scopes may (SOL 013 scopes look like "vnflcm:v1:all"), since everything
// after the second colon is the scope list. Errors never quote the secret.
func ParseClient(s string) (Client, error) {
	id, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Client{}, errors.New("parse oauth client: want ID:SECRET[:SCOPE,SCOPE...]")
	}
	secret, scopeList, hasScopes := strings.Cut(rest, ":")
	c := Client{ID: id, Secret: secret}
	if err := checkCredential("client id", id); err != nil {
		return Client{}, fmt.Errorf("parse oauth client: %w", err)
	}
	if err := checkCredential("client secret", secret); err != nil {
		return Client{}, fmt.Errorf("parse oauth client %q: %w", id, err)
	}
	if hasScopes {
		scopes, err := parseScopeList(scopeList)
		if err != nil {
			return Client{}, fmt.Errorf("parse oauth client %q: %w", id, err)
		}
		c.Scopes = scopes
	}
	return c, nil
}

// checkCredential enforces RFC 6749 Appendix A's VSCHAR (printable ASCII)
// on a client id or secret, and no colon, which the CLI form reserves.
func checkCredential(what, v string) error {
	if v == "" {
		return fmt.Errorf("empty %s", what)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return fmt.Errorf("%s has a character outside printable ASCII", what)
		}
	}
	return nil
}

func parseScopeList(list string) ([]string, error) {
	var scopes []string
	for sc := range strings.SplitSeq(list, ",") {
		if !validScopeToken(sc) {
			return nil, fmt.Errorf("scope %q is empty or has a character RFC 6749 §3.3 forbids", sc)
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	return scopes, nil
}

// validScopeToken reports whether s is an RFC 6749 §3.3 scope-token:
// one or more NQCHAR (%x21 / %x23-5B / %x5D-7E).
func validScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
