package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// TokenPath is where the Cadenza servers' authorization server issues
// tokens.
const TokenPath = "/oauth2/token"

// TokenResponse is the successful answer of a token endpoint (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// FetchToken gets an access token from the server's token endpoint with the
// client credentials grant, authenticating by HTTP Basic. scopes, if any,
// are requested; otherwise the client's own apply.
func (c *Client) FetchToken(ctx context.Context, id, secret string, scopes ...string) (TokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	u, err := c.Base.Parse(c.Base.Path + TokenPath)
	if err != nil {
		return TokenResponse{}, fmt.Errorf("fetch token: %w", err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return TokenResponse{}, fmt.Errorf("fetch token: %w", err)
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Accept", "application/json")
	hr.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	res, err := c.send(hr)
	if err != nil {
		return TokenResponse{}, fmt.Errorf("fetch token: %w", err)
	}
	if res.Status != http.StatusOK {
		return TokenResponse{}, fmt.Errorf("fetch token as client %q: %s: %.300s", id, res, res.Body)
	}
	var tr TokenResponse
	if err := json.Unmarshal(res.Body, &tr); err != nil {
		return TokenResponse{}, fmt.Errorf("fetch token: decode answer: %w", err)
	}
	if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "bearer") {
		return TokenResponse{}, fmt.Errorf("fetch token: answer has no bearer access_token (token_type %q)", tr.TokenType)
	}
	return tr, nil
}
