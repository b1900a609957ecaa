package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// hostileCase is a package built to be refused, and what the failure
// detail must mention.
type hostileCase struct {
	name   string
	src    string
	opts   csartest.Options
	raw    []byte // sent as it is instead of a built package
	detail string
}

var hostileCases = []hostileCase{
	{name: "a zip entry ../ outside the package", src: manifestsSource, detail: "path",
		opts: csartest.Options{Mutate: func(f map[string][]byte) { f["../escape.txt"] = []byte("outside") }}},
	{name: "a file whose hash differs from the manifest's", src: manifestsSource, detail: "hash",
		opts: csartest.Options{AfterManifest: func(f map[string][]byte) { f["Files/kubernetes/service.yaml"] = []byte("tampered") }}},
	{name: "a zip entry with an absolute path", src: manifestsSource, detail: "path",
		opts: csartest.Options{Mutate: func(f map[string][]byte) { f["/tmp/escape.txt"] = []byte("outside") }}},
	{name: "bytes that are not a zip", raw: []byte("PK\x03\x04 this is not a zip at all"), detail: "zip"},
}

func (p *vnfpkgm) uploadChecks() []check.Check {
	cs := []check.Check{
		{Name: "GET package_content, vnfd, manifest of a CREATED package: 409 ProblemDetails", Run: p.checkContentOfCreated},
		{Name: "PUT package_content as text/plain: 415 ProblemDetails, the package stays CREATED", Run: p.checkUploadMediaType},
		{Name: "PUT package_content of an ONBOARDED package: 409 ProblemDetails, it stays ONBOARDED", Run: p.checkUploadTwice},
		{Name: "two PUT package_content at once to one CREATED package: one 202, one 409", Run: p.checkUploadRace},
		{Name: "PATCH operationalState of an ONBOARDED package: ENABLED 200, DELETE then 409, DISABLED 200", Run: p.checkEnable},
		{Name: "DELETE an ONBOARDED package: 204; its vnfdId then reads 404 and onboards again", Run: p.checkDeleteOnboarded},
		{Name: "POST upload_from_uri with Basic credentials: 202, fetched from the run's server, ONBOARDED", Run: p.checkUploadFromURI},
		{Name: "POST upload_from_uri with a wrong password: 202, ERROR saying 401, the password nowhere", Run: p.checkUploadFromURIRefused},
		{Name: "POST upload_from_uri of a file: URI: 400; of an ONBOARDED package: 409", Run: p.checkUploadFromURIBad},
	}
	for _, hc := range hostileCases {
		cs = append(cs, check.Check{Name: "hostile upload, " + hc.name + ": ERROR with onboardingFailureDetails, server unharmed",
			Run: p.checkHostile(hc)})
	}
	return cs
}

func (p *vnfpkgm) checkContentOfCreated(ctx context.Context) error {
	pkg, err := p.subjectPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	var errs []error
	for _, sub := range []string{"/package_content", "/vnfd", "/manifest"} {
		r, err := p.client().Get(ctx, p.path(pkg.ID)+sub)
		if err == nil {
			err = p.problem(r, http.StatusConflict)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (p *vnfpkgm) checkUploadMediaType(ctx context.Context) error {
	pkg, err := p.create(ctx, map[string]any{"set": "media-type"})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodPut, Path: p.path(pkg.ID) + "/package_content",
		Body: []byte("not a package"), ContentType: plainText})
	if err != nil {
		return err
	}
	errs := []error{p.problem(r, http.StatusUnsupportedMediaType)}
	got, _, err := p.get(ctx, pkg.ID)
	if err == nil && got.OnboardingState != "CREATED" {
		err = fmt.Errorf("after the refused upload the package is %s, want CREATED", got.OnboardingState)
	}
	return errors.Join(append(errs, err)...)
}

func (p *vnfpkgm) checkUploadTwice(ctx context.Context) error {
	o, err := p.vmPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodPut, Path: p.path(o.info.ID) + "/package_content",
		Body: o.built.zip, ContentType: zipType})
	if err != nil {
		return err
	}
	errs := []error{p.problem(r, http.StatusConflict)}
	got, _, err := p.get(ctx, o.info.ID)
	if err == nil && got.OnboardingState != "ONBOARDED" {
		err = fmt.Errorf("after the refused upload the package is %s, want ONBOARDED", got.OnboardingState)
	}
	return errors.Join(append(errs, err)...)
}

// checkUploadRace sends two uploads of the same package at once: the
// state change from CREATED must let exactly one through.
func (p *vnfpkgm) checkUploadRace(ctx context.Context) error {
	built, err := buildPackage(p.srv.cfg.Sources, manifestsSource, csartest.Options{})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	pkg, err := p.create(ctx, map[string]any{"set": "upload-race"})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	var (
		wg       sync.WaitGroup
		statuses [2]int
		errs     [2]error
	)
	for i := range statuses {
		wg.Go(func() {
			r, err := p.client().Do(ctx, check.Request{Method: http.MethodPut, Path: p.path(pkg.ID) + "/package_content",
				Body: built.zip, ContentType: zipType})
			if err == nil {
				statuses[i] = r.Status
				if r.Status == http.StatusConflict {
					err = p.problem(r, http.StatusConflict)
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	got := []int{statuses[0], statuses[1]}
	slices.Sort(got)
	if !slices.Equal(got, []int{http.StatusAccepted, http.StatusConflict}) {
		return fmt.Errorf("statuses %v, want one 202 and one 409", got)
	}
	info, err := p.settle(ctx, pkg.ID)
	if err == nil && info.OnboardingState != "ONBOARDED" {
		err = fmt.Errorf("package %s ended %s: %s", info.ID, info.OnboardingState, info.OnboardingFailureDetails)
	}
	return err
}

// checkEnable enables the CNF package, which may then not be deleted,
// and disables it again so cleanup can delete it.
func (p *vnfpkgm) checkEnable(ctx context.Context) error {
	o, err := p.cnfPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	id := o.info.ID
	if err := p.setOperational(ctx, id, "ENABLED"); err != nil {
		return err
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: p.path(id)})
	if err == nil {
		err = p.problem(r, http.StatusConflict)
	}
	return errors.Join(err, p.setOperational(ctx, id, "DISABLED"))
}

// checkDeleteOnboarded deletes an onboarded package: SOL 003's view of it
// goes too, and its vnfdId is free for a new package.
func (p *vnfpkgm) checkDeleteOnboarded(ctx context.Context) error {
	first, err := p.onboard(ctx, helmSource, "delete-onboarded", rawZip)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: p.path(first.info.ID)})
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusNoContent); err != nil {
		return err
	}
	var errs []error
	byVNFD := p.roots(first)[1]
	for _, path := range []string{byVNFD, byVNFD + "/package_content", p.path(first.info.ID) + "/package_content"} {
		r, err := p.client().Get(ctx, path)
		if err == nil {
			err = p.problem(r, http.StatusNotFound)
		}
		errs = append(errs, err)
	}
	again, err := p.create(ctx, map[string]any{"set": "delete-onboarded"})
	if err == nil {
		err = p.upload(ctx, again.ID, zipType, first.built.zip)
	}
	if err == nil {
		again, err = p.settle(ctx, again.ID)
	}
	if err == nil && (again.OnboardingState != "ONBOARDED" || again.VnfdID != first.built.vnfdID) {
		err = fmt.Errorf("the same package onboarded again ended %s with vnfdId %q: %s",
			again.OnboardingState, again.VnfdID, again.OnboardingFailureDetails)
	}
	return errors.Join(append(errs, err)...)
}

// setOperational PATCHes package id's operationalState and checks the
// package then reads so.
func (p *vnfpkgm) setOperational(ctx context.Context, id, state string) error {
	r, err := p.patch(ctx, id, "", map[string]any{"operationalState": state})
	if err != nil {
		return err
	}
	schemas, err := p.schema("VnfPkgInfoModification")
	if err != nil {
		return err
	}
	if err := r.ExpectJSON(http.StatusOK, nil, schemas...); err != nil {
		return err
	}
	got, _, err := p.get(ctx, id)
	if err == nil && got.OperationalState != state {
		err = fmt.Errorf("after PATCH to %s the package is %s", state, got.OperationalState)
	}
	return err
}

func (p *vnfpkgm) checkUploadFromURI(ctx context.Context) error {
	built, err := buildPackage(p.srv.cfg.Sources, helmSource, csartest.Options{})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	files, err := startFileServer(p.srv.cfg.FileServer, built.zip)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	defer files.close()
	info, err := p.uploadFrom(ctx, files.url(), files.user, files.password)
	if err != nil {
		return err
	}
	if info.OnboardingState != "ONBOARDED" {
		return fmt.Errorf("package %s ended %s: %s (the server answered %d requests, refused %d)",
			info.ID, info.OnboardingState, info.OnboardingFailureDetails, files.count(true), files.count(false))
	}
	return p.fetchedRight(ctx, onboarded{built: built, info: info}, files)
}

// uploadFrom creates a package, asks the NFVO to fetch its content from
// uri with the credentials given, expects 202 without a body and waits
// for the onboarding to end.
func (p *vnfpkgm) uploadFrom(ctx context.Context, uri, user, password string) (pkgInfo, error) {
	pkg, err := p.create(ctx, map[string]any{"set": "upload-from-uri"})
	if err != nil {
		return pkg, fmt.Errorf("set up: %w", err)
	}
	r, err := p.postFromURI(ctx, pkg.ID, uri, user, password)
	if err != nil {
		return pkg, err
	}
	if err := r.ExpectStatus(http.StatusAccepted); err != nil {
		return pkg, err
	}
	if len(r.Body) != 0 {
		return pkg, fmt.Errorf("%s: 202 with a body", r)
	}
	return p.settle(ctx, pkg.ID)
}

// postFromURI sends an UploadVnfPkgFromUriRequest for package id.
func (p *vnfpkgm) postFromURI(ctx context.Context, id, uri, user, password string) (*check.Response, error) {
	req := map[string]string{"addressInformation": uri}
	if user != "" {
		req["userName"], req["password"] = user, password
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return p.client().Do(ctx, check.Request{Method: http.MethodPost, Path: p.path(id) + "/package_content/upload_from_uri",
		Body: body, ContentType: check.JSON})
}

// checkUploadFromURIRefused offers wrong credentials: the download fails
// for good, and nothing the NFVO answers may echo the password.
func (p *vnfpkgm) checkUploadFromURIRefused(ctx context.Context) error {
	files, err := startFileServer(p.srv.cfg.FileServer, []byte("never served"))
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	defer files.close()
	wrong := "wrong-" + randomHex(8)
	info, err := p.uploadFrom(ctx, files.url(), files.user, wrong)
	if err != nil {
		return err
	}
	errs := []error{p.failedFor(info, "401")}
	r, err := p.client().Get(ctx, p.path(info.ID))
	if err == nil && bytes.Contains(r.Body, []byte(wrong)) {
		err = fmt.Errorf("%s: VnfPkgInfo reveals the upload password", r)
	}
	if files.count(false) == 0 {
		errs = append(errs, errors.New("the NFVO never tried the run's server"))
	}
	return errors.Join(append(errs, err)...)
}

func (p *vnfpkgm) checkUploadFromURIBad(ctx context.Context) error {
	pkg, err := p.create(ctx, map[string]any{"set": "upload-from-uri"})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.postFromURI(ctx, pkg.ID, "file:///etc/passwd", "", "")
	if err == nil {
		err = p.problem(r, http.StatusBadRequest)
	}
	errs := []error{err}
	o, err := p.vmPkg(ctx)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("set up: %w", err))...)
	}
	r, err = p.postFromURI(ctx, o.info.ID, "http://127.0.0.1:9/package.zip", "", "")
	if err == nil {
		err = p.problem(r, http.StatusConflict)
	}
	return errors.Join(append(errs, err)...)
}

// fetchedRight checks a package onboarded from the run's file server.
func (p *vnfpkgm) fetchedRight(ctx context.Context, o onboarded, files *fileServer) error {
	errs := []error{describes(o.info, o.built)}
	if files.count(true) == 0 {
		errs = append(errs, errors.New("the NFVO never fetched the package with the credentials given"))
	}
	errs = append(errs, p.checkContent(ctx, o, p.path(o.info.ID)))
	r, err := p.client().Get(ctx, p.path(o.info.ID))
	if err == nil && bytes.Contains(r.Body, []byte(files.password)) {
		err = fmt.Errorf("%s: VnfPkgInfo reveals the upload password", r)
	}
	return errors.Join(append(errs, err)...)
}

// checkHostile uploads a package built to be refused: onboarding must end
// in ERROR with a ProblemDetails saying why, and the server must go on
// answering and let the package be deleted.
func (p *vnfpkgm) checkHostile(hc hostileCase) func(context.Context) error {
	return func(ctx context.Context) error {
		data := hc.raw
		if data == nil {
			built, err := buildPackage(p.srv.cfg.Sources, hc.src, hc.opts)
			if err != nil {
				return fmt.Errorf("set up: %w", err)
			}
			data = built.zip
		}
		pkg, err := p.create(ctx, map[string]any{"set": "hostile"})
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		if err := p.upload(ctx, pkg.ID, zipType, data); err != nil {
			return err
		}
		info, err := p.settle(ctx, pkg.ID)
		if err != nil {
			return err
		}
		errs := []error{p.failedFor(info, hc.detail), p.unharmed(ctx)}
		// Content exists only once ONBOARDED.
		r, err := p.client().Get(ctx, p.path(pkg.ID)+"/package_content")
		if err == nil {
			err = p.problem(r, http.StatusConflict)
		}
		errs = append(errs, err)
		r, err = p.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: p.path(pkg.ID)})
		if err == nil {
			err = r.ExpectStatus(http.StatusNoContent)
		}
		return errors.Join(append(errs, err)...)
	}
}

// failedFor checks that info is a package in ERROR whose
// onboardingFailureDetails is a ProblemDetails mentioning reason.
func (p *vnfpkgm) failedFor(info pkgInfo, reason string) error {
	if info.OnboardingState != "ERROR" {
		return fmt.Errorf("package %s is %s, want ERROR", info.ID, info.OnboardingState)
	}
	if len(info.OnboardingFailureDetails) == 0 {
		return fmt.Errorf("package %s is ERROR without onboardingFailureDetails", info.ID)
	}
	schemas, err := p.schema("ProblemDetails")
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range schemas {
		if err := s.Validate(info.OnboardingFailureDetails); err != nil {
			errs = append(errs, fmt.Errorf("onboardingFailureDetails: %w", err))
		}
	}
	var pd check.ProblemDetails
	if err := json.Unmarshal(info.OnboardingFailureDetails, &pd); err != nil {
		return errors.Join(append(errs, fmt.Errorf("onboardingFailureDetails: %w", err))...)
	}
	if !strings.Contains(strings.ToLower(pd.Detail), reason) {
		errs = append(errs, fmt.Errorf("onboardingFailureDetails.detail %q does not mention %q", pd.Detail, reason))
	}
	return errors.Join(errs...)
}

// unharmed checks that the server still answers.
func (p *vnfpkgm) unharmed(ctx context.Context) error {
	r, err := p.client().Get(ctx, p.prefix()+"/api_versions")
	if err != nil {
		return fmt.Errorf("server after the hostile upload: %w", err)
	}
	return r.ExpectStatus(http.StatusOK)
}

// fileServer serves one package over HTTP to credentials of its own, as a
// vendor's repository would, for upload_from_uri.
type fileServer struct {
	srv            *http.Server
	addr           string
	path           string
	user, password string
	data           []byte

	mu      sync.Mutex
	served  int
	refused int
}

// startFileServer listens on addr and serves data.
func startFileServer(addr string, data []byte) (*fileServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("file server: %w", err)
	}
	f := &fileServer{addr: ln.Addr().String(), data: data,
		path: "/" + randomHex(8) + "/package.zip", user: "vendor-" + randomHex(4), password: randomHex(16)}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *fileServer) url() string { return "http://" + f.addr + f.path }

func (f *fileServer) close() { _ = f.srv.Close() }

// count is how many requests were served (ok) or refused.
func (f *fileServer) count(ok bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ok {
		return f.served
	}
	return f.refused
}

func (f *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	good := ok && subtle.ConstantTimeCompare([]byte(user), []byte(f.user)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(f.password)) == 1
	f.mu.Lock()
	if good {
		f.served++
	} else {
		f.refused++
	}
	f.mu.Unlock()
	switch {
	case !good:
		w.Header().Set("WWW-Authenticate", `Basic realm="packages"`)
		http.Error(w, "credentials required", http.StatusUnauthorized)
	case r.Method != http.MethodGet || r.URL.Path != f.path:
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", zipType)
		_, _ = w.Write(f.data)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
