package csar

import "crypto/x509"

// Default limits, used for every zero field of Options. They are sized for VM
// images of a few GiB; deployments with larger images raise them.
const (
	DefaultMaxPackageSize      int64 = 8 << 30
	DefaultMaxEntries                = 10000
	DefaultMaxFileSize         int64 = 8 << 30
	DefaultMaxTotalSize        int64 = 16 << 30
	DefaultMaxCompressionRatio       = 200
)

const (
	// ratioFloor is the inflated size below which an entry's compression
	// ratio is not judged: small text files of repeated lines legitimately
	// compress far beyond any useful limit, and cannot do harm.
	ratioFloor int64 = 1 << 20
	// maxMetaFileSize bounds TOSCA.meta, the manifest, certificates,
	// signatures and the root YAML read for its metadata: they are read
	// into memory.
	maxMetaFileSize int64 = 16 << 20
)

// Options configures Open. The zero value applies the default limits,
// accepts unsigned packages and reports unlisted files as warnings.
type Options struct {
	// MaxPackageSize bounds the zip file size in bytes.
	MaxPackageSize int64
	// MaxEntries bounds the number of entries (files and directories).
	MaxEntries int
	// MaxFileSize bounds the inflated size of one file.
	MaxFileSize int64
	// MaxTotalSize bounds the inflated size of all files together.
	MaxTotalSize int64
	// MaxCompressionRatio bounds inflated/compressed size, per entry (for
	// entries above 1 MiB) and for the whole package. It is enforced on the
	// bytes actually inflated, not on the sizes the zip headers declare.
	MaxCompressionRatio int

	// TrustedRoots holds the CA certificates a signer must chain to. A
	// signed package with no trusted roots configured is rejected as
	// untrusted.
	TrustedRoots *x509.CertPool
	// RequireSignature rejects packages whose manifest carries no CMS
	// signature.
	RequireSignature bool
	// Strict rejects files that the manifest does not list, instead of
	// reporting them as warnings.
	Strict bool
	// ManifestOptional accepts a package with TOSCA-Metadata that names no
	// ETSI-Entry-Manifest and has no manifest at its root. SOL 004 makes the
	// manifest mandatory; older tools (digests in TOSCA.meta blocks) omit it.
	ManifestOptional bool
}

func (o Options) withDefaults() Options {
	if o.MaxPackageSize <= 0 {
		o.MaxPackageSize = DefaultMaxPackageSize
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxTotalSize <= 0 {
		o.MaxTotalSize = DefaultMaxTotalSize
	}
	if o.MaxCompressionRatio <= 0 {
		o.MaxCompressionRatio = DefaultMaxCompressionRatio
	}
	return o
}
