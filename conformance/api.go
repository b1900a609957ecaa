package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// api describes one SOL interface as served, for the SOL 013 checks that
// every interface must pass, and keeps what the run observed of it.
type api struct {
	name  string
	major int
	srv   *server
	// schemaDirs are the ETSI schema folders of the interface, e.g. the
	// SOL 005 and SOL 003 folders of VNF package management; a body must
	// be valid against the schema of that name in each folder that has one.
	schemaDirs []string
	schemas    *etsischema.Set
	// resources is the URL tree, paths relative to the version prefix with
	// {variables}. The first must be a list without variables: the checks
	// of Accept and of tokens read it.
	resources []resource
	// listSchema names the schema of the body of GET on resources[0].
	listSchema string
	// vars gives values to the variables of path, a resource of the
	// tree, creating whatever they must name.
	vars func(ctx context.Context, path string) (map[string]string, error)
	// create is a request that consumes a JSON body, and a valid body for
	// it, for the checks of bad bodies.
	create bodyTarget

	mu sync.Mutex
	// noVersion counts responses without a Version header, by exchange.
	noVersion map[string]int
	responses int
	// created holds the paths of resources the run created and has not
	// yet seen deleted.
	created map[string]bool
	limited *limitedToken
}

// resource is one resource of the URL tree and the methods it allows.
type resource struct {
	path    string
	methods []string
}

// bodyTarget is a request that takes a JSON body.
type bodyTarget struct {
	method string
	path   string
	// body returns a valid body whose encoding, padded, stays valid.
	body func(pad string) []byte
}

type limitedToken struct {
	once   sync.Once
	token  string
	scopes string
	err    error
}

func newAPI(a *api) *api {
	a.noVersion = map[string]int{}
	a.created = map[string]bool{}
	a.limited = &limitedToken{}
	a.srv.register(a)
	return a
}

// prefix is the URI prefix of the served major version, e.g. /vnfpkgm/v1.
func (a *api) prefix() string { return fmt.Sprintf("/%s/v%d", a.name, a.major) }

// client is the server's client, carrying the run's full token.
func (a *api) client() *check.Client { return a.srv.client }

// schema returns the schema called name from each of the API's folders
// that has it, failing if none does.
func (a *api) schema(name string) ([]check.Validator, error) {
	var out []check.Validator
	for _, dir := range a.schemaDirs {
		s, err := a.schemas.Schema(dir + "/" + name)
		if errors.Is(err, etsischema.ErrUnavailable) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no ETSI schema %s in %s", name, strings.Join(a.schemaDirs, ", "))
	}
	return out, nil
}

// problem checks r is a ProblemDetails with status, valid against the
// API's ProblemDetails schemas.
func (a *api) problem(r *check.Response, status int) error {
	schemas, err := a.schema("ProblemDetails")
	if err != nil {
		return err
	}
	if _, err := r.ExpectProblem(status, nil); err != nil {
		return err
	}
	return r.ExpectValid(schemas...)
}

// observe notes the Version header of every response and what the run
// creates and deletes.
func (a *api) observe(r *check.Response) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.responses++
	if r.Header.Get("Version") == "" {
		a.noVersion[fmt.Sprintf("%s %s -> %d", r.Method, r.URL.Path, r.Status)]++
	}
	switch {
	case r.Status == http.StatusCreated:
		if loc, err := url.Parse(r.Header.Get("Location")); err == nil && loc.Path != "" {
			a.created[r.URL.ResolveReference(loc).Path] = true
		}
	case r.Method == http.MethodDelete && (r.Status == http.StatusNoContent || r.Status == http.StatusNotFound):
		delete(a.created, r.URL.Path)
	}
}

// leftovers lists the created resources not yet deleted.
func (a *api) leftovers() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.created))
	for p := range a.created {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// expand replaces the {variables} of path with vars. A value may be a
// path itself (an artifact's): its segments are escaped one by one.
func expand(path string, vars map[string]string) (string, error) {
	out := path
	for k, v := range vars {
		segs := strings.Split(v, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		out = strings.ReplaceAll(out, "{"+k+"}", strings.Join(segs, "/"))
	}
	if strings.ContainsAny(out, "{}") {
		return "", fmt.Errorf("no value for a variable of %s", path)
	}
	return out, nil
}

// limitedClient returns a client whose token lacks the API's write scope:
// --limited-token, or a token for --limited-client-id, or one for
// --client-id asking only for the API's read-only scope.
func (a *api) limitedClient(ctx context.Context) (*check.Client, string, error) {
	cfg := a.srv.cfg
	l := a.limited
	l.once.Do(func() {
		readOnly := fmt.Sprintf("%s:v%d:readonly", a.name, a.major)
		var tr check.TokenResponse
		switch {
		case cfg.LimitedToken != "":
			l.token = cfg.LimitedToken
		case cfg.LimitedID != "":
			tr, l.err = a.client().FetchToken(ctx, cfg.LimitedID, cfg.LimitedSecret)
			l.token, l.scopes = tr.AccessToken, tr.Scope
		case cfg.ClientID != "":
			tr, l.err = a.client().FetchToken(ctx, cfg.ClientID, cfg.ClientSecret, readOnly)
			l.token, l.scopes = tr.AccessToken, tr.Scope
		default:
			l.err = check.Skipf("no --limited-token, --limited-client-id or --client-id given")
		}
	})
	if l.err != nil {
		return nil, "", l.err
	}
	return a.client().WithToken(l.token), l.scopes, nil
}
