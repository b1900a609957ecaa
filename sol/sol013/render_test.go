package sol013_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/sol/sol013"
	lcm "github.com/cadenza-mano/cadenza/sol/vnflcm"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// tricky holds text the two encoders could write differently: HTML
// characters (responses do not escape them), the line separators
// encoding/json always escapes, invalid UTF-8, control characters,
// quotes and backslashes.
const tricky = "<a href=\"x\">&amp;</a> \u2028\u2029 \xff\xfe \x00\x1f\t\n \\ é 日本"

// TestListItemEncoding checks that list items, encoded with goccy/go-json,
// are byte for byte what encoding/json writes for single resources, for a
// package info, problem details, an operation occurrence with raw JSON
// parameters, an instance and a subscription, with values chosen where
// encoders are known to differ.
func TestListItemEncoding(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.FixedZone("", 5400))
	nested := map[string]any{
		"z": tricky, "a": []any{1.0, 1e21, 1e-7, 0.1, -0.0, 123456789.0, math.MaxInt64, nil, true},
		"m": map[string]any{"b": "", "a": map[string]any{}, "c": []any{}}, "k<>&": "v", "s": "1e-07 e-0 2e-05",
	}
	values := map[string]any{
		"package info": vnfpkgm.VnfPkgInfo{
			ID: "p1", VnfdID: "d1", VnfProvider: tricky, Checksum: &vnfpkgm.Checksum{Algorithm: "SHA-256", Hash: "ab"},
			SoftwareImages: []vnfpkgm.VnfPackageSoftwareImage{{ID: "i", Name: tricky, CreatedAt: at.Format(time.RFC3339),
				MinDisk: 1, MinRAM: 2, Size: 1 << 40, UserMetadata: map[string]string{"b": "1", "a": tricky}}},
			AdditionalArtifacts: []vnfpkgm.VnfPackageArtifactInfo{{ArtifactPath: "a/b", Metadata: map[string]string{"z": tricky, "a<": ""}}},
			OnboardingState:     "ONBOARDED", OperationalState: "ENABLED", UsageState: "NOT_IN_USE",
			UserDefinedData:          nested,
			OnboardingFailureDetails: &sol013.ProblemDetails{Status: 400, Title: "t", Detail: tricky},
			Links:                    vnfpkgm.VnfPkgInfoLinks{Self: vnfpkgm.Link{Href: "/x?a=1&b=<2>"}},
		},
		"empty package info": vnfpkgm.VnfPkgInfo{UserDefinedData: map[string]any{}},
		"problem details": sol013.ProblemDetails{Type: "about:blank", Title: "Bad <Request>", Status: 400,
			Detail: tricky, Instance: "/a&b"},
		"op occ": lcm.VnfLcmOpOcc{
			ID: "o1", OperationState: "FAILED_TEMP", StateEnteredTime: at, StartTime: at.UTC(),
			Operation: "INSTANTIATE", OperationParams: json.RawMessage(` { "flavourId" : "simple",
				"additionalParams" : { "n" : 1.50, "s" : "<&>", "l" : [ 1 , 2 ] } } `),
			Error: &lcm.ProblemDetails{Status: 500, Detail: tricky},
			ResourceChanges: &lcm.ResourceChanges{AffectedVnfcs: []lcm.AffectedVnfc{{ID: "c", VduID: "VDU1",
				ChangeType: "ADDED"}}},
		},
		"instance":     lcm.VnfInstance{ID: "i1", Metadata: nested, Extensions: map[string]any{"x": tricky}},
		"subscription": vnfpkgm.PkgmSubscription{ID: "s1", CallbackURI: "http://h/cb?a=1&b=2"},
	}
	for name, v := range values {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatalf("%s: encoding/json: %v", name, err)
		}
		got, err := sol013.EncodeListItem(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
			t.Errorf("%s:\ngot  %s\nwant %s", name, got, w)
		}
	}
}
