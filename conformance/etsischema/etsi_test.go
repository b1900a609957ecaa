package etsischema_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// knownUnavailable are the ETSI files with no sound schema to stand in.
var knownUnavailable = map[string]bool{
	"SOL003/VirtualisedResourcesQuotaAvailableNotification-API/vrQuotaAvailNotification": true,
}

// TestEveryETSISchemaLoads compiles every schema ETSI ships, so a defect
// this package does not work around shows up here, not in an API test.
func TestEveryETSISchemaLoads(t *testing.T) {
	t.Parallel()
	set := etsischema.ForTest(t)
	dir, err := etsischema.Locate()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".schema.json") {
			return err
		}
		n++
		name := strings.TrimSuffix(p, ".schema.json")
		_, err = set.Schema(name)
		switch {
		case knownUnavailable[name] && !errors.Is(err, etsischema.ErrUnavailable):
			t.Errorf("%s: err = %v, want ErrUnavailable", name, err)
		case !knownUnavailable[name] && err != nil:
			t.Errorf("%s: %v", name, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 180 {
		t.Errorf("found %d schema files, want ETSI's 188", n)
	}
}

func TestETSIDefectsWorkedAround(t *testing.T) {
	t.Parallel()
	set := etsischema.ForTest(t)
	lccn := `{"id": "s1", "callbackUri": "http://example.com/cb", "_links": {"self": {"href": "http://example.com/s1"}}}`
	tests := []struct {
		name    string
		schema  string
		fixed   bool
		valid   string
		invalid string
	}{
		{name: "VNF LCM subscription list", schema: "SOL003/VNFLifecycleManagement-API/subscriptions", fixed: true,
			valid: `[` + lccn + `]`, invalid: lccn},
		{name: "LccnSubscriptions is a list", schema: "SOL003/VNFLifecycleManagement-API/LccnSubscriptions", fixed: true,
			valid: `[` + lccn + `]`, invalid: lccn},
		{name: "quota subscription list", schema: "SOL003/VirtualisedResourcesQuotaAvailableNotification-API/subscriptions", fixed: true,
			valid: `[` + lccn + `]`, invalid: lccn},
		{name: "SOL002 empty notification", schema: "SOL002/VNFLifecycleManagement-API/VnfIdentifierDeletionNotification", fixed: true,
			valid:   `{"id": "n", "notificationType": "VnfIdentifierDeletionNotification", "subscriptionId": "s", "timeStamp": "2026-01-02T03:04:05Z", "vnfInstanceId": "v", "_links": {"vnfInstance": {"href": "http://x/v"}, "subscription": {"href": "http://x/s"}}}`,
			invalid: `{"id": "n"}`},
		{name: "cp1252 notification", schema: "SOL005/VNFPackageManagement-API/VnfPackageChangeNotification",
			invalid: `{"id": 5}`},
		{name: "name case as the spec writes it", schema: "SOL003/VNFLifecycleManagement-API/vnfIdentifierCreationNotification",
			invalid: `[]`},
		{name: "OpenAPI parameter object", schema: "SOL003/VNFFaultManagementNotification-API/alarmNotification", fixed: true,
			invalid: `{"id": "n"}`},
		{name: "schema under its type name", schema: "SOL003/VNFFaultManagement-API/AlarmModification", fixed: true,
			valid: `{"ackState": "ACKNOWLEDGED"}`, invalid: `{}`},
		{name: "misspelt type keyword", schema: "SOL002/VNFLifecycleManagement-API/vnfInstances", fixed: true,
			valid: `[]`, invalid: `{}`},
		{name: "SOL005 package", schema: "SOL005/VNFPackageManagement-API/vnfPkgInfo", fixed: true,
			valid:   `{"id": "p", "onboardingState": "CREATED", "operationalState": "DISABLED", "usageState": "NOT_IN_USE", "_links": {"self": {"href": "/p"}, "packageContent": {"href": "/p/package_content"}}}`,
			invalid: `{"id": "p"}`},
		{name: "SOL005 package in ERROR", schema: "SOL005/VNFPackageManagement-API/vnfPkgInfo", fixed: true,
			valid:   `{"id": "p", "onboardingState": "ERROR", "operationalState": "DISABLED", "usageState": "NOT_IN_USE", "_links": {"self": {"href": "/p"}, "packageContent": {"href": "/p/package_content"}}}`,
			invalid: `{"id": "p", "onboardingState": "BROKEN", "operationalState": "DISABLED", "usageState": "NOT_IN_USE", "_links": {"self": {"href": "/p"}, "packageContent": {"href": "/p/package_content"}}}`},
		{name: "SOL003 package list in ERROR", schema: "SOL003/VNFPackageManagement-API/vnfPkgsInfo", fixed: true,
			valid:   `[{"id": "p", "onboardingState": "ERROR", "operationalState": "DISABLED", "usageState": "NOT_IN_USE", "_links": {"self": {"href": "/p"}, "packageContent": {"href": "/p/package_content"}}}]`,
			invalid: `[{"id": "p", "onboardingState": "BROKEN", "operationalState": "DISABLED", "usageState": "NOT_IN_USE", "_links": {"self": {"href": "/p"}, "packageContent": {"href": "/p/package_content"}}}]`},
		{name: "occurrence list without operationParams", schema: "SOL003/VNFLifecycleManagement-API/VnfLcmOpOccs", fixed: true,
			valid:   `[{"id": "o", "operationState": "COMPLETED", "stateEnteredTime": "2026-01-02T03:04:05Z", "startTime": "2026-01-02T03:04:05Z", "vnfInstanceId": "v", "operation": "MODIFY_INFO", "isAutomaticInvocation": false, "isCancelPending": false, "_links": {"self": {"href": "/o"}, "vnfInstance": {"href": "/v"}}}]`,
			invalid: `[{"id": "o", "operationState": "COMPLETED"}]`},
		{name: "SOL005 package subscription filter", schema: "SOL005/VNFPackageManagement-API/PkgmSubscription", fixed: true,
			valid:   pkgmSub(`["VnfPackageChangeNotification"]`),
			invalid: pkgmSub(`"VnfPackageChangeNotification"`)},
		{name: "SOL005 package subscription list filter", schema: "SOL005/VNFPackageManagement-API/PkgmSubscriptions", fixed: true,
			valid:   `[` + pkgmSub(`["VnfPackageOnboardingNotification"]`) + `]`,
			invalid: `[` + pkgmSub(`["NoSuchNotification"]`) + `]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sch, err := set.Schema(tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			if got := sch.Fix() != ""; got != tt.fixed {
				t.Errorf("Fix() = %q, want fixed %v", sch.Fix(), tt.fixed)
			}
			if tt.valid != "" {
				if err := sch.Validate([]byte(tt.valid)); err != nil {
					t.Errorf("valid body rejected: %v", err)
				}
			}
			if err := sch.Validate([]byte(tt.invalid)); err == nil {
				t.Errorf("invalid body %s accepted", tt.invalid)
			}
		})
	}
}

// pkgmSub is a PkgmSubscription whose filter has notificationTypes types.
func pkgmSub(types string) string {
	return `{"id": "s", "callbackUri": "http://example.com/cb", "filter": {"notificationTypes": ` + types +
		`}, "_links": {"self": {"href": "http://x/s"}}}`
}
