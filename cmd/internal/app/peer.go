package app

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

// PeerClient is the HTTP client one MANO server calls another with (the VNFM
// the NFVO, the NFVO the VNFM): with OAuth 2.0 client credentials ID:SECRET
// from flag, taking tokens from tokenURL or else from root's token endpoint;
// without credentials, plain. Errors name flag.
func PeerClient(flag, credentials, root, tokenURL string) (*http.Client, error) {
	if credentials == "" {
		return http.DefaultClient, nil
	}
	id, secret, ok := strings.Cut(credentials, ":")
	if !ok || id == "" || secret == "" {
		return nil, fmt.Errorf("--%s: want ID:SECRET", flag)
	}
	if tokenURL == "" {
		tokenURL = strings.TrimSuffix(root, "/") + auth.TokenPath
	}
	ts, err := auth.NewTokenSource(auth.ClientCredentials{TokenURL: tokenURL, ClientID: id, ClientSecret: secret})
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	return &http.Client{Transport: &auth.Transport{Source: ts}}, nil
}
