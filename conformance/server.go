package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// server is one of the MANO servers under test.
type server struct {
	name   string
	cfg    *config
	client *check.Client
	// problem is the ProblemDetails schema for answers outside any API.
	problem check.Validator
	// callbacks receives the notifications of the run's subscriptions.
	callbacks *callbacks

	mu   sync.Mutex
	apis []*api
}

func newServer(name, base string, cfg *config, problem check.Validator, cbs *callbacks) (*server, error) {
	c, err := check.NewClient(base, cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", name, err)
	}
	s := &server{name: name, cfg: cfg, client: c, problem: problem, callbacks: cbs}
	c.ObserveFunc = s.observe
	return s, nil
}

// observe hands every response to the API version whose path it is
// under; the versions of an API share its api_versions.
func (s *server) observe(r *check.Response) {
	s.mu.Lock()
	apis := s.apis
	s.mu.Unlock()
	for _, a := range apis {
		if strings.HasPrefix(r.URL.Path, a.prefix()+"/") || r.URL.Path == "/"+a.name+"/api_versions" {
			a.observe(r)
		}
	}
}

func (s *server) register(a *api) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apis = append(s.apis, a)
}

// suite checks what every server offers besides its APIs: health,
// metrics, and the token endpoint, which it uses to get the run's token.
func (s *server) suite() check.Suite {
	return check.Suite{API: s.name, Checks: []check.Check{
		{Name: "POST /oauth2/token: client credentials grant issues a bearer token", Run: s.checkToken},
		{Name: "POST /oauth2/token: a wrong secret is refused (401 invalid_client)", Run: s.checkBadClient},
		{Name: "GET /healthz: 200", Run: s.probe("/healthz")},
		{Name: "GET /readyz: 200", Run: s.probe("/readyz")},
		{Name: "GET /metrics: Prometheus text with per-route request counts", Run: s.checkMetrics},
		{Name: "unknown path outside any API: 404 ProblemDetails", Run: s.checkNotFound},
	}}
}

func (s *server) checkNotFound(ctx context.Context) error {
	r, err := s.client.Get(ctx, "/no_such_api/v1/no_such_resource")
	if err != nil {
		return err
	}
	_, err = r.ExpectProblem(http.StatusNotFound, s.problem)
	return err
}

func (s *server) checkToken(ctx context.Context) error {
	if s.cfg.ClientID == "" {
		return check.Skipf("no --client-id given")
	}
	tr, err := s.client.FetchToken(ctx, s.cfg.ClientID, s.cfg.ClientSecret)
	if err != nil {
		return err
	}
	if tr.ExpiresIn <= 0 {
		return fmt.Errorf("token answer has expires_in %d, want a positive lifetime", tr.ExpiresIn)
	}
	s.client.Token = tr.AccessToken
	return nil
}

func (s *server) checkBadClient(ctx context.Context) error {
	if s.cfg.ClientID == "" {
		return check.Skipf("no --client-id given")
	}
	_, err := s.client.FetchToken(ctx, s.cfg.ClientID, s.cfg.ClientSecret+"-wrong")
	if err == nil {
		return errors.New("a token was issued for a wrong client secret")
	}
	if !strings.Contains(err.Error(), "-> 401") || !strings.Contains(err.Error(), "invalid_client") {
		return fmt.Errorf("want 401 with error invalid_client: %w", err)
	}
	return nil
}

func (s *server) probe(path string) func(context.Context) error {
	return func(ctx context.Context) error {
		r, err := s.client.Do(ctx, check.Request{Method: http.MethodGet, Path: path, NoAuth: true})
		if err != nil {
			return err
		}
		return r.ExpectStatus(http.StatusOK)
	}
}

func (s *server) checkMetrics(ctx context.Context) error {
	r, err := s.client.Do(ctx, check.Request{Method: http.MethodGet, Path: "/metrics", NoAuth: true})
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusOK); err != nil {
		return err
	}
	if mt := r.MediaType(); mt != "text/plain" && !strings.HasPrefix(mt, "application/openmetrics-text") {
		return fmt.Errorf("%s: Content-Type %q, want Prometheus text", r, mt)
	}
	// The probes above went through the router, so a per-route counter of
	// /healthz must exist by now.
	if !strings.Contains(string(r.Body), "cadenza_http_requests_total{") ||
		!strings.Contains(string(r.Body), `"/healthz"`) {
		return fmt.Errorf("%s: no cadenza_http_requests_total series for route /healthz", r)
	}
	return nil
}
