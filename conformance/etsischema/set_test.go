package etsischema

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const lccnSubscription = `{"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}`

// defective mirrors, in miniature, each kind of defect of ETSI's files.
func defective() fstest.MapFS {
	return fstest.MapFS{
		"SOL003/VNFLifecycleManagement-API/LccnSubscription.schema.json": {Data: []byte(lccnSubscription)},
		// Wrong content: the PM subscription list.
		"SOL003/VNFLifecycleManagement-API/subscriptions.schema.json": {Data: []byte(
			`{"type": "array", "items": {"type": "object", "required": ["pm"]}}`)},
		"SOL003/VNFLifecycleManagement-API/LccnSubscriptions.schema.json": {Data: []byte(
			`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["id"]}`)},
		// Empty, with a sound SOL003 sibling.
		"SOL002/VNFLifecycleManagement-API/VnfIdentifierCreationNotification.schema.json": {Data: nil},
		"SOL003/VNFLifecycleManagement-API/VnfIdentifierCreationNotification.schema.json": {Data: []byte(
			`{"type": "object", "required": ["notificationType"]}`)},
		// Empty, with nothing to stand in.
		"SOL003/VirtualisedResourcesQuotaAvailableNotification-API/vrQuotaAvailNotification.schema.json": {Data: []byte("\n")},
		// Windows-1252: 0x92 is a right single quote, invalid as UTF-8.
		"SOL005/VNFPackageManagement-API/VnfPackageChangeNotification.schema.json": {Data: []byte(
			"{\"description\": \"the package\x92s state\", \"type\": \"object\", \"required\": [\"id\"]}")},
		// Wrapped in a parameter object; wrapped in a definition; misspelt.
		"SOL003/VNFFaultManagementNotification-API/alarmNotification.schema.json": {Data: []byte(
			`{"in": "body", "required": true, "schema": {"type": "object", "required": ["id"]}}`)},
		"SOL003/VNFFaultManagement-API/AlarmModification.schema.json": {Data: []byte(
			`{"AlarmModifications": {"type": "object", "required": ["ackState"]}}`)},
		"SOL002/VNFLifecycleManagement-API/vnfInstances.schema.json": {Data: []byte(
			`{"type:": "array", "items": {"type": "object"}}`)},
		// Names differing only in case: the exact one wins.
		"SOL005/X-API/Subscription.schema.json": {Data: []byte(`{"type": "object"}`)},
		"SOL005/X-API/subscription.schema.json": {Data: []byte(`{"type": "array"}`)},
		"SOL005/X-API/VnfPkgInfo.schema.json":   {Data: []byte(`{"type": "object", "properties": {"createdAt": {"type": "string", "format": "date-time"}}}`)},
		"SOL005/X-API/broken.schema.json":       {Data: []byte(`{"type": `)},
		// An enumeration a later release extended; one where the path is wrong.
		"SOL003/VNFPackageManagement-API/vnfPkgInfo.schema.json": {Data: []byte(
			`{"type": "object", "properties": {"onboardingState": {"type": "string", "enum": ["CREATED", "ONBOARDED"]}}}`)},
		"SOL005/VNFPackageManagement-API/vnfPkgsInfo.schema.json": {Data: []byte(`{"type": "array", "items": {}}`)},
		// A member the spec's default selection leaves out, required.
		"SOL003/VNFLifecycleManagement-API/VnfLcmOpOccs.schema.json": {Data: []byte(
			`{"type": "array", "items": {"type": "object", "required": ["id", "operationParams"]}}`)},
		// One value typed where the spec has a list of them.
		"SOL005/VNFPackageManagement-API/PkgmSubscription.schema.json": {Data: []byte(
			`{"type": "object", "properties": {"filter": {"type": "object", "properties": {"notificationTypes": {"type": "string", "enum": ["A"]}}}}}`)},
	}
}

func TestSchemaWorkarounds(t *testing.T) {
	t.Parallel()
	set := OpenFS(defective())
	tests := []struct {
		name    string
		schema  string
		valid   []string
		invalid []string
		fixed   bool
	}{
		{name: "wrong list replaced by a list of the item", schema: "SOL003/VNFLifecycleManagement-API/subscriptions",
			valid: []string{`[]`, `[{"id": "a"}]`}, invalid: []string{`{"id": "a"}`, `[{"pm": 1}]`}, fixed: true},
		{name: "single item named as a list", schema: "SOL003/VNFLifecycleManagement-API/LccnSubscriptions",
			valid: []string{`[{"id": "a"}]`}, invalid: []string{`{"id": "a"}`, `[{}]`}, fixed: true},
		{name: "empty SOL002 file replaced by SOL003's", schema: "SOL002/VNFLifecycleManagement-API/VnfIdentifierCreationNotification",
			valid: []string{`{"notificationType": "x"}`}, invalid: []string{`{}`}, fixed: true},
		{name: "parameter object unwrapped", schema: "SOL003/VNFFaultManagementNotification-API/alarmNotification",
			valid: []string{`{"id": "a"}`}, invalid: []string{`{}`, `{"in": "body"}`}, fixed: true},
		{name: "definition unwrapped", schema: "SOL003/VNFFaultManagement-API/AlarmModification",
			valid: []string{`{"ackState": "x"}`}, invalid: []string{`{}`}, fixed: true},
		{name: "misspelt keyword renamed", schema: "SOL002/VNFLifecycleManagement-API/vnfInstances",
			valid: []string{`[{}]`}, invalid: []string{`{}`, `[1]`}, fixed: true},
		{name: "enumeration extended", schema: "SOL003/VNFPackageManagement-API/vnfPkgInfo",
			valid:   []string{`{"onboardingState": "ERROR"}`, `{"onboardingState": "CREATED"}`},
			invalid: []string{`{"onboardingState": "BROKEN"}`}, fixed: true},
		{name: "member made optional", schema: "SOL003/VNFLifecycleManagement-API/VnfLcmOpOccs",
			valid: []string{`[{"id": "o"}]`, `[{"id": "o", "operationParams": {}}]`}, invalid: []string{`[{}]`}, fixed: true},
		{name: "member made a list", schema: "SOL005/VNFPackageManagement-API/PkgmSubscription",
			valid:   []string{`{"filter": {"notificationTypes": ["A"]}}`, `{"filter": {}}`},
			invalid: []string{`{"filter": {"notificationTypes": "A"}}`, `{"filter": {"notificationTypes": ["B"]}}`}, fixed: true},
		{name: "cp1252 file decoded", schema: "SOL005/VNFPackageManagement-API/VnfPackageChangeNotification",
			valid: []string{`{"id": "a"}`}, invalid: []string{`{}`}},
		{name: "case-insensitive name with suffix", schema: "sol005/x-api/vnfpkginfo.schema.json",
			valid: []string{`{}`, `{"createdAt": "2026-01-02T03:04:05Z"}`}, invalid: []string{`[]`, `{"createdAt": "yesterday"}`}},
		{name: "exact case preferred", schema: "SOL005/X-API/subscription",
			valid: []string{`[]`}, invalid: []string{`{}`}},
		{name: "exact case preferred, other spelling", schema: "SOL005/X-API/Subscription",
			valid: []string{`{}`}, invalid: []string{`[]`}},
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
			for _, body := range tt.valid {
				if err := sch.Validate([]byte(body)); err != nil {
					t.Errorf("Validate(%s) = %v, want nil", body, err)
				}
			}
			for _, body := range tt.invalid {
				if err := sch.Validate([]byte(body)); err == nil {
					t.Errorf("Validate(%s) = nil, want an error", body)
				}
			}
		})
	}
}

func TestSchemaUnavailable(t *testing.T) {
	t.Parallel()
	set := OpenFS(defective())
	tests := []struct {
		name        string
		schema      string
		unavailable bool
	}{
		{name: "empty without substitute", schema: "SOL003/VirtualisedResourcesQuotaAvailableNotification-API/vrQuotaAvailNotification", unavailable: true},
		{name: "no such file", schema: "SOL005/X-API/nothing", unavailable: true},
		{name: "no such folder", schema: "SOL009/X-API/Subscription", unavailable: true},
		{name: "outside the root", schema: "../X-API/Subscription", unavailable: true},
		{name: "not JSON", schema: "SOL005/X-API/broken"},
		{name: "enumeration to extend missing", schema: "SOL005/VNFPackageManagement-API/vnfPkgsInfo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := set.Schema(tt.schema)
			if err == nil {
				t.Fatal("Schema() = nil error, want one")
			}
			if got := errors.Is(err, ErrUnavailable); got != tt.unavailable {
				t.Errorf("errors.Is(%v, ErrUnavailable) = %v, want %v", err, got, tt.unavailable)
			}
		})
	}
}

func TestOnlyIfEmptyKeepsCorrectedFile(t *testing.T) {
	t.Parallel()
	fsys := defective()
	fsys["SOL002/VNFLifecycleManagement-API/VnfIdentifierCreationNotification.schema.json"] = &fstest.MapFile{
		Data: []byte(`{"type": "object", "required": ["sol002"]}`)}
	sch, err := OpenFS(fsys).Schema("SOL002/VNFLifecycleManagement-API/VnfIdentifierCreationNotification")
	if err != nil {
		t.Fatal(err)
	}
	if sch.Fix() != "" {
		t.Errorf("Fix() = %q, want the corrected file used as it is", sch.Fix())
	}
	if err := sch.Validate([]byte(`{"notificationType": "x"}`)); err == nil {
		t.Error("SOL003's schema was used although SOL002's file is no longer empty")
	}
}

func TestDecodeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{name: "utf-8 kept", raw: "caf\u00e9 \u2019", want: "caf\u00e9 \u2019"},
		{name: "bom dropped", raw: "\ufeff{}", want: "{}"},
		{name: "cp1252 quotes", raw: "\x93x\x94 y\x92s", want: "\u201cx\u201d y\u2019s"},
		{name: "cp1252 latin", raw: "caf\xe9", want: "caf\u00e9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := decodeText([]byte(tt.raw)); got != tt.want {
				t.Errorf("decodeText(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestValidateRejectsNonJSON(t *testing.T) {
	t.Parallel()
	set := OpenFS(defective())
	for _, body := range []string{``, `{`, `{} {}`, `nul`} {
		err := set.Validate("SOL005/X-API/Subscription", []byte(body))
		if err == nil || !strings.Contains(err.Error(), "not one JSON document") {
			t.Errorf("Validate(%q) = %v, want a parse error", body, err)
		}
	}
}

func TestValidateValue(t *testing.T) {
	t.Parallel()
	set := OpenFS(defective())
	if err := set.ValidateValue("SOL005/X-API/VnfPkgInfo", map[string]any{"createdAt": "2026-01-02T03:04:05Z"}); err != nil {
		t.Errorf("ValidateValue(valid) = %v", err)
	}
	if err := set.ValidateValue("SOL005/X-API/VnfPkgInfo", map[string]any{"createdAt": 5}); err == nil {
		t.Error("ValidateValue(invalid) = nil, want an error")
	}
	if err := set.ValidateValue("SOL005/X-API/VnfPkgInfo", func() {}); err == nil {
		t.Error("ValidateValue(unmarshallable) = nil, want an error")
	}
}
