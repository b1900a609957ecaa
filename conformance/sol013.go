package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// methods are the HTTP methods SOL interfaces use; the 405 matrix tries
// each on every resource.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// maxBody is the request body size SOL 013 servers here must accept; one
// byte more is 413.
const maxBody = 1 << 20

// sol013Checks are the checks every interface must pass (SOL 013 §4-§9),
// built from its description. The Version header check comes last, in
// [versionCheck], after every other check has made its requests.
func sol013Checks(a *api) []check.Check {
	cs := []check.Check{
		{Name: "GET /" + a.name + "/api_versions: 200, ApiVersionInformation", Run: a.checkAPIVersions(false)},
		{Name: "GET " + a.prefix() + "/api_versions: 200, ApiVersionInformation", Run: a.checkAPIVersions(true)},
		{Name: "unknown path: 404 ProblemDetails", Run: a.checkNotFound},
	}
	get := []string{http.MethodGet}
	cs = append(cs,
		check.Check{Name: "405 matrix of /" + a.name + "/api_versions (allows GET)",
			Run: a.checkMethodMatrix(resource{path: "/" + a.name + "/api_versions", methods: get}, "")},
		check.Check{Name: "405 matrix of " + a.prefix() + "/api_versions (allows GET)",
			Run: a.checkMethodMatrix(resource{path: "/api_versions", methods: get}, a.prefix())})
	for _, r := range a.resources {
		cs = append(cs, check.Check{Name: "405 matrix of " + r.path + " (allows " + strings.Join(r.methods, ", ") + ")",
			Run: a.checkMethodMatrix(r, a.prefix())})
	}
	return append(cs,
		check.Check{Name: "406 for an Accept the resource cannot produce", Run: a.checkNotAcceptable},
		check.Check{Name: "415 for a wrong Content-Type", Run: a.checkBadBody("text/plain", nil, http.StatusUnsupportedMediaType)},
		check.Check{Name: "400 for malformed JSON", Run: a.checkBadBody(check.JSON, []byte(`{"userDefinedData": {`), http.StatusBadRequest)},
		check.Check{Name: "400 for an unknown attribute in the body", Run: a.checkBadBody(check.JSON, []byte(`{"noSuchAttribute": 1}`), http.StatusBadRequest)},
		check.Check{Name: "413 for a body over 1 MiB", Run: a.checkTooLarge},
		check.Check{Name: "401 without a token, with WWW-Authenticate", Run: a.checkNoToken},
		check.Check{Name: "401 with an invalid token", Run: a.checkBadToken},
		check.Check{Name: "403 for a token lacking the write scope; read-only scope may read", Run: a.checkScope},
		check.Check{Name: "an OpenStack X-Auth-Token header is ignored", Run: a.checkXAuthToken},
	)
}

// versionCheck checks that every response the run received from the API
// carried a Version header.
func versionCheck(a *api) check.Check {
	return check.Check{Name: "Version header on every response", Run: func(context.Context) error {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.responses == 0 {
			return errors.New("no response was observed")
		}
		if len(a.noVersion) == 0 {
			return nil
		}
		var lines []string
		for k, n := range a.noVersion {
			lines = append(lines, fmt.Sprintf("%s (%d times)", k, n))
		}
		sort.Strings(lines)
		return fmt.Errorf("%d distinct exchanges of %d responses had no Version header:\n%s",
			len(lines), a.responses, strings.Join(lines, "\n"))
	}}
}

// apiVersions is ApiVersionInformation as far as the checks read it.
type apiVersions struct {
	URIPrefix   string       `json:"uriPrefix"`
	APIVersions []apiVersion `json:"apiVersions"`
}

type apiVersion struct {
	Version string `json:"version"`
}

func (a *api) checkAPIVersions(versioned bool) func(context.Context) error {
	return func(ctx context.Context) error {
		path := "/" + a.name + "/api_versions"
		if versioned {
			path = a.prefix() + "/api_versions"
		}
		schemas, err := a.schema("ApiVersionInformation")
		if err != nil {
			return err
		}
		r, err := a.client().Get(ctx, path)
		if err != nil {
			return err
		}
		var info apiVersions
		if err := r.ExpectJSON(http.StatusOK, &info, schemas...); err != nil {
			return err
		}
		return a.checkVersionInfo(r, info, versioned)
	}
}

func (a *api) checkVersionInfo(r *check.Response, info apiVersions, versioned bool) error {
	var errs []error
	want := fmt.Sprintf("/%s/v%d", a.name, a.major)
	prefix := strings.TrimSuffix(info.URIPrefix, "/")
	if !strings.HasSuffix(prefix, want) && (versioned || !strings.HasSuffix(prefix, "/"+a.name)) {
		errs = append(errs, fmt.Errorf("uriPrefix %q does not end in %s", info.URIPrefix, want))
	}
	major := fmt.Sprintf("%d.", a.major)
	found := false
	for _, v := range info.APIVersions {
		found = found || strings.HasPrefix(v.Version, major)
	}
	if !found {
		errs = append(errs, fmt.Errorf("apiVersions lists no version %s*", major))
	}
	if v := r.Header.Get("Version"); v != "" && !slices.Contains(info.APIVersions, apiVersion{v}) {
		errs = append(errs, fmt.Errorf("Version header %q is not among apiVersions", v))
	}
	return errors.Join(errs...)
}

func (a *api) checkNotFound(ctx context.Context) error {
	r, err := a.client().Get(ctx, a.prefix()+"/no_such_resource")
	if err != nil {
		return err
	}
	return a.problem(r, http.StatusNotFound)
}

// checkMethodMatrix sends every method the resource below base does not
// allow and expects 405 with an Allow header naming exactly the allowed
// ones.
func (a *api) checkMethodMatrix(res resource, base string) func(context.Context) error {
	return func(ctx context.Context) error {
		var vars map[string]string
		if strings.Contains(res.path, "{") {
			var err error
			if vars, err = a.vars(ctx, res.path); err != nil {
				return fmt.Errorf("set up: %w", err)
			}
		}
		path, err := expand(base+res.path, vars)
		if err != nil {
			return err
		}
		var errs []error
		for _, m := range methods {
			if slices.Contains(res.methods, m) {
				continue
			}
			errs = append(errs, a.expect405(ctx, m, path, res.methods))
		}
		return errors.Join(errs...)
	}
}

func (a *api) expect405(ctx context.Context, method, path string, allowed []string) error {
	req := check.Request{Method: method, Path: path}
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		req.Body, req.ContentType = []byte(`{}`), check.JSON
	}
	r, err := a.client().Do(ctx, req)
	if err != nil {
		return err
	}
	if err := a.problem(r, http.StatusMethodNotAllowed); err != nil {
		return err
	}
	allow, err := r.ExpectHeader("Allow")
	if err != nil {
		return err
	}
	var got []string
	for _, m := range strings.Split(allow, ",") {
		if m = strings.TrimSpace(m); m != "" && m != http.MethodHead && m != http.MethodOptions {
			got = append(got, m)
		}
	}
	want := slices.Clone(allowed)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s: Allow %q, want %s", r, allow, strings.Join(allowed, ", "))
	}
	return nil
}

func (a *api) checkNotAcceptable(ctx context.Context) error {
	res := a.resources[0]
	path, err := expand(a.prefix()+res.path, nil)
	if err != nil {
		return err
	}
	r, err := a.client().Do(ctx, check.Request{Method: http.MethodGet, Path: path,
		Header: http.Header{"Accept": {"application/xml"}}})
	if err != nil {
		return err
	}
	return a.problem(r, http.StatusNotAcceptable)
}

// checkBadBody sends body (default: the valid one) with contentType to the
// API's create request and expects status; nothing may be created.
func (a *api) checkBadBody(contentType string, body []byte, status int) func(context.Context) error {
	return func(ctx context.Context) error {
		if body == nil {
			body = a.create.body("")
		}
		r, err := a.client().Do(ctx, check.Request{Method: a.create.method, Path: a.prefix() + a.create.path,
			Body: body, ContentType: contentType})
		if err != nil {
			return err
		}
		return a.problem(r, status)
	}
}

// checkTooLarge sends a valid body padded past 1 MiB.
func (a *api) checkTooLarge(ctx context.Context) error {
	body := a.create.body(strings.Repeat("x", maxBody))
	if !json.Valid(body) || len(body) <= maxBody {
		return fmt.Errorf("test body of %d bytes is not the padded JSON intended", len(body))
	}
	r, err := a.client().Do(ctx, check.Request{Method: a.create.method, Path: a.prefix() + a.create.path,
		Body: body, ContentType: check.JSON})
	if err != nil {
		return err
	}
	return a.problem(r, http.StatusRequestEntityTooLarge)
}

func (a *api) checkNoToken(ctx context.Context) error {
	if !a.srv.cfg.authenticated() {
		return check.Skipf("no credentials given: servers are taken to run with --auth none")
	}
	r, err := a.client().Do(ctx, check.Request{Method: http.MethodGet, Path: a.prefix() + a.resources[0].path, NoAuth: true})
	if err != nil {
		return err
	}
	return a.expectChallenge(r, http.StatusUnauthorized, "")
}

func (a *api) checkBadToken(ctx context.Context) error {
	if !a.srv.cfg.authenticated() {
		return check.Skipf("no credentials given: servers are taken to run with --auth none")
	}
	r, err := a.client().WithToken("not.a-valid.token").Get(ctx, a.prefix()+a.resources[0].path)
	if err != nil {
		return err
	}
	return a.expectChallenge(r, http.StatusUnauthorized, `error="invalid_token"`)
}

// checkScope sends the create request with a token lacking the write
// scope (403), and, when that token holds the read-only scope, reads
// with it (200).
func (a *api) checkScope(ctx context.Context) error {
	c, scopes, err := a.limitedClient(ctx)
	if err != nil {
		return err
	}
	r, err := c.Do(ctx, check.Request{Method: a.create.method, Path: a.prefix() + a.create.path,
		Body: a.create.body(""), ContentType: check.JSON})
	if err != nil {
		return err
	}
	errs := []error{a.expectChallenge(r, http.StatusForbidden, `error="insufficient_scope"`)}
	if slices.Contains(strings.Fields(scopes), fmt.Sprintf("%s:v%d:readonly", a.name, a.major)) {
		errs = append(errs, a.readWith(ctx, c))
	}
	return errors.Join(errs...)
}

// checkXAuthToken reads with the header OpenStack clients such as
// python-tackerclient add to every request; it must change nothing.
func (a *api) checkXAuthToken(ctx context.Context) error {
	schemas, err := a.schema(a.listSchema)
	if err != nil {
		return err
	}
	r, err := a.client().Do(ctx, check.Request{Method: http.MethodGet, Path: a.prefix() + a.resources[0].path,
		Header: http.Header{"X-Auth-Token": {"gAAAAABkeystone-token"}}})
	if err != nil {
		return err
	}
	return r.ExpectJSON(http.StatusOK, nil, schemas...)
}

// readWith reads the API's first resource with c, expecting 200 and a
// valid body.
func (a *api) readWith(ctx context.Context, c *check.Client) error {
	schemas, err := a.schema(a.listSchema)
	if err != nil {
		return err
	}
	r, err := c.Get(ctx, a.prefix()+a.resources[0].path)
	if err != nil {
		return err
	}
	return r.ExpectJSON(http.StatusOK, nil, schemas...)
}

// expectChallenge checks a 401 or 403 ProblemDetails with a Bearer
// challenge that contains want.
func (a *api) expectChallenge(r *check.Response, status int, want string) error {
	if err := a.problem(r, status); err != nil {
		return err
	}
	ch, err := r.ExpectHeader("WWW-Authenticate")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(strings.ToLower(ch), "bearer") || !strings.Contains(ch, want) {
		return fmt.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge with %s", r, ch, want)
	}
	return nil
}

// sameJSON reports whether two JSON values are equal.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
