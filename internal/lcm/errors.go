package lcm

import "errors"

// Errors the engine returns; the API maps them to statuses.
var (
	// ErrBusy: the instance has an operation in flight (409).
	ErrBusy = errors.New("another operation is in progress on the VNF instance")
	// ErrState: the instance's or the operation's state forbids the
	// request (409).
	ErrState = errors.New("state conflict")
	// ErrInvalid: the request cannot be carried out as given, for example a
	// flavour or aspect the VNFD lacks (422).
	ErrInvalid = errors.New("invalid request")
	// ErrPackage: the VNF package the instance needs is not available (422).
	ErrPackage = errors.New("vnf package unavailable")
	// ErrCancelled: the operation was cancelled while it ran.
	ErrCancelled = errors.New("operation cancelled")
)
