package csar

import (
	"errors"
	"fmt"
)

// Kind classifies why a package was rejected.
type Kind string

// Kinds of package rejection. All of them describe a problem with the package
// itself, so an API may answer them with a 4xx status or an ERROR
// onboarding state.
const (
	// KindNotZip: the bytes are not a zip archive.
	KindNotZip Kind = "not-zip"
	// KindCorrupt: a zip archive that is truncated or damaged (bad offsets,
	// CRC mismatch, sizes that disagree with the data).
	KindCorrupt Kind = "corrupt"
	// KindLimit: a configured size or count limit was exceeded.
	KindLimit Kind = "limit"
	// KindBomb: the data inflates beyond the allowed compression ratio.
	KindBomb Kind = "zip-bomb"
	// KindUnsafePath: an entry or reference escapes the package (../,
	// absolute path, drive letter, backslash).
	KindUnsafePath Kind = "unsafe-path"
	// KindEntryType: an entry is a symbolic link, device, pipe, socket or is
	// encrypted or compressed with an unsupported method.
	KindEntryType Kind = "entry-type"
	// KindDuplicate: two entries share a name, or differ only in case, or a
	// file collides with a directory.
	KindDuplicate Kind = "duplicate-entry"
	// KindStructure: the SOL 004 structure is wrong (no entry definitions,
	// missing TOSCA.meta keys, missing manifest, a referenced file absent).
	KindStructure Kind = "structure"
	// KindManifest: the manifest or TOSCA.meta cannot be parsed.
	KindManifest Kind = "manifest"
	// KindMissingFile: a file listed in the manifest is not in the package.
	KindMissingFile Kind = "missing-file"
	// KindUnlistedFile: a file is not listed in the manifest and the options
	// ask for a strict check.
	KindUnlistedFile Kind = "unlisted-file"
	// KindHashMismatch: a file's digest differs from the manifest.
	KindHashMismatch Kind = "hash-mismatch"
	// KindSignature: a CMS signature is malformed or does not verify.
	KindSignature Kind = "bad-signature"
	// KindUntrusted: the signer certificate does not chain to a trusted root.
	KindUntrusted Kind = "untrusted-certificate"
	// KindUnsigned: the package is unsigned and the policy requires a
	// signature.
	KindUnsigned Kind = "unsigned"
)

// Error is a rejection of a package. Entry names the file inside the package
// the problem concerns, when there is one.
type Error struct {
	Kind   Kind
	Entry  string
	Detail string
	Err    error
}

// Error returns a readable message such as
// "hash-mismatch: Files/images/a.qcow2: SHA-256 digest differs from the manifest".
func (e *Error) Error() string {
	msg := string(e.Kind)
	if e.Entry != "" {
		msg += ": " + fmt.Sprintf("%q", e.Entry)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the *Error in err's chain, or "" when err is not
// a package rejection.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

func newError(kind Kind, entry, detail string) *Error {
	return &Error{Kind: kind, Entry: entry, Detail: detail}
}

func wrapError(kind Kind, entry, detail string, err error) *Error {
	return &Error{Kind: kind, Entry: entry, Detail: detail, Err: err}
}
