package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
)

// Subscription is a subscriber's request to be told of the events of one
// API that its filter selects.
type Subscription struct {
	ID string `json:"id"`
	// API names the interface subscribed to (e.g. "vnfpkgm", "vnflcm");
	// subscriptions of one API never see another's notifications.
	API string `json:"api"`
	// CallbackURI is where notifications are POSTed.
	CallbackURI string `json:"callbackUri"`
	// Filter is the API's subscription filter as the subscriber sent it;
	// this package keeps it and compares it, the API interprets it.
	Filter json.RawMessage `json:"filter,omitempty"`
	// NotificationTypes are the notification types wanted; empty means all.
	NotificationTypes []string `json:"notificationTypes,omitempty"`
	// Authentication is how to authenticate to the callback; nil: not at
	// all. It holds secrets.
	Authentication *Authentication `json:"authentication,omitempty"`
}

// Authentication is the callback's authentication, SOL 013's
// SubscriptionAuthentication: at most one of its members is set.
type Authentication struct {
	Basic  *BasicAuth               `json:"paramsBasic,omitempty"`
	OAuth2 *OAuth2ClientCredentials `json:"paramsOauth2ClientCredentials,omitempty"`
}

// BasicAuth is HTTP Basic authentication (SOL 013 BASIC).
type BasicAuth struct {
	UserName string `json:"userName"`
	Password string `json:"password,omitempty"`
}

// OAuth2ClientCredentials is a Bearer token obtained from TokenEndpoint
// with the client credentials grant (SOL 013 OAUTH2_CLIENT_CREDENTIALS).
type OAuth2ClientCredentials struct {
	ClientID       string `json:"clientId"`
	ClientPassword string `json:"clientPassword,omitempty"`
	TokenEndpoint  string `json:"tokenEndpoint"`
}

// Redacted returns a copy of s whose authentication keeps its kind and
// user or client name but not its password.
func (s Subscription) Redacted() Subscription {
	if a := s.Authentication; a != nil {
		r := &Authentication{}
		if a.Basic != nil {
			r.Basic = &BasicAuth{UserName: a.Basic.UserName}
		}
		if a.OAuth2 != nil {
			r.OAuth2 = &OAuth2ClientCredentials{ClientID: a.OAuth2.ClientID, TokenEndpoint: a.OAuth2.TokenEndpoint}
		}
		s.Authentication = r
	}
	s.Filter = slices.Clone(s.Filter)
	s.NotificationTypes = slices.Clone(s.NotificationTypes)
	return s
}

// String describes s without its secrets.
func (s Subscription) String() string {
	return fmt.Sprintf("subscription %s (%s) to %s, auth %s", s.ID, s.API, redactURL(s.CallbackURI), s.Authentication.kind())
}

// GoString keeps %#v from printing secrets.
func (s Subscription) GoString() string { return s.String() }

// LogValue makes slog print s without its secrets.
func (s Subscription) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", s.ID),
		slog.String("api", s.API),
		slog.String("callbackUri", redactURL(s.CallbackURI)),
		slog.String("auth", s.Authentication.kind()),
	)
}

// kind names the authentication in SOL 013's words.
func (a *Authentication) kind() string {
	switch {
	case a == nil:
		return "none"
	case a.Basic != nil:
		return "BASIC"
	case a.OAuth2 != nil:
		return "OAUTH2_CLIENT_CREDENTIALS"
	}
	return "none"
}

// Validate reports every problem of s that would make it unusable.
func (s Subscription) Validate() error {
	var errs []error
	if s.API == "" {
		errs = append(errs, errors.New("api: empty"))
	}
	if err := checkCallbackURI(s.CallbackURI); err != nil {
		errs = append(errs, fmt.Errorf("callbackUri: %w", err))
	}
	if len(s.Filter) > 0 && !json.Valid(s.Filter) {
		errs = append(errs, errors.New("filter: not JSON"))
	}
	if a := s.Authentication; a != nil {
		errs = append(errs, a.validate()...)
	}
	return errors.Join(errs...)
}

func (a *Authentication) validate() []error {
	var errs []error
	if a.Basic != nil && a.OAuth2 != nil {
		errs = append(errs, errors.New("authentication: both paramsBasic and paramsOauth2ClientCredentials"))
	}
	if b := a.Basic; b != nil && b.UserName == "" {
		errs = append(errs, errors.New("authentication/paramsBasic/userName: empty"))
	}
	if o := a.OAuth2; o != nil {
		if o.ClientID == "" || o.ClientPassword == "" {
			errs = append(errs, errors.New("authentication/paramsOauth2ClientCredentials: clientId and clientPassword are required"))
		}
		if err := checkCallbackURI(o.TokenEndpoint); err != nil {
			errs = append(errs, fmt.Errorf("authentication/paramsOauth2ClientCredentials/tokenEndpoint: %w", err))
		}
	}
	return errs
}

// checkCallbackURI accepts absolute http and https URLs with a host.
func checkCallbackURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("not an absolute http or https URL")
	}
	return nil
}

// redactURL drops the user information and the query of a URL, either of
// which may hold a secret.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "[unparsable URL]"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// sameTarget reports whether a and b are duplicates in SOL 013's sense:
// same API, callback URI, filter and notification types. Filters compare
// as JSON values, so key order and spacing do not matter.
func sameTarget(a, b Subscription) bool {
	if a.API != b.API || a.CallbackURI != b.CallbackURI {
		return false
	}
	if !slices.Equal(sortedSet(a.NotificationTypes), sortedSet(b.NotificationTypes)) {
		return false
	}
	return bytes.Equal(canonicalJSON(a.Filter), canonicalJSON(b.Filter))
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// canonicalJSON re-encodes raw with object keys sorted; an absent, null or
// empty-object filter all mean "no filter".
func canonicalJSON(raw json.RawMessage) []byte {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return raw
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 || v == nil {
		return nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return out
}
