package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// lcmSchemas is the folder of the ETSI schemas of VNF LCM; both major
// versions are checked against it.
const lcmSchemas = "SOL003/VNFLifecycleManagement-API"

// lcmCatalog is the VNF package every VNF LCM check creates instances
// of, onboarded (and enabled) once to the VNFM's own catalogue, which a
// standalone VNFM serves at /vnfpkgm/v1.
type lcmCatalog struct {
	pkgs *vnfpkgm
	pkg  lazy[onboarded]
}

func (c *lcmCatalog) onboarded(ctx context.Context) (onboarded, error) {
	return c.pkg.get(func() (onboarded, error) {
		o, err := c.pkgs.onboard(ctx, manifestsSource, "lcm", rawZip)
		if err != nil {
			return o, fmt.Errorf("onboard a package to the VNFM: %w", err)
		}
		return o, c.pkgs.setOperational(ctx, o.info.ID, "ENABLED")
	})
}

// vnflcm checks one major version of SOL 003 VNF lifecycle management on
// the VNFM. Only the lifecycle checks, run with --instantiate, need a VIM:
// the others create, read, modify and delete instances, never
// instantiated.
type vnflcm struct {
	*api
	runID   string
	catalog *lcmCatalog

	matrix  lazy[instance]
	subject lazy[instance]
	// modified is the MODIFY_INFO occurrence the op occ checks read.
	modified lazy[opOcc]
	sub      lazy[subscribed]
	filtered lazy[[]instance]
	// life is the instance the lifecycle checks instantiate.
	life lazy[lifecycle]
}

// instance is VnfInstance as far as the checks read it.
type instance struct {
	ID                 string         `json:"id"`
	VnfInstanceName    string         `json:"vnfInstanceName"`
	VnfdID             string         `json:"vnfdId"`
	VnfProvider        string         `json:"vnfProvider"`
	VnfProductName     string         `json:"vnfProductName"`
	InstantiationState string         `json:"instantiationState"`
	Metadata           map[string]any `json:"metadata"`
	Links              struct {
		Self        link  `json:"self"`
		Instantiate *link `json:"instantiate"`
	} `json:"_links"`
}

// opOcc is VnfLcmOpOcc as far as the checks read it.
type opOcc struct {
	ID             string `json:"id"`
	OperationState string `json:"operationState"`
	VnfInstanceID  string `json:"vnfInstanceId"`
	Operation      string `json:"operation"`
	Links          struct {
		Self        link `json:"self"`
		VnfInstance link `json:"vnfInstance"`
	} `json:"_links"`
}

// lcmTasks are the task resources of a VNF instance, and a request for
// each that SOL 003 refuses with 409 on a NOT_INSTANTIATED instance.
var lcmTasks = []struct {
	name string
	body string
}{
	{"instantiate", ""},
	{"scale", `{"type": "SCALE_OUT", "aspectId": "worker", "numberOfSteps": 1}`},
	{"scale_to_level", `{"instantiationLevelId": "default"}`},
	{"change_flavour", `{"newFlavourId": "other"}`},
	{"terminate", `{"terminationType": "FORCEFUL"}`},
	{"heal", `{}`},
	{"operate", `{"changeStateTo": "STOPPED"}`},
	{"change_ext_conn", `{"extVirtualLinks": [{"id": "ext", "resourceId": "net", "extCps": [{"cpdId": "cp"}]}]}`},
}

func newVnflcm(schemas *etsischema.Set, vnfm *server, major int, catalog *lcmCatalog) *vnflcm {
	l := &vnflcm{runID: vnfm.cfg.RunID, catalog: catalog}
	l.api = newAPI(&api{
		name:       "vnflcm",
		major:      major,
		srv:        vnfm,
		schemas:    schemas,
		schemaDirs: []string{lcmSchemas},
		resources:  vnflcmResources(major),
		listSchema: "vnfInstances",
		vars:       l.vars,
		create:     bodyTarget{method: http.MethodPost, path: "/vnf_instances", body: l.createBody},
	})
	return l
}

// vnflcmResources is the URL tree of a major version.
func vnflcmResources(major int) []resource {
	post := []string{http.MethodPost}
	out := []resource{
		{path: "/vnf_instances", methods: []string{http.MethodGet, http.MethodPost}},
		{path: "/vnf_instances/{vnfInstanceId}", methods: []string{http.MethodGet, http.MethodPatch, http.MethodDelete}},
	}
	for _, t := range lcmTasks {
		out = append(out, resource{path: "/vnf_instances/{vnfInstanceId}/" + t.name, methods: post})
	}
	if major >= 2 {
		out = append(out, resource{path: "/vnf_instances/{vnfInstanceId}/change_vnfpkg", methods: post})
	}
	out = append(out,
		resource{path: "/vnf_lcm_op_occs", methods: []string{http.MethodGet}},
		resource{path: "/vnf_lcm_op_occs/{vnfLcmOpOccId}", methods: []string{http.MethodGet}})
	for _, t := range []string{"retry", "rollback", "fail", "cancel"} {
		out = append(out, resource{path: "/vnf_lcm_op_occs/{vnfLcmOpOccId}/" + t, methods: post})
	}
	return append(out,
		resource{path: "/subscriptions", methods: []string{http.MethodGet, http.MethodPost}},
		resource{path: "/subscriptions/{subscriptionId}", methods: []string{http.MethodGet, http.MethodDelete}})
}

// vnflcmSuite is every check of one major version, cleanup and the
// Version header last; the last version also deletes the package.
func vnflcmSuite(l *vnflcm, last bool) check.Suite {
	cs := sol013Checks(l.api)
	cs = append(cs,
		check.Check{Name: "POST /vnf_instances: 201, Location, VnfInstance NOT_INSTANTIATED", Run: l.checkCreate},
		check.Check{Name: "POST /vnf_instances of an unknown vnfdId: 422 ProblemDetails", Run: l.checkCreateUnknown},
		check.Check{Name: "GET /vnf_instances/{id}: 200, ETag, VnfInstance", Run: l.checkGet},
		check.Check{Name: "GET /vnf_instances/{unknown id}: 404 ProblemDetails", Run: l.checkGetUnknown},
		check.Check{Name: "GET /vnf_instances: 200, list of VnfInstance", Run: l.checkList},
		check.Check{Name: "PATCH with If-Match: 202 to a MODIFY_INFO VnfLcmOpOcc that completes; changes merged", Run: l.checkPatch},
		check.Check{Name: "PATCH with a stale If-Match: 412 ProblemDetails", Run: l.checkPatchStale},
		check.Check{Name: "tasks on a NOT_INSTANTIATED instance (scale, terminate, heal, ...): 409 ProblemDetails", Run: l.checkTasksConflict},
		check.Check{Name: "GET /vnf_lcm_op_occs: 200, VnfLcmOpOccs holding the MODIFY_INFO occurrence", Run: l.checkOpList},
		check.Check{Name: "GET /vnf_lcm_op_occs/{id}: 200 VnfLcmOpOcc; unknown id: 404", Run: l.checkOpGet},
		check.Check{Name: "retry, rollback, fail, cancel of a COMPLETED occurrence: 409 ProblemDetails", Run: l.checkOpConflict},
		check.Check{Name: "DELETE /vnf_instances/{id}: 204, then GET and DELETE: 404", Run: l.checkDelete},
	)
	cs = append(cs, l.lifecycleChecks()...)
	cs = append(cs, l.subscriptionChecks()...)
	cs = append(cs, l.queryChecks()...)
	cs = append(cs, check.Check{Name: "cleanup: every instance and subscription the run created is deleted", Run: l.checkCleanup})
	if last {
		cs = append(cs, check.Check{Name: "cleanup: the package onboarded to the VNFM is deleted", Run: l.checkPackageCleanup})
	}
	cs = append(cs, versionCheck(l.api))
	return check.Suite{API: fmt.Sprintf("%s/v%d", l.name, l.major), Checks: cs}
}

// createBody is a CreateVnfRequest for a vnfdId no package has, padded
// with pad: the checks of bad bodies get no further than its decoding.
func (l *vnflcm) createBody(pad string) []byte {
	req := map[string]any{"vnfdId": "00000000-0000-4000-8000-000000000000",
		"metadata": map[string]any{runKey: l.runID}}
	if pad != "" {
		req["vnfInstanceDescription"] = pad
	}
	b, _ := json.Marshal(req)
	return b
}

// vars names an instance and an occurrence of it for the matrix.
func (l *vnflcm) vars(ctx context.Context, path string) (map[string]string, error) {
	if strings.Contains(path, "{subscriptionId}") {
		sub, err := l.subjectSub(ctx)
		return map[string]string{"subscriptionId": sub.ID}, err
	}
	if strings.Contains(path, "{vnfLcmOpOccId}") {
		op, err := l.modifiedOp(ctx)
		return map[string]string{"vnfLcmOpOccId": op.ID}, err
	}
	inst, err := l.matrix.get(func() (instance, error) { return l.create(ctx, "matrix", nil) })
	return map[string]string{"vnfInstanceId": inst.ID}, err
}

func (l *vnflcm) path(id string) string { return l.prefix() + "/vnf_instances/" + url.PathEscape(id) }

func (l *vnflcm) opPath(id string) string {
	return l.prefix() + "/vnf_lcm_op_occs/" + url.PathEscape(id)
}

// instanceName names an instance of the run's set.
func (l *vnflcm) instanceName(set string) string { return "conformance-" + l.runID + "-" + set }

// create makes an instance of the run's package named after set, with
// metadata plus the run tag, checking the answer as SOL 003 §5.4.2.3.1
// says.
func (l *vnflcm) create(ctx context.Context, set string, metadata map[string]any) (instance, error) {
	inst, _, err := l.createChecked(ctx, set, metadata)
	return inst, err
}

func (l *vnflcm) createChecked(ctx context.Context, set string, metadata map[string]any) (instance, *check.Response, error) {
	var inst instance
	o, err := l.catalog.onboarded(ctx)
	if err != nil {
		return inst, nil, err
	}
	md := map[string]any{runKey: l.runID, "set": set}
	for k, v := range metadata {
		md[k] = v
	}
	body, err := json.Marshal(map[string]any{"vnfdId": o.info.VnfdID, "vnfInstanceName": l.instanceName(set),
		"vnfInstanceDescription": "made by the conformance run", "metadata": md})
	if err != nil {
		return inst, nil, err
	}
	schemas, err := l.schema("vnfInstance")
	if err != nil {
		return inst, nil, err
	}
	r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.prefix() + "/vnf_instances",
		Body: body, ContentType: check.JSON})
	if err != nil {
		return inst, nil, err
	}
	if err := r.ExpectJSON(http.StatusCreated, &inst, schemas...); err != nil {
		return inst, r, err
	}
	if inst.ID == "" || inst.VnfdID != o.info.VnfdID || inst.InstantiationState != "NOT_INSTANTIATED" {
		return inst, r, fmt.Errorf("%s: id %q, vnfdId %q, %s; want an id, %s, NOT_INSTANTIATED",
			r, inst.ID, inst.VnfdID, inst.InstantiationState, o.info.VnfdID)
	}
	return inst, r, nil
}

func (l *vnflcm) checkCreate(ctx context.Context) error {
	inst, r, err := l.createChecked(ctx, "create", nil)
	if err != nil {
		return err
	}
	o, _ := l.catalog.onboarded(ctx)
	var errs []error
	if loc, err := r.ExpectHeader("Location"); err != nil {
		errs = append(errs, err)
	} else if u, err := r.URL.Parse(loc); err != nil || u.Path != l.path(inst.ID) {
		errs = append(errs, fmt.Errorf("%s: Location %q, want the instance at %s", r, loc, l.path(inst.ID)))
	}
	if self, err := r.URL.Parse(inst.Links.Self.Href); err != nil || self.Path != l.path(inst.ID) {
		errs = append(errs, fmt.Errorf("%s: _links.self %q, want %s", r, inst.Links.Self.Href, l.path(inst.ID)))
	}
	if inst.Links.Instantiate == nil {
		errs = append(errs, fmt.Errorf("%s: no _links.instantiate on a NOT_INSTANTIATED instance", r))
	}
	if inst.VnfInstanceName != l.instanceName("create") {
		errs = append(errs, fmt.Errorf("%s: vnfInstanceName %q, want %q as sent", r, inst.VnfInstanceName, l.instanceName("create")))
	}
	if inst.VnfProvider == "" || inst.VnfProductName == "" {
		errs = append(errs, fmt.Errorf("%s: vnfProvider %q, vnfProductName %q; want the VNFD's", r, inst.VnfProvider, inst.VnfProductName))
	}
	if o.info.ID != "" && o.info.VnfdID != inst.VnfdID {
		errs = append(errs, fmt.Errorf("%s: vnfdId %q, want the package's %s", r, inst.VnfdID, o.info.VnfdID))
	}
	return errors.Join(errs...)
}

func (l *vnflcm) checkCreateUnknown(ctx context.Context) error {
	r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.prefix() + "/vnf_instances",
		Body: l.createBody(""), ContentType: check.JSON})
	if err != nil {
		return err
	}
	return l.problem(r, http.StatusUnprocessableEntity)
}

// subjectInstance is the instance the single-resource checks read and
// modify.
func (l *vnflcm) subjectInstance(ctx context.Context) (instance, error) {
	return l.subject.get(func() (instance, error) { return l.create(ctx, "subject", nil) })
}

// get reads instance id, checking the answer, and returns it with its
// ETag.
func (l *vnflcm) get(ctx context.Context, id string) (instance, string, error) {
	var inst instance
	schemas, err := l.schema("vnfInstance")
	if err != nil {
		return inst, "", err
	}
	r, err := l.client().Get(ctx, l.path(id))
	if err != nil {
		return inst, "", err
	}
	if err := r.ExpectJSON(http.StatusOK, &inst, schemas...); err != nil {
		return inst, "", err
	}
	if inst.ID != id {
		return inst, "", fmt.Errorf("%s: id %q, want %q", r, inst.ID, id)
	}
	etag, err := r.ExpectHeader("ETag")
	return inst, etag, err
}

func (l *vnflcm) checkGet(ctx context.Context) error {
	want, err := l.subjectInstance(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	got, _, err := l.get(ctx, want.ID)
	if err != nil {
		return err
	}
	if got.VnfdID != want.VnfdID || got.Links.Self != want.Links.Self || got.InstantiationState != "NOT_INSTANTIATED" {
		return fmt.Errorf("GET answers %+v, want %+v as created", got, want)
	}
	return nil
}

func (l *vnflcm) checkGetUnknown(ctx context.Context) error {
	r, err := l.client().Get(ctx, l.path("00000000-0000-4000-8000-000000000000"))
	if err != nil {
		return err
	}
	return l.problem(r, http.StatusNotFound)
}

func (l *vnflcm) checkList(ctx context.Context) error {
	want, err := l.subjectInstance(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	items, err := l.list(ctx, nil)
	if err != nil {
		return err
	}
	got, err := ids(items)
	if err == nil && !got[want.ID] {
		err = fmt.Errorf("the list of %d instances lacks %s", len(items), want.ID)
	}
	return err
}

// list walks the instance list with query, each page checked against
// the list schema.
func (l *vnflcm) list(ctx context.Context, query url.Values) ([]item, error) {
	schemas, err := l.schema("vnfInstances")
	if err != nil {
		return nil, err
	}
	items, _, err := l.walk(ctx, l.prefix()+"/vnf_instances", query, schemas)
	return items, err
}

// patch sends a merge patch of instance id with If-Match etag (none if
// "").
func (l *vnflcm) patch(ctx context.Context, id, etag string, body any) (*check.Response, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	if etag != "" {
		h.Set("If-Match", etag)
	}
	return l.client().Do(ctx, check.Request{Method: http.MethodPatch, Path: l.path(id), Header: h,
		Body: raw, ContentType: "application/merge-patch+json"})
}

// modifiedOp is the subject instance's MODIFY_INFO occurrence, completed.
func (l *vnflcm) modifiedOp(ctx context.Context) (opOcc, error) {
	return l.modified.get(func() (opOcc, error) {
		inst, err := l.subjectInstance(ctx)
		if err != nil {
			return opOcc{}, err
		}
		_, etag, err := l.get(ctx, inst.ID)
		if err != nil {
			return opOcc{}, err
		}
		mod := map[string]any{"vnfInstanceName": l.instanceName("subject-patched"),
			"metadata": map[string]any{"patched": "yes"}}
		r, err := l.patch(ctx, inst.ID, etag, mod)
		if err != nil {
			return opOcc{}, err
		}
		return l.accepted(ctx, r, inst.ID, "MODIFY_INFO")
	})
}

// accepted checks a task's 202 without a body and with the Location of
// an occurrence of operation on instance id, and waits for it to end.
func (l *vnflcm) accepted(ctx context.Context, r *check.Response, id, operation string) (opOcc, error) {
	if err := r.ExpectStatus(http.StatusAccepted); err != nil {
		return opOcc{}, err
	}
	if len(r.Body) != 0 {
		return opOcc{}, fmt.Errorf("%s: 202 with a body", r)
	}
	loc, err := r.ExpectHeader("Location")
	if err != nil {
		return opOcc{}, err
	}
	u, err := r.URL.Parse(loc)
	if err != nil || !strings.HasPrefix(u.Path, l.prefix()+"/vnf_lcm_op_occs/") {
		return opOcc{}, fmt.Errorf("%s: Location %q, want an occurrence under %s/vnf_lcm_op_occs", r, loc, l.prefix())
	}
	op, err := l.settleOp(ctx, u.Path[strings.LastIndex(u.Path, "/")+1:])
	if err != nil {
		return op, err
	}
	if op.VnfInstanceID != id || op.Operation != operation {
		return op, fmt.Errorf("occurrence %s is %s of %s, want %s of %s", op.ID, op.Operation, op.VnfInstanceID, operation, id)
	}
	return op, nil
}

// getOp reads occurrence id, checking the answer.
func (l *vnflcm) getOp(ctx context.Context, id string) (opOcc, error) {
	var op opOcc
	schemas, err := l.schema("vnfLcmOpOcc")
	if err != nil {
		return op, err
	}
	r, err := l.client().Get(ctx, l.opPath(id))
	if err != nil {
		return op, err
	}
	if err := r.ExpectJSON(http.StatusOK, &op, schemas...); err != nil {
		return op, err
	}
	if op.ID != id || !strings.HasSuffix(op.Links.Self.Href, l.opPath(id)) ||
		!strings.HasSuffix(op.Links.VnfInstance.Href, l.path(op.VnfInstanceID)) {
		return op, fmt.Errorf("%s: id %q, _links %+v; want %s and links to it and its instance", r, op.ID, op.Links, id)
	}
	return op, nil
}

// settleOp reads occurrence id until it is no longer STARTING,
// PROCESSING or ROLLING_BACK.
func (l *vnflcm) settleOp(ctx context.Context, id string) (opOcc, error) {
	for {
		op, err := l.getOp(ctx, id)
		if err != nil {
			return op, err
		}
		switch op.OperationState {
		case "STARTING", "PROCESSING", "ROLLING_BACK":
		default:
			return op, nil
		}
		select {
		case <-ctx.Done():
			return op, fmt.Errorf("occurrence %s still %s: %w", id, op.OperationState, ctx.Err())
		case <-time.After(settlePoll):
		}
	}
}

func (l *vnflcm) checkPatch(ctx context.Context) error {
	op, err := l.modifiedOp(ctx)
	if err != nil {
		return err
	}
	if op.OperationState != "COMPLETED" {
		return fmt.Errorf("MODIFY_INFO occurrence %s ended %s, want COMPLETED", op.ID, op.OperationState)
	}
	got, _, err := l.get(ctx, op.VnfInstanceID)
	if err != nil {
		return err
	}
	if got.VnfInstanceName != l.instanceName("subject-patched") {
		return fmt.Errorf("after PATCH vnfInstanceName is %q, want %q", got.VnfInstanceName, l.instanceName("subject-patched"))
	}
	full, err := l.list(ctx, url.Values{"filter": {"(eq,id," + got.ID + ")"}, "all_fields": {""}})
	if err != nil {
		return err
	}
	want := map[string]any{runKey: l.runID, "set": "subject", "patched": "yes"}
	if len(full) != 1 || !sameJSON(full[0]["metadata"], want) {
		return fmt.Errorf("after PATCH the instance lists as %v, want metadata %v", full, want)
	}
	return nil
}

func (l *vnflcm) checkPatchStale(ctx context.Context) error {
	inst, err := l.create(ctx, "stale", nil)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	_, stale, err := l.get(ctx, inst.ID)
	if err != nil {
		return err
	}
	r, err := l.patch(ctx, inst.ID, stale, map[string]any{"metadata": map[string]any{"step": "1"}})
	if err != nil {
		return err
	}
	if _, err := l.accepted(ctx, r, inst.ID, "MODIFY_INFO"); err != nil {
		return fmt.Errorf("first PATCH: %w", err)
	}
	r, err = l.patch(ctx, inst.ID, stale, map[string]any{"metadata": map[string]any{"step": "2"}})
	if err != nil {
		return err
	}
	return l.problem(r, http.StatusPreconditionFailed)
}

func (l *vnflcm) checkTasksConflict(ctx context.Context) error {
	inst, err := l.subjectInstance(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	tasks := map[string]string{}
	for _, t := range lcmTasks {
		if t.body != "" {
			tasks[t.name] = t.body
		}
	}
	if l.major >= 2 {
		tasks["change_vnfpkg"] = `{"vnfdId": "` + inst.VnfdID + `"}`
	}
	var errs []error
	for name, body := range tasks {
		r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.path(inst.ID) + "/" + name,
			Body: []byte(body), ContentType: check.JSON})
		if err == nil {
			err = l.problem(r, http.StatusConflict)
		}
		errs = append(errs, err)
	}
	got, _, err := l.get(ctx, inst.ID)
	if err == nil && got.InstantiationState != "NOT_INSTANTIATED" {
		err = fmt.Errorf("after the refused tasks the instance is %s", got.InstantiationState)
	}
	return errors.Join(append(errs, err)...)
}

func (l *vnflcm) checkOpList(ctx context.Context) error {
	op, err := l.modifiedOp(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	schemas, err := l.schema("VnfLcmOpOccs")
	if err != nil {
		return err
	}
	items, _, err := l.walk(ctx, l.prefix()+"/vnf_lcm_op_occs", nil, schemas)
	if err != nil {
		return err
	}
	got, err := ids(items)
	if err == nil && !got[op.ID] {
		err = fmt.Errorf("the list of %d occurrences lacks %s", len(items), op.ID)
	}
	if err != nil {
		return err
	}
	// Filtered to the one instance: its occurrences alone.
	q := url.Values{"filter": {"(eq,vnfInstanceId," + op.VnfInstanceID + ")"}}
	items, _, err = l.walk(ctx, l.prefix()+"/vnf_lcm_op_occs", q, schemas)
	for _, it := range items {
		if it["vnfInstanceId"] != op.VnfInstanceID {
			return fmt.Errorf("filter on vnfInstanceId %s listed an occurrence of %v", op.VnfInstanceID, it["vnfInstanceId"])
		}
	}
	return err
}

func (l *vnflcm) checkOpGet(ctx context.Context) error {
	op, err := l.modifiedOp(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	if _, err := l.getOp(ctx, op.ID); err != nil {
		return err
	}
	r, err := l.client().Get(ctx, l.opPath("00000000-0000-4000-8000-000000000000"))
	if err != nil {
		return err
	}
	return l.problem(r, http.StatusNotFound)
}

func (l *vnflcm) checkOpConflict(ctx context.Context) error {
	op, err := l.modifiedOp(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	var errs []error
	for _, t := range []string{"retry", "rollback", "fail", "cancel"} {
		body := []byte(`{}`)
		if t == "cancel" {
			body = []byte(`{"cancelMode": "FORCEFUL"}`)
		}
		r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.opPath(op.ID) + "/" + t,
			Body: body, ContentType: check.JSON})
		if err == nil {
			err = l.problem(r, http.StatusConflict)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (l *vnflcm) checkDelete(ctx context.Context) error {
	inst, err := l.create(ctx, "delete", nil)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	del := check.Request{Method: http.MethodDelete, Path: l.path(inst.ID)}
	r, err := l.client().Do(ctx, del)
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusNoContent); err != nil {
		return err
	}
	if len(r.Body) != 0 {
		return fmt.Errorf("%s: 204 with a body", r)
	}
	var errs []error
	for _, req := range []check.Request{{Method: http.MethodGet, Path: l.path(inst.ID)}, del} {
		r, err := l.client().Do(ctx, req)
		if err == nil {
			err = l.problem(r, http.StatusNotFound)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// runFilter selects the instances this run created.
func (l *vnflcm) runFilter() string { return fmt.Sprintf("(eq,metadata/%s,%s)", runKey, l.runID) }

// checkCleanup deletes every instance and subscription the run created,
// then lists instances by the run's tag to make sure none is left.
func (l *vnflcm) checkCleanup(ctx context.Context) error {
	var errs []error
	for _, path := range l.leftovers() {
		errs = append(errs, l.remove(ctx, path))
	}
	left, err := l.collect(ctx, l.prefix()+"/vnf_instances", url.Values{"filter": {l.runFilter()}})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if len(left) > 0 {
		errs = append(errs, fmt.Errorf("%d instances tagged with run %s remained; deleting them", len(left), l.runID))
	}
	for _, it := range left {
		id, _ := it["id"].(string)
		errs = append(errs, l.remove(ctx, l.path(id)))
	}
	return errors.Join(errs...)
}

// remove deletes what path names; gone already is fine. An instance
// still INSTANTIATED (409) is first terminated.
func (l *vnflcm) remove(ctx context.Context, path string) error {
	del := check.Request{Method: http.MethodDelete, Path: path}
	r, err := l.client().Do(ctx, del)
	if err != nil || r.Status != http.StatusConflict || !strings.HasPrefix(path, l.prefix()+"/vnf_instances/") {
		if err == nil {
			err = r.ExpectStatus(http.StatusNoContent, http.StatusNotFound)
		}
		return err
	}
	id := path[strings.LastIndex(path, "/")+1:]
	r, err = l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: path + "/terminate",
		Body: []byte(`{"terminationType": "FORCEFUL"}`), ContentType: check.JSON})
	if err == nil {
		_, err = l.accepted(ctx, r, id, "TERMINATE")
	}
	if err != nil {
		return fmt.Errorf("terminate %s to delete it: %w", path, err)
	}
	if r, err = l.client().Do(ctx, del); err != nil {
		return err
	}
	return r.ExpectStatus(http.StatusNoContent, http.StatusNotFound)
}

// checkPackageCleanup deletes the package the instances were made of,
// once no instance of it is left.
func (l *vnflcm) checkPackageCleanup(ctx context.Context) error {
	return l.catalog.pkgs.checkCleanup(ctx)
}
