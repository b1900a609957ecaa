package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// Notification types of VNF LCM, and the schema of each.
const (
	lcmCreationType = "VnfIdentifierCreationNotification"
	lcmDeletionType = "VnfIdentifierDeletionNotification"
	lcmOpOccType    = "VnfLcmOperationOccurrenceNotification"
)

var lcmNotificationSchemas = map[string]string{
	lcmCreationType: "VnfIdentifierCreationNotification",
	lcmDeletionType: "vnfIdentifierDeletionNotification",
	lcmOpOccType:    "VnfLcmOperationOccurrenceNotification",
}

// lcmNotification is a VNF LCM notification as far as the checks read
// it.
type lcmNotification struct {
	NotificationType string `json:"notificationType"`
	SubscriptionID   string `json:"subscriptionId"`
	VnfInstanceID    string `json:"vnfInstanceId"`
	Operation        string `json:"operation"`
	OperationState   string `json:"operationState"`
	VnfLcmOpOccID    string `json:"vnfLcmOpOccId"`
	Links            struct {
		VnfInstance  link  `json:"vnfInstance"`
		Subscription link  `json:"subscription"`
		VnfLcmOpOcc  *link `json:"vnfLcmOpOcc"`
	} `json:"_links"`
}

func (l *vnflcm) subscriptionChecks() []check.Check {
	return []check.Check{
		{Name: "POST /subscriptions: callback tested, 201, Location, LccnSubscription, no password echoed", Run: l.checkSubscribe},
		{Name: "POST the same subscription again: 303 See Other to the existing one", Run: l.checkSubscribeDuplicate},
		{Name: "POST with a callback failing the test GET: 4xx ProblemDetails", Run: l.checkSubscribeRefused},
		{Name: "GET /subscriptions with a filter on callbackUri: that subscription alone, LccnSubscriptions, no password", Run: l.checkSubscriptionFilter},
		{Name: "GET /subscriptions/{id}: 200 LccnSubscription, no password", Run: l.checkGetSubscription},
		{Name: "DELETE /subscriptions/{id}: 204, then GET and DELETE: 404", Run: l.checkDeleteSubscription},
		{Name: "notifications: identifier creation, MODIFY_INFO occurrence, identifier deletion delivered valid with Basic auth; a filter on another name receives none", Run: l.checkNotifications},
	}
}

// callbackName names a callback of this run and version.
func (l *vnflcm) callbackName(name string) string {
	return fmt.Sprintf("%s-v%d-%s-%s", l.name, l.major, l.runID, name)
}

func (l *vnflcm) subscriptionPath(id string) string {
	return l.prefix() + "/subscriptions/" + url.PathEscape(id)
}

// subjectSub is the subscription the single-subscription checks read: on
// instances of a name no instance has.
func (l *vnflcm) subjectSub(ctx context.Context) (subscribed, error) {
	return l.sub.get(func() (subscribed, error) {
		filter := map[string]any{"notificationTypes": []string{lcmCreationType},
			"vnfInstanceSubscriptionFilter": map[string]any{"vnfInstanceNames": []string{l.instanceName("nobody")}}}
		return l.subscribe(ctx, "LccnSubscription", l.callbackName("subject"), filter)
	})
}

func (l *vnflcm) checkSubscribe(ctx context.Context) error {
	_, err := l.subjectSub(ctx)
	return err
}

func (l *vnflcm) checkSubscribeDuplicate(ctx context.Context) error {
	sub, err := l.subjectSub(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	r, err := l.postSubscription(ctx, subscribeBody(sub.CallbackURI, sub.Filter, sub.user, sub.password))
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
	if u, err := r.URL.Parse(loc); err != nil || u.Path != l.subscriptionPath(sub.ID) {
		return fmt.Errorf("%s: Location %q, want the existing subscription %s", r, loc, l.subscriptionPath(sub.ID))
	}
	return sub.notEchoed(r)
}

func (l *vnflcm) checkSubscribeRefused(ctx context.Context) error {
	r, err := l.postSubscription(ctx, subscribeBody(l.srv.callbacks.refusingURI(l.callbackName("refused")), nil, "u", "p"))
	if err != nil {
		return err
	}
	if r.Status/100 != 4 {
		return fmt.Errorf("%s, want 4xx: %.300s", r, r.Body)
	}
	return l.problem(r, r.Status)
}

func (l *vnflcm) checkSubscriptionFilter(ctx context.Context) error {
	sub, err := l.subjectSub(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	schemas, err := l.schema("LccnSubscriptions")
	if err != nil {
		return err
	}
	items, _, err := l.walk(ctx, l.prefix()+"/subscriptions", url.Values{"filter": {"(eq,callbackUri," + sub.CallbackURI + ")"}}, schemas)
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

func (l *vnflcm) checkGetSubscription(ctx context.Context) error {
	sub, err := l.subjectSub(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	return l.readSubscription(ctx, "LccnSubscription", sub)
}

func (l *vnflcm) checkDeleteSubscription(ctx context.Context) error {
	sub, err := l.subscribe(ctx, "LccnSubscription", l.callbackName("delete"), nil)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	return l.deleteSubscription(ctx, sub.ID)
}

// checkNotifications creates, modifies and deletes an instance with a
// subscription on its name and one on another name.
func (l *vnflcm) checkNotifications(ctx context.Context) error {
	byName := func(set string) map[string]any {
		return map[string]any{"vnfInstanceSubscriptionFilter": map[string]any{"vnfInstanceNames": []string{l.instanceName(set)}}}
	}
	match, err := l.subscribe(ctx, "LccnSubscription", l.callbackName("match"), byName("notify"))
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	other, err := l.subscribe(ctx, "LccnSubscription", l.callbackName("other"), byName("nobody"))
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	errs := []error{l.followInstance(ctx, match)}
	errs = append(errs, l.srv.callbacks.quiet(other.name),
		l.deleteSubscription(ctx, match.ID), l.deleteSubscription(ctx, other.ID))
	return errors.Join(errs...)
}

// followInstance creates, modifies and deletes an instance, and expects
// sub to be told of each step.
func (l *vnflcm) followInstance(ctx context.Context, sub subscribed) error {
	inst, err := l.create(ctx, "notify", nil)
	if err != nil {
		return err
	}
	errs := []error{l.expectLCMNotification(ctx, sub, inst.ID, lcmCreationType, "", "")}
	r, err := l.patch(ctx, inst.ID, "", map[string]any{"metadata": map[string]any{"notified": "yes"}})
	if err == nil {
		_, err = l.accepted(ctx, r, inst.ID, "MODIFY_INFO")
	}
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, l.expectLCMNotification(ctx, sub, inst.ID, lcmOpOccType, "MODIFY_INFO", "COMPLETED"))
	r, err = l.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: l.path(inst.ID)})
	if err == nil {
		err = r.ExpectStatus(http.StatusNoContent)
	}
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, l.expectLCMNotification(ctx, sub, inst.ID, lcmDeletionType, "", ""))
	return errors.Join(errs...)
}

// expectLCMNotification waits for the notification of type typ (of
// operation in operationState state, if given) about instance id at sub's
// callback, and checks it against its schema, the subscription and its
// credentials.
func (l *vnflcm) expectLCMNotification(ctx context.Context, sub subscribed, id, typ, operation, state string) error {
	what := strings.TrimSpace(typ + " " + operation + " " + state)
	return l.expectLCMNotificationOf(ctx, sub, id, typ, what, func(got lcmNotification) bool {
		return (operation == "" || got.Operation == operation) && (state == "" || got.OperationState == state)
	})
}

// expectLCMNotificationOf is expectLCMNotification for the first
// notification of type typ about instance id that match accepts.
func (l *vnflcm) expectLCMNotificationOf(ctx context.Context, sub subscribed, id, typ, what string,
	match func(lcmNotification) bool) error {
	n, err := l.srv.callbacks.wait(ctx, sub.name, what, func(n notification) bool {
		var got lcmNotification
		return n.decode(&got) == nil && got.NotificationType == typ && got.VnfInstanceID == id && match(got)
	})
	if err != nil {
		return err
	}
	schemas, err := l.schema(lcmNotificationSchemas[typ])
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range schemas {
		if err := s.Validate(n.Body); err != nil {
			errs = append(errs, fmt.Errorf("%s: invalid: %w", what, err))
		}
	}
	var got lcmNotification
	_ = n.decode(&got)
	if got.SubscriptionID != sub.ID || !strings.HasSuffix(got.Links.Subscription.Href, l.subscriptionPath(sub.ID)) {
		errs = append(errs, fmt.Errorf("%s: subscriptionId %q, _links.subscription %q; want %s",
			what, got.SubscriptionID, got.Links.Subscription.Href, l.subscriptionPath(sub.ID)))
	}
	if !strings.HasSuffix(got.Links.VnfInstance.Href, l.path(id)) {
		errs = append(errs, fmt.Errorf("%s: _links.vnfInstance %q, want %s", what, got.Links.VnfInstance.Href, l.path(id)))
	}
	if typ == lcmOpOccType && (got.Links.VnfLcmOpOcc == nil || !strings.HasSuffix(got.Links.VnfLcmOpOcc.Href, l.opPath(got.VnfLcmOpOccID))) {
		errs = append(errs, fmt.Errorf("%s: _links.vnfLcmOpOcc %v, want %s", what, got.Links.VnfLcmOpOcc, l.opPath(got.VnfLcmOpOccID)))
	}
	return errors.Join(append(errs, sub.basicAuth(what, n))...)
}
