package etsischema

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// fix replaces a defective ETSI file with a sound schema built from it or
// from another file of the same release.
type fix struct {
	// from is the key of the file the replacement is built from; "" means
	// the defective file itself.
	from string
	// member takes the schema from this member of the file's object: the
	// file wraps the schema in a definition or parameter object.
	member string
	// rename renames top-level keywords the file misspells.
	rename map[string]string
	// array makes the replacement an array of from's schema: the defective
	// file is a list resource's schema that holds a single item's.
	array bool
	// onlyIfEmpty applies the fix only while the file is empty, so a
	// corrected copy is used as it is.
	onlyIfEmpty bool
	// enum adds values to enumerations, keyed by the slash-separated path
	// of the "enum" keyword's parent in the document: values a later
	// release of the spec added and the servers send.
	enum map[string][]string
	// arrayAt makes the schemas at these slash-separated paths of the
	// document arrays of what they were: members ETSI types as one value
	// where the spec has a list.
	arrayAt []string
	// optional drops names from the "required" of the object at each
	// slash-separated path ("" is the root): members the spec's own
	// default selection leaves out of a list.
	optional map[string][]string
	reason   string
}

// fixes are the known defects of ETSI's 2.6.1 schemas, by the lower-case
// key of the defective file. The provenance notes kept with the schemas
// list most; the last three were found by compiling every file.
var fixes = map[string]fix{
	// The subscription list of VNF LCM holds the PM subscription list.
	"sol003/vnflifecyclemanagement-api/subscriptions": {
		from: "sol003/vnflifecyclemanagement-api/lccnsubscription", array: true,
		reason: "ETSI's file holds the PM subscription list; built as an array of LccnSubscription",
	},
	// LccnSubscriptions is a copy of the single LccnSubscription.
	"sol003/vnflifecyclemanagement-api/lccnsubscriptions": {
		from: "sol003/vnflifecyclemanagement-api/lccnsubscription", array: true,
		reason: "ETSI's file is the single LccnSubscription; built as an array of it",
	},
	// The quota subscription list is a single subscription; the
	// capitalised sibling is the right list.
	"sol003/virtualisedresourcesquotaavailablenotification-api/subscriptions": {
		from:   "sol003/virtualisedresourcesquotaavailablenotification-api/vrquotaavailsubscriptions",
		reason: "ETSI's file is a single subscription; VrQuotaAvailSubscriptions used instead",
	},
	// SOL 002 and SOL 003 share the VNF LCM notification types; SOL 002's
	// copies are empty, SOL 003's are not.
	"sol002/vnflifecyclemanagement-api/vnfidentifiercreationnotification": {
		from: "sol003/vnflifecyclemanagement-api/vnfidentifiercreationnotification", onlyIfEmpty: true,
		reason: "ETSI's SOL002 file is empty; SOL003's identical type used instead",
	},
	"sol002/vnflifecyclemanagement-api/vnfidentifierdeletionnotification": {
		from: "sol003/vnflifecyclemanagement-api/vnfidentifierdeletionnotification", onlyIfEmpty: true,
		reason: "ETSI's SOL002 file is empty; SOL003's identical type used instead",
	},
	"sol002/vnflifecyclemanagement-api/vnflcmoperationoccurrencenotification": {
		from: "sol003/vnflifecyclemanagement-api/vnflcmoperationoccurrencenotification", onlyIfEmpty: true,
		reason: "ETSI's SOL002 file is empty; SOL003's identical type used instead",
	},
	// An OpenAPI 2.0 body parameter ("in": "body", "required": true) whose
	// "schema" member is the schema.
	"sol003/vnffaultmanagementnotification-api/alarmnotification": {
		member: "schema", reason: "ETSI's file is an OpenAPI body parameter; its schema member used",
	},
	// The schema sits under its type name.
	"sol003/vnffaultmanagement-api/alarmmodification": {
		member: "AlarmModifications", reason: "ETSI's file wraps the schema in an AlarmModifications member; that member used",
	},
	// "type:" with the colon inside the key constrains nothing.
	"sol002/vnflifecyclemanagement-api/vnfinstances": {
		rename: map[string]string{"type:": "type"}, reason: `ETSI's file misspells "type" as "type:"; renamed`,
	},
	// A package whose onboarding failed is ERROR (SOL 003 v3.3.1 lists it).
	"sol005/vnfpackagemanagement-api/vnfpkginfo": {
		enum: map[string][]string{"properties/onboardingState": onboardingError}, reason: onboardingErrorReason,
	},
	"sol003/vnfpackagemanagement-api/vnfpkginfo": {
		enum: map[string][]string{"properties/onboardingState": onboardingError}, reason: onboardingErrorReason,
	},
	"sol005/vnfpackagemanagement-api/vnfpkgsinfo": {
		enum: map[string][]string{"items/properties/onboardingState": onboardingError}, reason: onboardingErrorReason,
	},
	"sol003/vnfpackagemanagement-api/vnfpkgsinfo": {
		enum: map[string][]string{"items/properties/onboardingState": onboardingError}, reason: onboardingErrorReason,
	},
	// SOL 005 types the filter's notificationTypes as one string; the
	// spec, and SOL 003's copy, have an array of them.
	"sol005/vnfpackagemanagement-api/pkgmsubscription": {
		arrayAt: []string{"properties/filter/properties/notificationTypes"}, reason: notificationTypesReason,
	},
	"sol005/vnfpackagemanagement-api/pkgmsubscriptions": {
		arrayAt: []string{"items/properties/filter/properties/notificationTypes"}, reason: notificationTypesReason,
	},
	// SOL 003 §5.4.12.3.2: a list of occurrences leaves operationParams
	// out unless all_fields or fields asks for it; the schema requires it.
	"sol003/vnflifecyclemanagement-api/vnflcmopoccs": {
		optional: map[string][]string{"items": {"operationParams"}},
		reason:   "ETSI's file requires operationParams, which SOL 003 §5.4.12.3.2 excludes from a list by default; made optional",
	},
}

const notificationTypesReason = "ETSI's SOL005 file types filter.notificationTypes as a string, not an array of them as the spec and SOL003's file do; made an array"

// onboardingError is what SOL 003/005 after 2.6.1 add to VnfPkgInfo's
// onboardingState: the ERROR state, which the servers report (with
// onboardingFailureDetails) for a package whose upload or processing
// failed. ETSI's 2.6.1 test schemas know only the four other states.
var onboardingError = []string{"ERROR"}

const onboardingErrorReason = "ETSI's 2.6.1 file lacks onboardingState ERROR, which later SOL 003/005 releases add; ERROR allowed"

// applyFix builds the replacement document f describes for the file with
// key, whose parsed document is doc (nil when empty).
func (s *Set) applyFix(key string, doc any, f fix) (any, error) {
	name := key
	if f.from != "" {
		var err error
		if doc, name, err = s.read(f.from); err != nil {
			return nil, err
		}
	}
	if doc == nil {
		return nil, fmt.Errorf("%s%s is empty: %w", name, suffix, ErrUnavailable)
	}
	obj, isObj := doc.(map[string]any)
	if (f.member != "" || f.rename != nil) && !isObj {
		return nil, fmt.Errorf("%s%s is not an object", name, suffix)
	}
	if f.member != "" {
		if doc = obj[f.member]; doc == nil {
			return nil, fmt.Errorf("%s%s has no member %q", name, suffix, f.member)
		}
	}
	for from, to := range f.rename {
		if v, ok := obj[from]; ok {
			delete(obj, from)
			obj[to] = v
		}
	}
	for at, values := range f.enum {
		if err := extendEnum(doc, at, values); err != nil {
			return nil, fmt.Errorf("%s%s: %w", name, suffix, err)
		}
	}
	for at, names := range f.optional {
		if err := dropRequired(doc, at, names); err != nil {
			return nil, fmt.Errorf("%s%s: %w", name, suffix, err)
		}
	}
	for _, at := range f.arrayAt {
		if err := wrapArray(doc, at); err != nil {
			return nil, fmt.Errorf("%s%s: %w", name, suffix, err)
		}
	}
	if !f.array {
		return doc, nil
	}
	// doc is freshly parsed, so the fix may take it apart.
	item := doc
	list := map[string]any{"type": "array", "items": item}
	if obj, ok := item.(map[string]any); ok {
		// $schema belongs at the root of a schema resource only.
		if draft, ok := obj["$schema"]; ok {
			list["$schema"] = draft
			delete(obj, "$schema")
		}
	}
	return list, nil
}

// extendEnum appends values to the "enum" of the object at the
// slash-separated path at inside doc.
func extendEnum(doc any, at string, values []string) error {
	node := doc
	for _, seg := range strings.Split(at, "/") {
		obj, ok := node.(map[string]any)
		if !ok {
			return fmt.Errorf("no object at %s", at)
		}
		node = obj[seg]
	}
	obj, ok := node.(map[string]any)
	if !ok {
		return fmt.Errorf("no object at %s", at)
	}
	enum, ok := obj["enum"].([]any)
	if !ok {
		return fmt.Errorf("no enum at %s", at)
	}
	for _, v := range values {
		if !slices.Contains(enum, any(v)) {
			enum = append(enum, v)
		}
	}
	obj["enum"] = enum
	return nil
}

// wrapArray replaces the schema at the slash-separated path at inside doc
// by an array of it.
func wrapArray(doc any, at string) error {
	parentPath, member := path.Split(at)
	node := doc
	for _, seg := range strings.Split(strings.TrimSuffix(parentPath, "/"), "/") {
		obj, ok := node.(map[string]any)
		if !ok {
			return fmt.Errorf("no object at %s", at)
		}
		node = obj[seg]
	}
	parent, ok := node.(map[string]any)
	if !ok || parent[member] == nil {
		return fmt.Errorf("no schema at %s", at)
	}
	if item, ok := parent[member].(map[string]any); ok && item["type"] == "array" {
		return nil // a corrected copy
	}
	parent[member] = map[string]any{"type": "array", "items": parent[member]}
	return nil
}

// dropRequired removes names from the "required" list of the object at
// the slash-separated path at inside doc ("" for doc itself).
func dropRequired(doc any, at string, names []string) error {
	node := doc
	if at != "" {
		for _, seg := range strings.Split(at, "/") {
			obj, ok := node.(map[string]any)
			if !ok {
				return fmt.Errorf("no object at %s", at)
			}
			node = obj[seg]
		}
	}
	obj, ok := node.(map[string]any)
	if !ok {
		return fmt.Errorf("no object at %q", at)
	}
	req, ok := obj["required"].([]any)
	if !ok {
		return fmt.Errorf("no required list at %q", at)
	}
	obj["required"] = slices.DeleteFunc(req, func(v any) bool {
		s, _ := v.(string)
		return slices.Contains(names, s)
	})
	return nil
}
