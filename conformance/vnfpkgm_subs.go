package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// Notification types of VNF package management.
const (
	pkgOnboardingType = "VnfPackageOnboardingNotification"
	pkgChangeType     = "VnfPackageChangeNotification"
)

// subscription is a SOL subscription as far as the checks read it.
type subscription struct {
	ID          string         `json:"id"`
	CallbackURI string         `json:"callbackUri"`
	Filter      map[string]any `json:"filter"`
	Links       struct {
		Self link `json:"self"`
	} `json:"_links"`
}

// subscribed is a subscription the run made, with the Basic credentials
// it gave the server.
type subscribed struct {
	subscription
	name           string
	user, password string
}

// pkgNotification is a VNF package notification as far as the checks
// read it.
type pkgNotification struct {
	NotificationType string `json:"notificationType"`
	SubscriptionID   string `json:"subscriptionId"`
	VnfPkgID         string `json:"vnfPkgId"`
	VnfdID           string `json:"vnfdId"`
	ChangeType       string `json:"changeType"`
	OperationalState string `json:"operationalState"`
	Links            struct {
		VnfPackage   link `json:"vnfPackage"`
		Subscription link `json:"subscription"`
	} `json:"_links"`
}

func (p *vnfpkgm) subscriptionChecks() []check.Check {
	return []check.Check{
		{Name: "POST /subscriptions: callback tested, 201, Location, PkgmSubscription, no password echoed", Run: p.checkSubscribe},
		{Name: "POST the same subscription again: 303 See Other to the existing one", Run: p.checkSubscribeDuplicate},
		{Name: "POST with a callback failing the test GET: 4xx ProblemDetails, nothing created", Run: p.checkSubscribeRefused},
		{Name: "POST with a malformed subscription: 400 ProblemDetails", Run: p.checkSubscribeBad},
		{Name: "GET /subscriptions with a filter on callbackUri: that subscription alone, PkgmSubscriptions, no password", Run: p.checkSubscriptionFilter},
		{Name: "GET /subscriptions/{id}: 200 PkgmSubscription, no password", Run: p.checkGetSubscription},
		{Name: "DELETE /subscriptions/{id}: 204, then GET and DELETE: 404", Run: p.checkDeleteSubscription},
		{Name: "notifications: onboarding, OP_STATE_CHANGE and PKG_DELETE delivered valid with Basic auth; a filter on another vnfdId receives none", Run: p.checkNotifications},
	}
}

func (p *vnfpkgm) subscriptionPath(id string) string {
	return p.prefix() + "/subscriptions/" + url.PathEscape(id)
}

// callbackName names a callback of this run.
func (p *vnfpkgm) callbackName(name string) string { return p.name + "-" + p.runID + "-" + name }

// subscribeBody is a PkgmSubscriptionRequest to callback with filter (if
// not nil) and Basic credentials user and password.
func subscribeBody(callback string, filter map[string]any, user, password string) map[string]any {
	body := map[string]any{"callbackUri": callback, "authentication": map[string]any{
		"authType":    []string{"BASIC"},
		"paramsBasic": map[string]any{"userName": user, "password": password},
	}}
	if filter != nil {
		body["filter"] = filter
	}
	return body
}

// postSubscription sends body to /subscriptions.
func (a *api) postSubscription(ctx context.Context, body any) (*check.Response, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return a.client().Do(ctx, check.Request{Method: http.MethodPost, Path: a.prefix() + "/subscriptions",
		Body: raw, ContentType: check.JSON})
}

// subscribe makes a subscription under callback name with filter,
// checking the answer as SOL 013 §5.10 and the API's schema say.
func (a *api) subscribe(ctx context.Context, schema, name string, filter map[string]any) (subscribed, error) {
	s := subscribed{name: name, user: "cb-" + randomHex(4), password: "pw-" + randomHex(12)}
	schemas, err := a.schema(schema)
	if err != nil {
		return s, err
	}
	cb := a.srv.callbacks.uri(name)
	r, err := a.postSubscription(ctx, subscribeBody(cb, filter, s.user, s.password))
	if err != nil {
		return s, err
	}
	if err := r.ExpectJSON(http.StatusCreated, &s.subscription, schemas...); err != nil {
		return s, err
	}
	var errs []error
	want := a.prefix() + "/subscriptions/" + url.PathEscape(s.ID)
	if loc, err := r.ExpectHeader("Location"); err != nil {
		errs = append(errs, err)
	} else if u, err := r.URL.Parse(loc); err != nil || u.Path != want {
		errs = append(errs, fmt.Errorf("%s: Location %q, want the subscription at %s", r, loc, want))
	}
	if s.ID == "" || s.CallbackURI != cb {
		errs = append(errs, fmt.Errorf("%s: id %q, callbackUri %q; want an id and %s", r, s.ID, s.CallbackURI, cb))
	}
	if a.srv.callbacks.tested(name) == 0 {
		errs = append(errs, fmt.Errorf("%s: the callback was not tested with a GET before the 201", r))
	}
	return s, errors.Join(append(errs, s.notEchoed(r))...)
}

// notEchoed checks that no answer shows the subscription's password.
func (s subscribed) notEchoed(r *check.Response) error {
	if strings.Contains(string(r.Body), s.password) {
		return fmt.Errorf("%s: the body holds the callback's password", r)
	}
	return nil
}

// notListed checks that no listed subscription shows the password.
func (s subscribed) notListed(items []item) error {
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	if strings.Contains(string(b), s.password) {
		return errors.New("the subscription list holds the callback's password")
	}
	return nil
}

// subjectSub is the subscription the single-resource checks read.
func (p *vnfpkgm) subjectSub(ctx context.Context) (subscribed, error) {
	return p.sub.get(func() (subscribed, error) {
		filter := map[string]any{"notificationTypes": []string{pkgChangeType}, "vnfdId": []string{uuid.NewString()}}
		return p.subscribe(ctx, "PkgmSubscription", p.callbackName("subject"), filter)
	})
}

func (p *vnfpkgm) checkSubscribe(ctx context.Context) error {
	_, err := p.subjectSub(ctx)
	return err
}

func (p *vnfpkgm) checkSubscribeDuplicate(ctx context.Context) error {
	sub, err := p.subjectSub(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := p.postSubscription(ctx, subscribeBody(sub.CallbackURI, sub.Filter, sub.user, sub.password))
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusSeeOther); err != nil {
		return err
	}
	loc, err := r.ExpectHeader("Location")
	if err != nil {
		return err
	}
	if u, err := r.URL.Parse(loc); err != nil || u.Path != p.subscriptionPath(sub.ID) {
		return fmt.Errorf("%s: Location %q, want the existing subscription %s", r, loc, p.subscriptionPath(sub.ID))
	}
	return sub.notEchoed(r)
}

func (p *vnfpkgm) checkSubscribeRefused(ctx context.Context) error {
	cb := p.srv.callbacks.refusingURI(p.callbackName("refused"))
	r, err := p.postSubscription(ctx, subscribeBody(cb, nil, "u", "p"))
	if err != nil {
		return err
	}
	if r.Status/100 != 4 {
		return fmt.Errorf("%s, want 4xx: %.300s", r, r.Body)
	}
	if err := p.problem(r, r.Status); err != nil {
		return err
	}
	left, err := p.collect(ctx, p.prefix()+"/subscriptions", url.Values{"filter": {"(eq,callbackUri," + cb + ")"}})
	if err == nil && len(left) != 0 {
		err = fmt.Errorf("the refused subscription was created: %v", left)
	}
	return err
}

func (p *vnfpkgm) checkSubscribeBad(ctx context.Context) error {
	bodies := []any{
		map[string]any{},
		map[string]any{"callbackUri": "not a uri"},
		map[string]any{"callbackUri": p.srv.callbacks.uri(p.callbackName("bad")), "filter": map[string]any{"notificationTypes": []string{"NoSuchNotification"}}},
	}
	var errs []error
	for _, b := range bodies {
		r, err := p.postSubscription(ctx, b)
		if err == nil {
			err = p.problem(r, http.StatusBadRequest)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (p *vnfpkgm) checkSubscriptionFilter(ctx context.Context) error {
	sub, err := p.subjectSub(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	schemas, err := p.schema("PkgmSubscriptions")
	if err != nil {
		return err
	}
	q := url.Values{"filter": {"(eq,callbackUri," + sub.CallbackURI + ")"}}
	items, _, err := p.walk(ctx, p.prefix()+"/subscriptions", q, schemas)
	if err != nil {
		return err
	}
	got, err := ids(items)
	if err != nil {
		return err
	}
	if len(got) != 1 || !got[sub.ID] {
		return fmt.Errorf("filter on callbackUri selected %v, want %s alone", got, sub.ID)
	}
	return sub.notListed(items)
}

func (p *vnfpkgm) checkGetSubscription(ctx context.Context) error {
	sub, err := p.subjectSub(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	return p.readSubscription(ctx, "PkgmSubscription", sub)
}

// readSubscription GETs sub and checks it reads as created.
func (a *api) readSubscription(ctx context.Context, schema string, sub subscribed) error {
	schemas, err := a.schema(schema)
	if err != nil {
		return err
	}
	r, err := a.client().Get(ctx, a.prefix()+"/subscriptions/"+url.PathEscape(sub.ID))
	if err != nil {
		return err
	}
	var got subscription
	if err := r.ExpectJSON(http.StatusOK, &got, schemas...); err != nil {
		return err
	}
	if !sameJSON(got, sub.subscription) {
		return fmt.Errorf("%s: %+v, want %+v as created", r, got, sub.subscription)
	}
	return sub.notEchoed(r)
}

func (p *vnfpkgm) checkDeleteSubscription(ctx context.Context) error {
	sub, err := p.subscribe(ctx, "PkgmSubscription", p.callbackName("delete"), nil)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	return p.deleteSubscription(ctx, sub.ID)
}

// deleteSubscription deletes subscription id (204), which then reads and
// deletes 404.
func (a *api) deleteSubscription(ctx context.Context, id string) error {
	path := a.prefix() + "/subscriptions/" + url.PathEscape(id)
	del := check.Request{Method: http.MethodDelete, Path: path}
	r, err := a.client().Do(ctx, del)
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
	for _, req := range []check.Request{{Method: http.MethodGet, Path: path}, del} {
		r, err := a.client().Do(ctx, req)
		if err == nil {
			err = a.problem(r, http.StatusNotFound)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkNotifications follows one package through onboarding, enabling,
// disabling and deletion with a subscription on its vnfdId and one on
// another vnfdId.
func (p *vnfpkgm) checkNotifications(ctx context.Context) error {
	built, err := buildPackage(p.srv.cfg.Sources, manifestsSource, csartest.Options{})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	match, err := p.subscribe(ctx, "PkgmSubscription", p.callbackName("match"),
		map[string]any{"vnfdId": []string{built.vnfdID}})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	other, err := p.subscribe(ctx, "PkgmSubscription", p.callbackName("other"),
		map[string]any{"vnfdId": []string{uuid.NewString()}})
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	errs := []error{p.followPackage(ctx, built, match)}
	errs = append(errs, p.srv.callbacks.quiet(other.name),
		p.deleteSubscription(ctx, match.ID), p.deleteSubscription(ctx, other.ID))
	return errors.Join(errs...)
}

// followPackage onboards built, enables, disables and deletes it, and
// expects sub to be told of each step.
func (p *vnfpkgm) followPackage(ctx context.Context, built builtPkg, sub subscribed) error {
	o, err := p.onboardBuilt(ctx, built, "notify", rawZip)
	if err != nil {
		return err
	}
	var errs []error
	errs = append(errs, p.expectPkgNotification(ctx, sub, o.info, pkgOnboardingType, "", ""))
	if err := p.setOperational(ctx, o.info.ID, "ENABLED"); err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, p.expectPkgNotification(ctx, sub, o.info, pkgChangeType, "OP_STATE_CHANGE", "ENABLED"))
	if err := p.setOperational(ctx, o.info.ID, "DISABLED"); err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, p.expectPkgNotification(ctx, sub, o.info, pkgChangeType, "OP_STATE_CHANGE", "DISABLED"))
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: p.path(o.info.ID)})
	if err == nil {
		err = r.ExpectStatus(http.StatusNoContent)
	}
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, p.expectPkgNotification(ctx, sub, o.info, pkgChangeType, "PKG_DELETE", ""))
	return errors.Join(errs...)
}

// expectPkgNotification waits for the notification of type typ (and
// changeType, operationalState if given) about pkg at sub's callback, and
// checks it against the schemas, the subscription and its credentials.
func (p *vnfpkgm) expectPkgNotification(ctx context.Context, sub subscribed, pkg pkgInfo, typ, change, state string) error {
	what := strings.TrimSpace(typ + " " + change + " " + state)
	n, err := p.srv.callbacks.wait(ctx, sub.name, what, func(n notification) bool {
		var got pkgNotification
		return n.decode(&got) == nil && got.NotificationType == typ && got.VnfPkgID == pkg.ID &&
			got.ChangeType == change && (state == "" || got.OperationalState == state)
	})
	if err != nil {
		return err
	}
	schemas, err := p.schema(typ)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range schemas {
		if err := s.Validate(n.Body); err != nil {
			errs = append(errs, fmt.Errorf("%s: invalid: %w", what, err))
		}
	}
	var got pkgNotification
	_ = n.decode(&got)
	if got.SubscriptionID != sub.ID || !strings.HasSuffix(got.Links.Subscription.Href, p.subscriptionPath(sub.ID)) {
		errs = append(errs, fmt.Errorf("%s: subscriptionId %q, _links.subscription %q; want %s",
			what, got.SubscriptionID, got.Links.Subscription.Href, p.subscriptionPath(sub.ID)))
	}
	if got.VnfdID != pkg.VnfdID || !strings.HasSuffix(got.Links.VnfPackage.Href, p.path(pkg.ID)) {
		errs = append(errs, fmt.Errorf("%s: vnfdId %q, _links.vnfPackage %q; want %s and %s",
			what, got.VnfdID, got.Links.VnfPackage.Href, pkg.VnfdID, p.path(pkg.ID)))
	}
	return errors.Join(append(errs, sub.basicAuth(what, n))...)
}

// basicAuth checks the notification came with the subscription's Basic
// credentials.
func (s subscribed) basicAuth(what string, n notification) error {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.user+":"+s.password))
	if n.Authorization != want {
		return fmt.Errorf("%s: the Authorization header (%d bytes) is not the subscription's Basic credentials", what, len(n.Authorization))
	}
	return nil
}
