package sol013

import (
	"errors"
	"fmt"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/notify"
)

// Callback authentication types of SOL 013 §8.3.4.
const (
	AuthBasic             = "BASIC"
	AuthOAuth2Credentials = "OAUTH2_CLIENT_CREDENTIALS"
)

// SubscriptionAuthentication is SOL 013 §8.3.4: how the API producer
// authenticates to a subscriber's callback. Every interface's subscription
// request carries it.
type SubscriptionAuthentication struct {
	AuthType                      []string                       `json:"authType"`
	ParamsBasic                   *ParamsBasic                   `json:"paramsBasic,omitempty"`
	ParamsOauth2ClientCredentials *ParamsOauth2ClientCredentials `json:"paramsOauth2ClientCredentials,omitempty"`
}

// ParamsBasic are HTTP Basic credentials for the callback.
type ParamsBasic struct {
	UserName string `json:"userName,omitempty"`
	Password string `json:"password,omitempty"`
}

// ParamsOauth2ClientCredentials obtain a token for the callback.
type ParamsOauth2ClientCredentials struct {
	ClientID       string `json:"clientId,omitempty"`
	ClientPassword string `json:"clientPassword,omitempty"`
	TokenEndpoint  string `json:"tokenEndpoint,omitempty"`
}

// Validate reports every problem, each under path.
func (a *SubscriptionAuthentication) Validate(path string) error {
	var errs []error
	if len(a.AuthType) == 0 {
		errs = append(errs, fmt.Errorf("%s.authType is required", path))
	}
	for _, t := range a.AuthType {
		switch t {
		case AuthBasic:
			if a.ParamsBasic == nil {
				errs = append(errs, fmt.Errorf("%s.paramsBasic is required for BASIC", path))
			}
		case AuthOAuth2Credentials:
			if a.ParamsOauth2ClientCredentials == nil {
				errs = append(errs, fmt.Errorf("%s.paramsOauth2ClientCredentials is required for OAUTH2_CLIENT_CREDENTIALS", path))
			}
		default:
			errs = append(errs, fmt.Errorf("%s.authType: %q is not supported (BASIC, OAUTH2_CLIENT_CREDENTIALS)", path, t))
		}
	}
	return errors.Join(errs...)
}

// Notify converts the wire form to the delivery's, keeping only the
// parameters of the types authType names. A nil a gives nil.
func (a *SubscriptionAuthentication) Notify() *notify.Authentication {
	if a == nil {
		return nil
	}
	out := &notify.Authentication{}
	if b := a.ParamsBasic; b != nil && slices.Contains(a.AuthType, AuthBasic) {
		out.Basic = &notify.BasicAuth{UserName: b.UserName, Password: b.Password}
	}
	if o := a.ParamsOauth2ClientCredentials; o != nil && slices.Contains(a.AuthType, AuthOAuth2Credentials) {
		out.OAuth2 = &notify.OAuth2ClientCredentials{ClientID: o.ClientID,
			ClientPassword: o.ClientPassword, TokenEndpoint: o.TokenEndpoint}
	}
	return out
}
