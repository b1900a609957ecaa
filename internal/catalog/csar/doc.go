// Package csar owns the reading and checking of ETSI GS NFV-SOL 004 VNF
// packages (CSAR zip files): safe, streamed extraction into a content store
// directory, the two package structures (with TOSCA-Metadata/TOSCA.meta, or a
// single root YAML with a same-named manifest), the manifest (.mf) with its
// per-file digests, and the CMS signatures of the manifest and of individual
// artifacts.
//
// Open is the entry point. It reads a zip file from disk without ever holding
// the whole package in memory, rejects hostile archives (path traversal,
// absolute paths, symbolic links, device files, duplicate entries, zip bombs,
// truncated or non-zip bytes) and returns a *Package exposing the extracted
// files as an fs.FS together with the facts onboarding needs: the entry
// definitions, the TOSCA.meta keys, the manifest metadata, the list of files
// with sizes and checksums, the package checksum, the signature status and
// non-fatal warnings.
//
// Every rejection is a *Error carrying a Kind, so callers can answer 4xx or
// set onboardingState ERROR with a readable detail naming the entry. Errors
// that are not *Error are local failures (disk, context) rather than problems
// with the package.
//
// Open proceeds in stages; the first failure stops it and removes what was
// extracted:
//
//	stat + size limit ──► central directory checks ──► layout (TOSCA.meta or root YAML)
//	        │                                                   │
//	        ▼                                                   ▼
//	package SHA-256 (concurrent)           manifest read from the zip (bounded)
//	                                                            │
//	                                                            ▼
//	             extraction: inflate with limits, hash each file once (SHA-256
//	             plus the manifest's algorithm when it differs)
//	                                                            │
//	                                                            ▼
//	             digest checks ──► CMS signatures ──► *Package
package csar
