// Package catalog owns the NFVO's catalogue of VNF packages: each package's
// record (what onboarding learnt of it), its three states (onboarding,
// operational, usage) and the rules for moving between them. Reading a
// package's bytes belongs to the csar sub-package, understanding its
// descriptor to tosca and vnfd.
//
// Onboarding state machine (SOL 005 §9.5.4.3):
//
//	CREATED --upload--> UPLOADING --> PROCESSING --+--> ONBOARDED
//	                                               +--> ERROR
//
// Only an ONBOARDED package may be ENABLED or DISABLED; a package can be
// deleted only while it is DISABLED (or never onboarded) and NOT_IN_USE.
package catalog
