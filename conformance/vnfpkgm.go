package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// runKey is the userDefinedData key that tags what a run creates.
const runKey = "conformanceRun"

// vnfpkgm checks VNF package management on the NFVO: SOL 005 §9 and the
// read side of SOL 003 §10, both at /vnfpkgm/v1.
type vnfpkgm struct {
	*api
	runID string

	matrix   lazy[pkgInfo]
	subject  lazy[pkgInfo]
	filtered lazy[[]pkgInfo]
	// vm and cnf are onboarded packages whose VNFD spans four files and
	// one file; the content checks read them.
	vm, cnf lazy[onboarded]
	// sub is the subscription the single-subscription checks read.
	sub lazy[subscribed]
}

// pkgInfo is VnfPkgInfo as far as the checks read it.
type pkgInfo struct {
	ID               string         `json:"id"`
	OnboardingState  string         `json:"onboardingState"`
	OperationalState string         `json:"operationalState"`
	UsageState       string         `json:"usageState"`
	UserDefinedData  map[string]any `json:"userDefinedData"`
	VnfdID           string         `json:"vnfdId"`
	Checksum         *checksum      `json:"checksum"`
	SoftwareImages   []struct {
		ID        string   `json:"id"`
		ImagePath string   `json:"imagePath"`
		Size      int64    `json:"size"`
		Checksum  checksum `json:"checksum"`
	} `json:"softwareImages"`
	AdditionalArtifacts []struct {
		ArtifactPath string   `json:"artifactPath"`
		Checksum     checksum `json:"checksum"`
	} `json:"additionalArtifacts"`
	OnboardingFailureDetails json.RawMessage `json:"onboardingFailureDetails"`
	Links                    struct {
		Self           link  `json:"self"`
		PackageContent link  `json:"packageContent"`
		Vnfd           *link `json:"vnfd"`
	} `json:"_links"`
}

type link struct {
	Href string `json:"href"`
}

type checksum struct {
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

// lazy is a value made once, on first use, by the first check that needs it.
type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (l *lazy[T]) get(make func() (T, error)) (T, error) {
	l.once.Do(func() { l.v, l.err = make() })
	return l.v, l.err
}

func newVnfpkgm(schemas *etsischema.Set, nfvo *server) *vnfpkgm {
	p := &vnfpkgm{runID: nfvo.cfg.RunID}
	p.api = newAPI(&api{
		name:       "vnfpkgm",
		major:      1,
		srv:        nfvo,
		schemas:    schemas,
		schemaDirs: []string{"SOL005/VNFPackageManagement-API", "SOL003/VNFPackageManagement-API"},
		resources:  vnfpkgmResources(),
		listSchema: "vnfPkgsInfo",
		vars:       p.vars,
		create:     bodyTarget{method: http.MethodPost, path: "/vnf_packages", body: p.createBody},
	})
	return p
}

// vnfpkgmResources is the URL tree of VNF package management: SOL 005's
// and, read-only, SOL 003's by vnfdId.
func vnfpkgmResources() []resource {
	get := []string{http.MethodGet}
	out := []resource{
		{path: "/vnf_packages", methods: []string{http.MethodGet, http.MethodPost}},
		{path: "/vnf_packages/{vnfPkgId}", methods: []string{http.MethodGet, http.MethodPatch, http.MethodDelete}},
		{path: "/vnf_packages/{vnfPkgId}/package_content", methods: []string{http.MethodGet, http.MethodPut}},
		{path: "/vnf_packages/{vnfPkgId}/package_content/upload_from_uri", methods: []string{http.MethodPost}},
		{path: "/subscriptions", methods: []string{http.MethodGet, http.MethodPost}},
		{path: "/subscriptions/{subscriptionId}", methods: []string{http.MethodGet, http.MethodDelete}},
		{path: "/onboarded_vnf_packages/{vnfdId}", methods: get},
		{path: "/onboarded_vnf_packages/{vnfdId}/package_content", methods: get},
	}
	for _, root := range []string{"/vnf_packages/{vnfPkgId}", "/onboarded_vnf_packages/{vnfdId}"} {
		for _, sub := range []string{"/vnfd", "/manifest", "/artifacts/{artifactPath}"} {
			out = append(out, resource{path: root + sub, methods: get})
		}
	}
	return out
}

// vnfpkgmSuite is every check of the API, cleanup and the Version header
// last.
func vnfpkgmSuite(p *vnfpkgm) check.Suite {
	cs := sol013Checks(p.api)
	cs = append(cs,
		check.Check{Name: "POST /vnf_packages: 201, Location, VnfPkgInfo", Run: p.checkCreate},
		check.Check{Name: "POST with Content-Type application/json; charset=utf-8: 201", Run: p.checkCreateCharset},
		check.Check{Name: "GET /vnf_packages/{id}: 200, ETag, VnfPkgInfo", Run: p.checkGet},
		check.Check{Name: "GET /vnf_packages/{unknown id}: 404 ProblemDetails", Run: p.checkGetUnknown},
		check.Check{Name: "GET /vnf_packages: 200, list of VnfPkgInfo", Run: p.checkList},
		check.Check{Name: "PATCH userDefinedData with If-Match: 200, new ETag, merged", Run: p.checkPatch},
		check.Check{Name: "PATCH userDefinedData merges nested objects (RFC 7396)", Run: p.checkPatchNested},
		check.Check{Name: "PATCH with a stale If-Match: 412 ProblemDetails", Run: p.checkPatchStale},
		check.Check{Name: "PATCH operationalState of a CREATED package: 409 ProblemDetails", Run: p.checkPatchConflict},
		check.Check{Name: "DELETE /vnf_packages/{id}: 204, then GET: 404", Run: p.checkDelete},
	)
	cs = append(cs, p.contentChecks()...)
	cs = append(cs, p.uploadChecks()...)
	cs = append(cs, p.subscriptionChecks()...)
	cs = append(cs, p.filterChecks()...)
	cs = append(cs, p.selectorChecks()...)
	cs = append(cs, p.pagingChecks()...)
	cs = append(cs,
		check.Check{Name: "cleanup: every package the run created is deleted", Run: p.checkCleanup},
		versionCheck(p.api),
	)
	return check.Suite{API: p.name, Checks: cs}
}

// createBody is a CreateVnfPkgInfoRequest tagged with the run id and
// padded with pad, if any.
func (p *vnfpkgm) createBody(pad string) []byte {
	udd := map[string]any{runKey: p.runID}
	if pad != "" {
		udd["pad"] = pad
	}
	b, _ := json.Marshal(map[string]any{"userDefinedData": udd})
	return b
}

// vars names a CREATED package for the resources below vnf_packages, the
// onboarded VM package and its first artifact for those that need
// onboarded content, and a subscription.
func (p *vnfpkgm) vars(ctx context.Context, path string) (map[string]string, error) {
	if strings.Contains(path, "{subscriptionId}") {
		sub, err := p.subjectSub(ctx)
		return map[string]string{"subscriptionId": sub.ID}, err
	}
	pkg, err := p.matrix.get(func() (pkgInfo, error) { return p.create(ctx, map[string]any{"set": "matrix"}) })
	if err != nil {
		return nil, err
	}
	vars := map[string]string{"vnfPkgId": pkg.ID}
	if !strings.Contains(path, "{vnfdId}") && !strings.Contains(path, "{artifactPath}") {
		return vars, nil
	}
	vm, err := p.vmPkg(ctx)
	if err != nil {
		return nil, err
	}
	art, err := vm.artifact()
	if err != nil {
		return nil, err
	}
	vars["vnfdId"], vars["artifactPath"] = vm.info.VnfdID, art
	return vars, nil
}

func (p *vnfpkgm) path(id string) string { return p.prefix() + "/vnf_packages/" + url.PathEscape(id) }

// create makes a package whose userDefinedData is udd plus the run tag,
// checking the answer as SOL 005 §9.4.2.3.1 says.
func (p *vnfpkgm) create(ctx context.Context, udd map[string]any) (pkgInfo, error) {
	pkg, _, err := p.createChecked(ctx, udd)
	return pkg, err
}

func (p *vnfpkgm) createChecked(ctx context.Context, udd map[string]any) (pkgInfo, *check.Response, error) {
	var pkg pkgInfo
	tagged := map[string]any{runKey: p.runID}
	for k, v := range udd {
		tagged[k] = v
	}
	body, err := json.Marshal(map[string]any{"userDefinedData": tagged})
	if err != nil {
		return pkg, nil, err
	}
	schemas, err := p.schema("vnfPkgInfo")
	if err != nil {
		return pkg, nil, err
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodPost, Path: p.prefix() + "/vnf_packages",
		Body: body, ContentType: check.JSON})
	if err != nil {
		return pkg, nil, err
	}
	if err := r.ExpectJSON(http.StatusCreated, &pkg, schemas...); err != nil {
		return pkg, r, err
	}
	if pkg.ID == "" {
		return pkg, r, fmt.Errorf("%s: no id", r)
	}
	if !sameJSON(pkg.UserDefinedData, tagged) {
		return pkg, r, fmt.Errorf("%s: userDefinedData %v, want %v as sent", r, pkg.UserDefinedData, tagged)
	}
	return pkg, r, nil
}

func (p *vnfpkgm) checkCreate(ctx context.Context) error {
	pkg, r, err := p.createChecked(ctx, map[string]any{"set": "create"})
	if err != nil {
		return err
	}
	var errs []error
	loc, err := r.ExpectHeader("Location")
	if err != nil {
		errs = append(errs, err)
	} else if u, err := r.URL.Parse(loc); err != nil || u.Path != p.path(pkg.ID) {
		errs = append(errs, fmt.Errorf("%s: Location %q, want the package at %s", r, loc, p.path(pkg.ID)))
	}
	if self, err := r.URL.Parse(pkg.Links.Self.Href); err != nil || self.Path != p.path(pkg.ID) {
		errs = append(errs, fmt.Errorf("%s: _links.self %q, want the package at %s", r, pkg.Links.Self.Href, p.path(pkg.ID)))
	}
	if pkg.OnboardingState != "CREATED" || pkg.OperationalState != "DISABLED" || pkg.UsageState != "NOT_IN_USE" {
		errs = append(errs, fmt.Errorf("%s: states %s/%s/%s, want CREATED/DISABLED/NOT_IN_USE",
			r, pkg.OnboardingState, pkg.OperationalState, pkg.UsageState))
	}
	return errors.Join(errs...)
}

func (p *vnfpkgm) checkCreateCharset(ctx context.Context) error {
	schemas, err := p.schema("vnfPkgInfo")
	if err != nil {
		return err
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodPost, Path: p.prefix() + "/vnf_packages",
		Body: p.createBody(""), ContentType: check.JSON + "; charset=utf-8"})
	if err != nil {
		return err
	}
	return r.ExpectJSON(http.StatusCreated, nil, schemas...)
}

// subjectPkg is the package the single-resource checks read and modify.
func (p *vnfpkgm) subjectPkg(ctx context.Context) (pkgInfo, error) {
	return p.subject.get(func() (pkgInfo, error) { return p.create(ctx, map[string]any{"set": "subject"}) })
}

// get reads package id, checking the answer, and returns it with its ETag.
func (p *vnfpkgm) get(ctx context.Context, id string) (pkgInfo, string, error) {
	var pkg pkgInfo
	schemas, err := p.schema("vnfPkgInfo")
	if err != nil {
		return pkg, "", err
	}
	r, err := p.client().Get(ctx, p.path(id))
	if err != nil {
		return pkg, "", err
	}
	if err := r.ExpectJSON(http.StatusOK, &pkg, schemas...); err != nil {
		return pkg, "", err
	}
	if pkg.ID != id {
		return pkg, "", fmt.Errorf("%s: id %q, want %q", r, pkg.ID, id)
	}
	etag, err := r.ExpectHeader("ETag")
	return pkg, etag, err
}

func (p *vnfpkgm) checkGet(ctx context.Context) error {
	want, err := p.subjectPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	got, _, err := p.get(ctx, want.ID)
	if err != nil {
		return err
	}
	if got.OnboardingState != want.OnboardingState || got.Links.Self != want.Links.Self ||
		got.UserDefinedData[runKey] != p.runID {
		return fmt.Errorf("GET answers %+v, want %+v as created", got, want)
	}
	return nil
}

func (p *vnfpkgm) checkGetUnknown(ctx context.Context) error {
	r, err := p.client().Get(ctx, p.path("00000000-0000-4000-8000-000000000000"))
	if err != nil {
		return err
	}
	return p.problem(r, http.StatusNotFound)
}

func (p *vnfpkgm) checkList(ctx context.Context) error {
	want, err := p.subjectPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	schemas, err := p.schema("vnfPkgsInfo")
	if err != nil {
		return err
	}
	items, _, err := p.walk(ctx, p.prefix()+"/vnf_packages", nil, schemas)
	if err != nil {
		return err
	}
	got, err := ids(items)
	if err != nil {
		return err
	}
	if !got[want.ID] {
		return fmt.Errorf("the list of %d packages lacks %s", len(items), want.ID)
	}
	return nil
}

// patch sends a merge patch of package id with If-Match etag (none if "").
func (p *vnfpkgm) patch(ctx context.Context, id, etag string, body any) (*check.Response, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	if etag != "" {
		h.Set("If-Match", etag)
	}
	return p.client().Do(ctx, check.Request{Method: http.MethodPatch, Path: p.path(id), Header: h,
		Body: raw, ContentType: "application/merge-patch+json"})
}

func (p *vnfpkgm) checkPatch(ctx context.Context) error {
	pkg, err := p.subjectPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	_, etag, err := p.get(ctx, pkg.ID)
	if err != nil {
		return err
	}
	mod := map[string]any{"userDefinedData": map[string]any{"patched": "yes"}}
	r, err := p.patch(ctx, pkg.ID, etag, mod)
	if err != nil {
		return err
	}
	schemas, err := p.schema("VnfPkgInfoModification")
	if err != nil {
		return err
	}
	var echoed map[string]any
	if err := r.ExpectJSON(http.StatusOK, &echoed, schemas...); err != nil {
		return err
	}
	var errs []error
	if !sameJSON(echoed, mod) {
		errs = append(errs, fmt.Errorf("%s: body %v, want the modifications %v", r, echoed, mod))
	}
	newTag := r.Header.Get("ETag")
	if newTag == etag {
		errs = append(errs, fmt.Errorf("%s: ETag %q unchanged by the modification", r, newTag))
	}
	got, getTag, err := p.get(ctx, pkg.ID)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if got.UserDefinedData["patched"] != "yes" || got.UserDefinedData[runKey] != p.runID {
		errs = append(errs, fmt.Errorf("after PATCH userDefinedData is %v, want the patch merged", got.UserDefinedData))
	}
	if newTag != "" && getTag != newTag {
		errs = append(errs, fmt.Errorf("GET after PATCH has ETag %q, PATCH answered %q", getTag, newTag))
	}
	return errors.Join(errs...)
}

// checkPatchNested checks SOL 005's rule for userDefinedData modifications,
// JSON Merge Patch: a null inside a nested object removes that key only, and
// the keys the patch leaves out stay.
func (p *vnfpkgm) checkPatchNested(ctx context.Context) error {
	pkg, err := p.create(ctx, map[string]any{"set": "nested", "limits": map[string]any{"cpu": "2", "memory": "1Gi"}})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	_, etag, err := p.get(ctx, pkg.ID)
	if err != nil {
		return err
	}
	mod := map[string]any{"userDefinedData": map[string]any{"limits": map[string]any{"cpu": nil, "disk": "5Gi"}}}
	r, err := p.patch(ctx, pkg.ID, etag, mod)
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusOK); err != nil {
		return err
	}
	got, _, err := p.get(ctx, pkg.ID)
	if err != nil {
		return err
	}
	want := map[string]any{runKey: p.runID, "set": "nested", "limits": map[string]any{"memory": "1Gi", "disk": "5Gi"}}
	if !sameJSON(got.UserDefinedData, want) {
		return fmt.Errorf("after PATCH %v userDefinedData is %v, want %v", mod, got.UserDefinedData, want)
	}
	return nil
}

func (p *vnfpkgm) checkPatchStale(ctx context.Context) error {
	pkg, err := p.subjectPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	_, stale, err := p.get(ctx, pkg.ID)
	if err != nil {
		return err
	}
	r, err := p.patch(ctx, pkg.ID, stale, map[string]any{"userDefinedData": map[string]any{"step": "1"}})
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusOK); err != nil {
		return fmt.Errorf("first PATCH: %w", err)
	}
	r, err = p.patch(ctx, pkg.ID, stale, map[string]any{"userDefinedData": map[string]any{"step": "2"}})
	if err != nil {
		return err
	}
	if err := p.problem(r, http.StatusPreconditionFailed); err != nil {
		return err
	}
	got, _, err := p.get(ctx, pkg.ID)
	if err == nil && got.UserDefinedData["step"] != "1" {
		err = fmt.Errorf("the refused PATCH changed userDefinedData to %v", got.UserDefinedData)
	}
	return err
}

func (p *vnfpkgm) checkPatchConflict(ctx context.Context) error {
	pkg, err := p.subjectPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.patch(ctx, pkg.ID, "", map[string]any{"operationalState": "ENABLED"})
	if err != nil {
		return err
	}
	return p.problem(r, http.StatusConflict)
}

func (p *vnfpkgm) checkDelete(ctx context.Context) error {
	pkg, err := p.create(ctx, map[string]any{"set": "delete"})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: p.path(pkg.ID)})
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusNoContent); err != nil {
		return err
	}
	if len(r.Body) != 0 {
		return fmt.Errorf("%s: 204 with a body", r)
	}
	if r, err = p.client().Get(ctx, p.path(pkg.ID)); err != nil {
		return err
	}
	return p.problem(r, http.StatusNotFound)
}

// checkCleanup deletes every package the run created and still sees, then
// lists by the run's tag to make sure none is left.
func (p *vnfpkgm) checkCleanup(ctx context.Context) error {
	var errs []error
	for _, path := range p.leftovers() {
		errs = append(errs, p.remove(ctx, path))
	}
	left, err := p.collect(ctx, p.prefix()+"/vnf_packages", url.Values{"filter": {p.runFilter()}})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if len(left) > 0 {
		errs = append(errs, fmt.Errorf("%d packages tagged with run %s remained (their 201 had no usable Location); deleting them", len(left), p.runID))
	}
	for _, it := range left {
		id, _ := it["id"].(string)
		errs = append(errs, p.remove(ctx, p.path(id)))
	}
	return errors.Join(errs...)
}

// remove deletes the package at path. A package SOL 005 forbids deleting
// (409) is first let finish onboarding and disabled if it is ENABLED.
func (p *vnfpkgm) remove(ctx context.Context, path string) error {
	del := check.Request{Method: http.MethodDelete, Path: path}
	r, err := p.client().Do(ctx, del)
	if err != nil || r.Status != http.StatusConflict {
		if err == nil {
			err = r.ExpectStatus(http.StatusNoContent, http.StatusNotFound)
		}
		return err
	}
	id := path[strings.LastIndex(path, "/")+1:]
	pkg, err := p.settle(ctx, id)
	if err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	if pkg.OperationalState == "ENABLED" {
		r, err := p.patch(ctx, id, "", map[string]any{"operationalState": "DISABLED"})
		if err == nil {
			err = r.ExpectStatus(http.StatusOK)
		}
		if err != nil {
			return fmt.Errorf("disable %s to delete it: %w", path, err)
		}
	}
	if r, err = p.client().Do(ctx, del); err != nil {
		return err
	}
	return r.ExpectStatus(http.StatusNoContent, http.StatusNotFound)
}

// runFilter selects what this run created.
func (p *vnfpkgm) runFilter() string {
	return fmt.Sprintf("(eq,userDefinedData/%s,%s)", runKey, p.runID)
}
