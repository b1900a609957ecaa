package vnflcm

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// Notification types of SOL 003 VNF LCM.
const (
	OpOccNotification    = "VnfLcmOperationOccurrenceNotification"
	CreationNotification = "VnfIdentifierCreationNotification"
	DeletionNotification = "VnfIdentifierDeletionNotification"
)

var notificationTypes = []string{OpOccNotification, CreationNotification, DeletionNotification}

// LccnSubscriptionRequest subscribes to lifecycle change notifications.
type LccnSubscriptionRequest struct {
	Filter         *LifecycleChangeNotificationsFilter `json:"filter,omitempty"`
	CallbackURI    string                              `json:"callbackUri"`
	Authentication *sol013.SubscriptionAuthentication  `json:"authentication,omitempty"`
}

// Validate reports every problem of the request.
func (r *LccnSubscriptionRequest) Validate() error {
	var errs []error
	if r.CallbackURI == "" {
		errs = append(errs, errors.New("callbackUri: required"))
	}
	if r.Filter != nil {
		for _, t := range r.Filter.NotificationTypes {
			if !slices.Contains(notificationTypes, t) {
				errs = append(errs, fmt.Errorf("filter.notificationTypes: %q is not a VNF LCM notification", t))
			}
		}
	}
	if a := r.Authentication; a != nil {
		errs = append(errs, a.Validate("authentication"))
	}
	return errors.Join(errs...)
}

// LccnSubscription is a subscription as answered: never with credentials.
type LccnSubscription struct {
	ID          string                              `json:"id"`
	Filter      *LifecycleChangeNotificationsFilter `json:"filter,omitempty"`
	CallbackURI string                              `json:"callbackUri"`
	Links       struct {
		Self Link `json:"self"`
	} `json:"_links"`
}

// LifecycleChangeNotificationsFilter selects notifications: every
// attribute given must match (values within one are alternatives).
type LifecycleChangeNotificationsFilter struct {
	VnfInstanceSubscriptionFilter *VnfInstanceSubscriptionFilter `json:"vnfInstanceSubscriptionFilter,omitempty"`
	NotificationTypes             []string                       `json:"notificationTypes,omitempty"`
	OperationTypes                []string                       `json:"operationTypes,omitempty"`
	OperationStates               []string                       `json:"operationStates,omitempty"`
}

// VnfInstanceSubscriptionFilter selects VNF instances.
type VnfInstanceSubscriptionFilter struct {
	VnfdIds                  []string        `json:"vnfdIds,omitempty"`
	VnfProductsFromProviders json.RawMessage `json:"vnfProductsFromProviders,omitempty"`
	VnfInstanceIds           []string        `json:"vnfInstanceIds,omitempty"`
	VnfInstanceNames         []string        `json:"vnfInstanceNames,omitempty"`
}

// NotificationLinks are the links of a notification.
type NotificationLinks struct {
	VnfInstance  Link  `json:"vnfInstance"`
	Subscription Link  `json:"subscription"`
	VnfLcmOpOcc  *Link `json:"vnfLcmOpOcc,omitempty"`
}

// VnfLcmOperationOccurrenceNotification tells of an op occ's state change.
type VnfLcmOperationOccurrenceNotification struct {
	ID                    string            `json:"id"`
	NotificationType      string            `json:"notificationType"`
	SubscriptionID        string            `json:"subscriptionId"`
	TimeStamp             time.Time         `json:"timeStamp"`
	NotificationStatus    string            `json:"notificationStatus"`
	OperationState        string            `json:"operationState"`
	VnfInstanceID         string            `json:"vnfInstanceId"`
	Operation             string            `json:"operation"`
	IsAutomaticInvocation bool              `json:"isAutomaticInvocation"`
	VnfLcmOpOccID         string            `json:"vnfLcmOpOccId"`
	AffectedVnfcs         []AffectedVnfc    `json:"affectedVnfcs,omitempty"`
	Error                 *ProblemDetails   `json:"error,omitempty"`
	Links                 NotificationLinks `json:"_links"`
	// ChangedInfo is what a MODIFY_INFO changed, in its RESULT.
	ChangedInfo *VnfInfoModifications `json:"changedInfo,omitempty"`
}

// VnfIdentifierNotification is VnfIdentifierCreationNotification and
// VnfIdentifierDeletionNotification, which have the same shape.
type VnfIdentifierNotification struct {
	ID               string            `json:"id"`
	NotificationType string            `json:"notificationType"`
	SubscriptionID   string            `json:"subscriptionId"`
	TimeStamp        time.Time         `json:"timeStamp"`
	VnfInstanceID    string            `json:"vnfInstanceId"`
	Links            NotificationLinks `json:"_links"`
}
