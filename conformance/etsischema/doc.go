// Package etsischema loads the JSON Schemas of ETSI's NFV API conformance
// tests (SOL 002/003/005 v2.6.1) and validates response bodies against them.
//
// The schema files are ETSI's, kept unchanged outside this repository, and a
// few are defective: some are empty, some are cp1252 instead of UTF-8, some
// hold the wrong type, and file-name case differs from what the spec's
// resource names suggest. This package works around each known defect when it
// loads a schema (see fixes.go), so callers name schemas as the spec does and
// get a schema that checks what the spec says, or an error wrapping
// [ErrUnavailable] when no sound schema exists.
//
// Both the conformance runner and the Go tests of the API packages use it:
//
//	set := etsischema.ForTest(t)
//	set.MustValidate(t, "SOL005/VNFPackageManagement-API/vnfPkgInfo", body)
package etsischema
