package vnfpkgm

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// Notification types of the interface.
const (
	OnboardingNotification = "VnfPackageOnboardingNotification"
	ChangeNotification     = "VnfPackageChangeNotification"
)

// PkgmSubscriptionRequest is SOL 005 §9.5.2.6.
type PkgmSubscriptionRequest struct {
	Filter         *PkgmNotificationsFilter           `json:"filter,omitempty"`
	CallbackURI    string                             `json:"callbackUri"`
	Authentication *sol013.SubscriptionAuthentication `json:"authentication,omitempty"`
}

// PkgmSubscription is SOL 005 §9.5.2.7.
type PkgmSubscription struct {
	ID          string                   `json:"id"`
	Filter      *PkgmNotificationsFilter `json:"filter,omitempty"`
	CallbackURI string                   `json:"callbackUri"`
	Links       struct {
		Self Link `json:"self"`
	} `json:"_links"`
}

// PkgmNotificationsFilter is SOL 005 §9.5.3.2: every attribute given must
// match (values within one attribute are alternatives).
type PkgmNotificationsFilter struct {
	NotificationTypes        []string                  `json:"notificationTypes,omitempty"`
	VnfProductsFromProviders []VnfProductsFromProvider `json:"vnfProductsFromProviders,omitempty"`
	VnfdID                   []string                  `json:"vnfdId,omitempty"`
	VnfPkgID                 []string                  `json:"vnfPkgId,omitempty"`
	OperationalState         oneOrMany                 `json:"operationalState,omitempty"`
	UsageState               oneOrMany                 `json:"usageState,omitempty"`
}

// oneOrMany is a filter attribute that SOL 003/005 v2.6.1 define with
// cardinality 0..1 and later versions with 0..N: it accepts a string or an
// array, and writes a single value back as a string.
type oneOrMany []string

// UnmarshalJSON accepts "X" or ["X", ...].
func (o *oneOrMany) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*o = oneOrMany{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("want a string or an array of strings")
	}
	*o = many
	return nil
}

// MarshalJSON writes one value as a string, several as an array.
func (o oneOrMany) MarshalJSON() ([]byte, error) {
	if len(o) == 1 {
		return json.Marshal(o[0])
	}
	return json.Marshal([]string(o))
}

// VnfProductsFromProvider selects packages by provider and product.
type VnfProductsFromProvider struct {
	VnfProvider string       `json:"vnfProvider"`
	VnfProducts []VnfProduct `json:"vnfProducts,omitempty"`
}

// VnfProduct selects a product and, optionally, versions of it.
type VnfProduct struct {
	VnfProductName string              `json:"vnfProductName"`
	Versions       []VnfProductVersion `json:"versions,omitempty"`
}

// VnfProductVersion selects a software version and, optionally, VNFD
// versions of it.
type VnfProductVersion struct {
	VnfSoftwareVersion string   `json:"vnfSoftwareVersion"`
	VnfdVersions       []string `json:"vnfdVersions,omitempty"`
}

// Validate reports every problem of the request.
func (r *PkgmSubscriptionRequest) Validate() error {
	var errs []error
	if r.CallbackURI == "" {
		errs = append(errs, errors.New("callbackUri is required"))
	}
	if f := r.Filter; f != nil {
		for _, t := range f.NotificationTypes {
			if t != OnboardingNotification && t != ChangeNotification {
				errs = append(errs, fmt.Errorf("filter.notificationTypes: unknown type %q", t))
			}
		}
		errs = append(errs, checkEnum("filter.operationalState", f.OperationalState, "ENABLED", "DISABLED"),
			checkEnum("filter.usageState", f.UsageState, "IN_USE", "NOT_IN_USE"))
	}
	if a := r.Authentication; a != nil {
		errs = append(errs, a.Validate("authentication"))
	}
	return errors.Join(errs...)
}

func checkEnum(path string, got []string, allowed ...string) error {
	for _, v := range got {
		if !slices.Contains(allowed, v) {
			return fmt.Errorf("%s: %q is not one of %v", path, v, allowed)
		}
	}
	return nil
}

// VnfPackageOnboardingNotification is SOL 005 §9.5.2.8.
type VnfPackageOnboardingNotification struct {
	ID               string    `json:"id"`
	NotificationType string    `json:"notificationType"`
	SubscriptionID   string    `json:"subscriptionId"`
	TimeStamp        time.Time `json:"timeStamp"`
	VnfPkgID         string    `json:"vnfPkgId"`
	VnfdID           string    `json:"vnfdId"`
	Links            PkgmLinks `json:"_links"`
}

// VnfPackageChangeNotification is SOL 005 §9.5.2.9.
type VnfPackageChangeNotification struct {
	ID               string    `json:"id"`
	NotificationType string    `json:"notificationType"`
	SubscriptionID   string    `json:"subscriptionId"`
	TimeStamp        time.Time `json:"timeStamp"`
	VnfPkgID         string    `json:"vnfPkgId"`
	VnfdID           string    `json:"vnfdId"`
	ChangeType       string    `json:"changeType"`
	OperationalState string    `json:"operationalState,omitempty"`
	Links            PkgmLinks `json:"_links"`
}

// PkgmLinks are the links of a package notification.
type PkgmLinks struct {
	VnfPackage   Link `json:"vnfPackage"`
	Subscription Link `json:"subscription"`
}
