package vnfpkgm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

func init() {
	sol013.RegisterClassifier(func(err error) (int, string) {
		switch {
		case errors.Is(err, notify.ErrInvalid):
			return http.StatusBadRequest, err.Error()
		case errors.Is(err, notify.ErrCallbackTest):
			// SOL 013: the subscription is refused when its callback fails the test.
			return http.StatusUnprocessableEntity, err.Error()
		}
		return 0, ""
	})
}

// subscriptionSelection: filters and links of a subscription are always
// shown; it has no default-excluded attributes.
var subscriptionSelection = sol013.Selection{Mandatory: [][]string{{"_links"}}}

func (s *Server) subscribe(c *gin.Context) (any, error) {
	var req PkgmSubscriptionRequest
	if err := sol013.BindJSON(c, &req); err != nil {
		return nil, err
	}
	sub, err := s.notify.Subscribe(c.Request.Context(), subscriptionOf(req))
	var dup *notify.DuplicateError
	if errors.As(err, &dup) {
		// SOL 013 §5.10: a duplicate is answered 303 See Other.
		return &sol013.Reply{Status: http.StatusSeeOther,
			Header: http.Header{"Location": {s.subscriptionURI(dup.Existing.ID)}}}, nil
	}
	if err != nil {
		return nil, err
	}
	w := s.subscriptionWire(sub)
	return sol013.Created(w.Links.Self.Href, w), nil
}

func (s *Server) listSubscriptions(c *gin.Context) (any, error) {
	return sol013.ListPage(c, subscriptionLister{s.notify}, subscriptionSelection,
		func(it store.Item[notify.Subscription]) PkgmSubscription { return s.subscriptionWire(it.Doc) })
}

func (s *Server) getSubscription(c *gin.Context) (any, error) {
	sub, err := s.notify.Get(c.Request.Context(), API.Name, c.Param("subscriptionId"))
	if err != nil {
		return nil, err
	}
	return s.subscriptionWire(sub), nil
}

func (s *Server) deleteSubscription(c *gin.Context) (any, error) {
	return nil, s.notify.Delete(c.Request.Context(), API.Name, c.Param("subscriptionId"))
}

func (s *Server) subscriptionURI(id string) string { return s.prefix + "/subscriptions/" + id }

func (s *Server) subscriptionWire(sub notify.Subscription) PkgmSubscription {
	w := PkgmSubscription{ID: sub.ID, CallbackURI: sub.CallbackURI}
	if len(sub.Filter) > 0 {
		var f PkgmNotificationsFilter
		if json.Unmarshal(sub.Filter, &f) == nil {
			w.Filter = &f
		}
	}
	w.Links.Self.Href = s.subscriptionURI(sub.ID)
	return w
}

func subscriptionOf(req PkgmSubscriptionRequest) notify.Subscription {
	sub := notify.Subscription{API: API.Name, CallbackURI: req.CallbackURI}
	if req.Filter != nil {
		sub.Filter, _ = json.Marshal(req.Filter)
		sub.NotificationTypes = req.Filter.NotificationTypes
	}
	sub.Authentication = req.Authentication.Notify()
	return sub
}

// subscriptionLister lists this API's subscriptions for sol013.ListPage.
type subscriptionLister struct{ n *notify.Service }

func (l subscriptionLister) Schema() *query.Schema { return notify.Schema }

func (l subscriptionLister) List(ctx context.Context, f query.Filter, after int64, limit int) (store.Page[notify.Subscription], error) {
	return l.n.List(ctx, API.Name, f, after, limit)
}

// PackageEvent publishes the notifications of a catalogue event to the
// subscriptions whose filters select the package. It runs in the event's
// transaction (catalog.Notifier).
func (s *Server) PackageEvent(ctx context.Context, ev catalog.Event) error {
	p := ev.Package
	n := notify.Notification{API: API.Name, Type: ChangeNotification}
	if ev.Kind == catalog.EventOnboarded {
		n.Type = OnboardingNotification
	}
	now := time.Now().UTC()
	links := func(sub notify.Subscription) PkgmLinks {
		return PkgmLinks{VnfPackage: Link{Href: s.prefix + "/vnf_packages/" + p.ID},
			Subscription: Link{Href: s.subscriptionURI(sub.ID)}}
	}
	n.RenderFunc = func(id string, sub notify.Subscription) (json.RawMessage, error) {
		if n.Type == OnboardingNotification {
			return json.Marshal(VnfPackageOnboardingNotification{ID: id, NotificationType: n.Type,
				SubscriptionID: sub.ID, TimeStamp: now, VnfPkgID: p.ID, VnfdID: p.VNFDID, Links: links(sub)})
		}
		w := VnfPackageChangeNotification{ID: id, NotificationType: n.Type, SubscriptionID: sub.ID,
			TimeStamp: now, VnfPkgID: p.ID, VnfdID: p.VNFDID, ChangeType: string(ev.Kind), Links: links(sub)}
		if ev.Kind == catalog.EventOperationalStateChanged {
			w.OperationalState = string(p.OperationalState)
		}
		return json.Marshal(w)
	}
	_, err := s.notify.Publish(ctx, n, func(sub notify.Subscription) bool { return selects(sub.Filter, p) })
	return err
}

// selects reports whether a subscription's filter selects package p.
func selects(raw json.RawMessage, p catalog.Package) bool {
	if len(raw) == 0 {
		return true
	}
	var f PkgmNotificationsFilter
	if err := json.Unmarshal(raw, &f); err != nil {
		return false
	}
	return anyOf(f.VnfdID, p.VNFDID) && anyOf(f.VnfPkgID, p.ID) &&
		anyOf(f.OperationalState, string(p.OperationalState)) && anyOf(f.UsageState, string(p.UsageState)) &&
		productSelects(f.VnfProductsFromProviders, p)
}

func anyOf(allowed []string, v string) bool { return len(allowed) == 0 || slices.Contains(allowed, v) }

func productSelects(providers []VnfProductsFromProvider, p catalog.Package) bool {
	if len(providers) == 0 {
		return true
	}
	for _, pr := range providers {
		if pr.VnfProvider != p.VNFProvider {
			continue
		}
		if len(pr.VnfProducts) == 0 {
			return true
		}
		for _, prod := range pr.VnfProducts {
			if prod.VnfProductName == p.VNFProductName && versionSelects(prod.Versions, p) {
				return true
			}
		}
	}
	return false
}

func versionSelects(versions []VnfProductVersion, p catalog.Package) bool {
	if len(versions) == 0 {
		return true
	}
	for _, v := range versions {
		if v.VnfSoftwareVersion == p.VNFSoftwareVersion && anyOf(v.VnfdVersions, p.VNFDVersion) {
			return true
		}
	}
	return false
}
