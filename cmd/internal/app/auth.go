package app

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/server"
)

// Audience is the aud claim of the built-in servers' tokens and what both
// binaries demand, so one token can serve the NFVO and the VNFM when they
// trust each other's issuer.
const Audience = "cadenza"

// setupAuth starts the built-in authorization server at /oauth2/token and
// /oauth2/jwks, and the validator that trusts it (and the external issuer,
// if one is configured). With --auth none nothing is checked.
func (a *App) setupAuth(spec Spec, addr string) error {
	if a.Opts.Auth == server.AuthNone {
		a.Log.Warn("API authorisation is OFF (--auth none): every request is admitted")
		return nil
	}
	keys, err := auth.LoadKeySet(a.Opts.DataDir)
	if err != nil {
		return err
	}
	var clients []auth.Client
	for _, s := range a.Opts.OAuthClients {
		c, err := auth.ParseClient(s)
		if err != nil {
			return fmt.Errorf("--oauth-client: %w", err)
		}
		clients = append(clients, c)
	}
	issuer := "http://" + addr
	as, err := auth.NewServer(auth.ServerOptions{Issuer: issuer, Audience: []string{Audience},
		Clients: clients, Scopes: spec.Scopes, Keys: keys})
	if err != nil {
		return err
	}
	a.Engine.Any(auth.TokenPath, gin.WrapH(as))
	a.Engine.Any(auth.JWKSPath, gin.WrapH(as))
	trusted := []auth.TrustedIssuer{{Issuer: issuer, Keys: keys}}
	if a.Opts.OAuthIssuer != "" {
		trusted = append(trusted, auth.TrustedIssuer{Issuer: a.Opts.OAuthIssuer, JWKSURL: a.Opts.OAuthJWKS})
	}
	v, err := auth.NewValidator(auth.ValidatorOptions{Audience: Audience, Issuers: trusted})
	if err != nil {
		return err
	}
	a.Auth = v
	a.Log.Info("OAuth 2.0 enabled", "issuer", issuer, "clients", len(clients), "external_issuer", a.Opts.OAuthIssuer)
	return nil
}
