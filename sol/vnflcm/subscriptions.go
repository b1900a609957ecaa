package vnflcm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// subscriptionSelection: a subscription has no default-excluded attributes.
var subscriptionSelection = sol013.Selection{Mandatory: [][]string{{"_links"}}}

// subscriptionAPI is the notify API name of major version m's
// subscriptions: v1 and v2 subscribers receive their own version's shapes.
func subscriptionAPI(m int) string { return API.Prefix(m) }

func (s *Server) subscribe(c *gin.Context) (any, error) {
	var req LccnSubscriptionRequest
	if err := sol013.BindJSON(c, &req); err != nil {
		return nil, err
	}
	sub, err := s.notify.Subscribe(c.Request.Context(), s.subscriptionOf(req))
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
	return sol013.ListPage(c, subscriptionLister{s.notify, subscriptionAPI(s.major)}, subscriptionSelection,
		func(it store.Item[notify.Subscription]) LccnSubscription { return s.subscriptionWire(it.Doc) })
}

func (s *Server) getSubscription(c *gin.Context) (any, error) {
	sub, err := s.notify.Get(c.Request.Context(), subscriptionAPI(s.major), c.Param("id"))
	if err != nil {
		return nil, err
	}
	return s.subscriptionWire(sub), nil
}

func (s *Server) deleteSubscription(c *gin.Context) (any, error) {
	return nil, s.notify.Delete(c.Request.Context(), subscriptionAPI(s.major), c.Param("id"))
}

func (s *Server) subscriptionURI(id string) string { return s.prefix + "/subscriptions/" + id }

func (s *Server) subscriptionWire(sub notify.Subscription) LccnSubscription {
	w := LccnSubscription{ID: sub.ID, CallbackURI: sub.CallbackURI}
	if len(sub.Filter) > 0 {
		var f LifecycleChangeNotificationsFilter
		if json.Unmarshal(sub.Filter, &f) == nil {
			w.Filter = &f
		}
	}
	w.Links.Self.Href = s.subscriptionURI(sub.ID)
	return w
}

func (s *Server) subscriptionOf(req LccnSubscriptionRequest) notify.Subscription {
	sub := notify.Subscription{API: subscriptionAPI(s.major), CallbackURI: req.CallbackURI}
	if req.Filter != nil {
		sub.Filter, _ = json.Marshal(req.Filter)
		sub.NotificationTypes = req.Filter.NotificationTypes
	}
	sub.Authentication = req.Authentication.Notify()
	return sub
}

// subscriptionLister lists one version's subscriptions for sol013.ListPage.
type subscriptionLister struct {
	n   *notify.Service
	api string
}

// Schema is the schema subscription filters are checked against.
func (l subscriptionLister) Schema() *query.Schema { return notify.Schema }

// List lists one page of the version's subscriptions.
func (l subscriptionLister) List(ctx context.Context, f query.Filter, after int64, limit int) (store.Page[notify.Subscription], error) {
	return l.n.List(ctx, l.api, f, after, limit)
}

// notifier publishes the engine's events to the subscribers of every
// version, each in its own version's shape.
type notifier struct{ servers []*Server }

var _ lcm.Notifier = notifier{}

// LCMEvent publishes ev; it runs in the transaction of the change.
func (n notifier) LCMEvent(ctx context.Context, ev lcm.Event) error {
	for _, s := range n.servers {
		if err := s.publish(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) publish(ctx context.Context, ev lcm.Event) error {
	now := time.Now().UTC()
	n := notify.Notification{API: subscriptionAPI(s.major)}
	inst := ev.Instance
	links := func(sub notify.Subscription) NotificationLinks {
		return NotificationLinks{VnfInstance: s.link("/vnf_instances/%s", inst.ID), Subscription: Link{Href: s.subscriptionURI(sub.ID)}}
	}
	switch ev.Kind {
	case lcm.EventInstanceCreated, lcm.EventInstanceDeleted:
		n.Type = CreationNotification
		if ev.Kind == lcm.EventInstanceDeleted {
			n.Type = DeletionNotification
		}
		n.RenderFunc = func(id string, sub notify.Subscription) (json.RawMessage, error) {
			return json.Marshal(VnfIdentifierNotification{ID: id, NotificationType: n.Type, SubscriptionID: sub.ID,
				TimeStamp: now, VnfInstanceID: inst.ID, Links: links(sub)})
		}
	case lcm.EventOpStateChanged:
		n.Type = OpOccNotification
		body := s.opNotification(*ev.Op, now)
		n.RenderFunc = func(id string, sub notify.Subscription) (json.RawMessage, error) {
			b := body
			b.ID, b.SubscriptionID, b.Links = id, sub.ID, links(sub)
			b.Links.VnfLcmOpOcc = s.linkp("/vnf_lcm_op_occs/%s", ev.Op.ID)
			return json.Marshal(b)
		}
	default:
		return nil
	}
	_, err := s.notify.Publish(ctx, n, func(sub notify.Subscription) bool { return selects(sub.Filter, ev) })
	return err
}

// opNotification is the notification of op's state, without the parts
// that depend on the subscription.
func (s *Server) opNotification(op lcm.OpOcc, now time.Time) VnfLcmOperationOccurrenceNotification {
	status := "RESULT"
	switch op.State {
	case lcm.Starting, lcm.Processing, lcm.RollingBack:
		status = "START"
	}
	n := VnfLcmOperationOccurrenceNotification{NotificationType: OpOccNotification, TimeStamp: now,
		NotificationStatus: status, OperationState: string(op.State), VnfInstanceID: op.VNFInstanceID,
		Operation: string(op.Operation), IsAutomaticInvocation: op.IsAutomaticInvocation, VnfLcmOpOccID: op.ID}
	if op.Error != nil {
		n.Error = &ProblemDetails{Title: op.Error.Title, Status: op.Error.Status, Detail: op.Error.Detail}
	}
	if op.ResourceChanges != nil {
		n.AffectedVnfcs = changesToWire(op.ResourceChanges).AffectedVnfcs
	}
	n.ChangedInfo = s.changedToWire(op.ChangedInfo)
	return n
}

// selects reports whether a subscription's filter selects ev.
func selects(raw json.RawMessage, ev lcm.Event) bool {
	if len(raw) == 0 {
		return true
	}
	var f LifecycleChangeNotificationsFilter
	if err := json.Unmarshal(raw, &f); err != nil {
		return false
	}
	if ev.Op != nil && (!anyOf(f.OperationTypes, string(ev.Op.Operation)) || !anyOf(f.OperationStates, string(ev.Op.State))) {
		return false
	}
	i := f.VnfInstanceSubscriptionFilter
	if i == nil {
		return true
	}
	inst := ev.Instance
	return anyOf(i.VnfdIds, inst.VNFDID) && anyOf(i.VnfInstanceIds, inst.ID) && anyOf(i.VnfInstanceNames, inst.Name)
}

func anyOf(allowed []string, v string) bool { return len(allowed) == 0 || slices.Contains(allowed, v) }
