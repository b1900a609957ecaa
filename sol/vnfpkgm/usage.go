package vnfpkgm

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/sol/sol013"
	"github.com/cadenza-mano/cadenza/sol/vnflcm"
)

// CallbackPath is where the NFVO receives a VNFM's VNF LCM notifications.
const CallbackPath = "/callbacks/vnflcm/v1"

// DefaultResync is how often the NFVO checks its subscription at the VNFM
// and reconciles package usage with the VNFM's instances.
const DefaultResync = 10 * time.Minute

// UsageOptions configure how the NFVO learns which VNF instances a VNFM
// has. SOL 003 gives the NFVO no other way than the VNFM's lifecycle
// notifications: VnfIdentifierCreationNotification and
// VnfIdentifierDeletionNotification, and the completion of operations that
// may change an instance's vnfdId (MODIFY_INFO, CHANGE_VNFPKG).
type UsageOptions struct {
	// VNFMURL is the VNFM's API root; its VNF LCM v1 is below it.
	VNFMURL string
	// HTTPClient calls the VNFM (give it an auth.Transport for OAuth 2.0).
	HTTPClient *http.Client
	// CallbackURL is the NFVO's API root as the VNFM reaches it.
	CallbackURL string
	// CallbackUser and CallbackPassword are the HTTP Basic credentials the
	// VNFM is to send with notifications; the callback demands them.
	CallbackUser, CallbackPassword string
	// Resync is the period of the subscription check and reconciliation
	// after the first success; zero means DefaultResync.
	Resync time.Duration
	Logger *slog.Logger
}

// Usage keeps the catalogue's package usage in step with one VNFM's VNF
// instances: it subscribes to the VNFM's lifecycle notifications, receives
// them at CallbackPath, and reconciles with the VNFM's instance list at
// start and every Resync, since notifications may be lost while the NFVO
// was down or its subscription missing.
type Usage struct {
	cat    *catalog.Service
	vnfm   *vnflcm.Client
	opts   UsageOptions
	source string // the VNFM, as references record it
	log    *slog.Logger
}

// NewUsage checks opts and returns the tracker; it does no I/O.
func NewUsage(cat *catalog.Service, opts UsageOptions) (*Usage, error) {
	c, err := vnflcm.NewClient(opts.VNFMURL, opts.HTTPClient)
	if err != nil {
		return nil, err
	}
	if opts.CallbackURL == "" || opts.CallbackPassword == "" {
		return nil, errors.New("package usage: a callback URL and password are required")
	}
	if opts.Resync <= 0 {
		opts.Resync = DefaultResync
	}
	u := &Usage{cat: cat, vnfm: c, opts: opts, source: strings.TrimSuffix(opts.VNFMURL, "/"), log: opts.Logger}
	if u.log == nil {
		u.log = slog.Default()
	}
	return u, nil
}

// callbackURI is the subscription's callback. It carries a fingerprint of
// the credentials, so that a subscription made with other credentials
// (the NFVO's key changed) is recognised as stale and replaced.
func (u *Usage) callbackURI() string {
	sum := sha256.Sum256([]byte(u.opts.CallbackUser + ":" + u.opts.CallbackPassword))
	return strings.TrimSuffix(u.opts.CallbackURL, "/") + CallbackPath + "?k=" + hex.EncodeToString(sum[:6])
}

// Mount serves the callback on e: GET for the subscription's test call,
// POST for notifications.
func (u *Usage) Mount(e *gin.Engine) {
	e.GET(CallbackPath, u.authorise, sol013.Wrap(func(*gin.Context) (any, error) { return nil, nil }))
	e.POST(CallbackPath, u.authorise, sol013.Wrap(u.notified))
}

func (u *Usage) authorise(c *gin.Context) {
	user, pass, ok := c.Request.BasicAuth()
	if ok && subtle.ConstantTimeCompare([]byte(user), []byte(u.opts.CallbackUser)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(u.opts.CallbackPassword)) == 1 {
		c.Next()
		return
	}
	sol013.Abort(c, &sol013.Error{Status: http.StatusUnauthorized, Detail: "notification callback: wrong or missing credentials",
		Header: http.Header{"WWW-Authenticate": {`Basic realm="cadenza-nfvo"`}}})
}

// lcmNotification is what the callback reads of any VNF LCM notification.
type lcmNotification struct {
	NotificationType string `json:"notificationType"`
	VnfInstanceID    string `json:"vnfInstanceId"`
	Operation        string `json:"operation"`
	OperationState   string `json:"operationState"`
}

// Operations whose completion may leave an instance on another VNFD.
var vnfdChangingOps = []string{"MODIFY_INFO", "CHANGE_VNFPKG"}

// notified applies one notification. An error answers 5xx, so the VNFM
// delivers it again.
func (u *Usage) notified(c *gin.Context) (any, error) {
	var n lcmNotification
	if err := c.ShouldBindJSON(&n); err != nil || n.VnfInstanceID == "" {
		return nil, sol013.Errorf(http.StatusBadRequest, "not a VNF LCM notification with a vnfInstanceId")
	}
	ctx := c.Request.Context()
	switch n.NotificationType {
	case vnflcm.CreationNotification:
		return nil, u.refresh(ctx, n.VnfInstanceID)
	case vnflcm.DeletionNotification:
		return nil, u.cat.Release(ctx, n.VnfInstanceID, u.source)
	case vnflcm.OpOccNotification:
		if slices.Contains(vnfdChangingOps, n.Operation) {
			return nil, u.refresh(ctx, n.VnfInstanceID)
		}
	}
	return nil, nil
}

// refresh reads instance id from the VNFM and records what it is of; an
// instance the VNFM no longer has is released.
func (u *Usage) refresh(ctx context.Context, id string) error {
	inst, err := u.vnfm.Instance(ctx, id)
	if errors.Is(err, vnflcm.ErrNotFound) {
		return u.cat.Release(ctx, id, u.source)
	}
	if err != nil {
		return err
	}
	return u.cat.Use(ctx, catalog.Reference{InstanceID: id, VNFDID: inst.VnfdID, Source: u.source})
}

// Run subscribes and reconciles until ctx ends: retrying with back-off
// (1 s doubling to 1 min) until it succeeds, then every Resync.
func (u *Usage) Run(ctx context.Context) {
	wait := time.Second
	for {
		next := u.opts.Resync
		if err := u.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			u.log.Warn("package usage: cannot sync with the VNFM; retrying", "vnfm", u.source, "in", wait, "err", err)
			next, wait = wait, min(2*wait, time.Minute)
		} else {
			wait = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(next):
		}
	}
}

// Sync makes sure the subscription exists, then reconciles the references
// of this VNFM with its instance list, taken after the subscription is in
// place so that no change falls between the two.
func (u *Usage) Sync(ctx context.Context) error {
	if err := u.subscribe(ctx); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	listedAt := time.Now()
	insts, err := u.vnfm.Instances(ctx)
	if err != nil {
		return fmt.Errorf("list instances: %w", err)
	}
	live := make(map[string]string, len(insts))
	for _, in := range insts {
		live[in.ID] = in.VnfdID
	}
	// The NFVO follows one VNFM: its list is the truth for every
	// reference, also those recorded under an earlier --vnfm-url.
	if err := u.cat.Reconcile(ctx, "", live, listedAt); err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	u.log.Info("package usage in step with the VNFM", "vnfm", u.source, "instances", len(insts))
	return nil
}

// subscribe creates the subscription unless the VNFM has it, and removes
// earlier ones of this NFVO with other credentials. Several NFVO replicas
// subscribing at once end with one subscription: the VNFM answers the
// duplicates 303.
func (u *Usage) subscribe(ctx context.Context) error {
	subs, err := u.vnfm.Subscriptions(ctx)
	if err != nil {
		return err
	}
	want := u.callbackURI()
	prefix, _, _ := strings.Cut(want, "?")
	have := false
	for _, s := range subs {
		switch {
		case s.CallbackURI == want:
			have = true
		case strings.HasPrefix(s.CallbackURI, prefix+"?k="):
			if err := u.vnfm.Unsubscribe(ctx, s.ID); err != nil {
				return err
			}
		}
	}
	if have {
		return nil
	}
	return u.vnfm.Subscribe(ctx, u.subscriptionRequest(want))
}

func (u *Usage) subscriptionRequest(callback string) vnflcm.LccnSubscriptionRequest {
	return vnflcm.LccnSubscriptionRequest{
		CallbackURI: callback,
		Filter: &vnflcm.LifecycleChangeNotificationsFilter{
			NotificationTypes: []string{vnflcm.CreationNotification, vnflcm.DeletionNotification, vnflcm.OpOccNotification},
			// Only final states: an instance's vnfdId changes with a
			// completed (or undone) operation.
			OperationStates: []string{"COMPLETED", "ROLLED_BACK", "FAILED"},
		},
		Authentication: &sol013.SubscriptionAuthentication{AuthType: []string{sol013.AuthBasic},
			ParamsBasic: &sol013.ParamsBasic{UserName: u.opts.CallbackUser, Password: u.opts.CallbackPassword}},
	}
}
