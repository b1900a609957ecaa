package vim

import (
	"context"
	"errors"
	"fmt"
)

// Error kinds. Every error a Driver returns matches exactly one of them with errors.Is, so the
// engine can decide without knowing the VIM: retry (ErrTransient, ErrConflict, ErrTimeout),
// fail (ErrPermanent), or treat as done (ErrNotFound on delete).
var (
	// ErrNotFound: the resource or VNF does not exist on the VIM.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a concurrent change won; repeating the call converges.
	ErrConflict = errors.New("conflict")
	// ErrTransient: the VIM is unreachable or overloaded; retry later.
	ErrTransient = errors.New("transient vim failure")
	// ErrPermanent: the request cannot succeed as given (invalid spec, refused, unsupported).
	ErrPermanent = errors.New("permanent vim failure")
	// ErrTimeout: the VIM did not reach the wanted state in time; the work may still finish.
	ErrTimeout = errors.New("timeout")
)

// Error is a classified driver error. It keeps the VIM's message as text only, so no VIM
// client type leaves the driver.
type Error struct {
	// Kind is one of the ErrX sentinels.
	Kind error
	// Op says what was being attempted ("scale deployment web").
	Op string
	// Msg is the VIM's message.
	Msg string
	// cause is a context error kept so errors.Is(err, context.Canceled) holds.
	cause error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("%s: %v", e.Op, e.Kind)
	}
	return fmt.Sprintf("%s: %v: %s", e.Op, e.Kind, e.Msg)
}

// Unwrap returns the kind, and the context error when there is one.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Kind, e.cause}
	}
	return []error{e.Kind}
}

// Errorf returns an *Error of the given kind.
func Errorf(kind error, op, format string, args ...any) error {
	return &Error{Kind: kind, Op: op, Msg: fmt.Sprintf(format, args...)}
}

// ContextError classifies a context error: a deadline is ErrTimeout, a cancellation
// ErrTransient; both keep the context error reachable with errors.Is.
func ContextError(op string, err error) error {
	kind := ErrTransient
	if errors.Is(err, context.DeadlineExceeded) {
		kind = ErrTimeout
	}
	return &Error{Kind: kind, Op: op, Msg: err.Error(), cause: err}
}

// Classify turns a VIM client's error into an Error of the kind kindOf gives it, keeping the
// message only, so no client type leaves a driver. Errors already classified pass unchanged;
// context errors become ContextError.
func Classify(op string, err error, kindOf func(error) error) error {
	if err == nil {
		return nil
	}
	var ve *Error
	if errors.As(err, &ve) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ContextError(op, err)
	}
	return &Error{Kind: kindOf(err), Op: op, Msg: err.Error()}
}

// KindOf returns the ErrX sentinel err matches, or nil.
func KindOf(err error) error {
	for _, k := range []error{ErrNotFound, ErrConflict, ErrTransient, ErrPermanent, ErrTimeout} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}
