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
//
// Usage state is derived, never set: a package is IN_USE while at least one
// VNF instance refers to its vnfdId. The references (instance -> vnfdId,
// and who told of the instance) are kept in their own collection; every
// change of one recounts the package's references in the same
// transaction. Disabling a package in use is allowed; deleting it is not.
package catalog
