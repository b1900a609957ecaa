package sol013

import (
	"errors"
	"fmt"
	"net/http"
)

// ProblemMediaType is the media type of every error body (RFC 7807, SOL 013 §6.4).
const ProblemMediaType = "application/problem+json"

// ProblemDetails is the SOL 013 error body.
type ProblemDetails struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
}

// Error is an error that already knows the HTTP status it should be answered
// with. Handlers and the packages they call return it (or wrap it) for
// client-visible failures; anything else becomes a 500 with a generic detail.
type Error struct {
	Status int
	Title  string
	Detail string
	// Header holds extra response headers, such as WWW-Authenticate or Allow.
	Header http.Header
	// Err is the cause, kept for errors.Is/As and the log, never shown.
	Err error
}

// Errorf returns an *Error with the given status and a formatted detail.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Detail: fmt.Sprintf(format, args...)}
}

// Wrapf is like Errorf but keeps cause for errors.Is and for the log.
func Wrapf(cause error, status int, format string, args ...any) *Error {
	return &Error{Status: status, Detail: fmt.Sprintf(format, args...), Err: cause}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Detail, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// Classifier maps errors of an internal package to an HTTP status. It
// returns 0 for errors it does not know. Interface packages register one per
// internal package whose sentinel errors can reach a handler, so internal
// packages need not know HTTP.
type Classifier func(err error) (status int, detail string)

var classifiers []Classifier

// RegisterClassifier adds c to the funnel. Call it from an init function.
func RegisterClassifier(c Classifier) { classifiers = append(classifiers, c) }

// Problem turns any error into the status and ProblemDetails to answer with.
// It is the one place where errors become HTTP; unknown errors become a 500
// whose detail reveals nothing of the cause.
func Problem(err error) (ProblemDetails, http.Header) {
	var e *Error
	if errors.As(err, &e) {
		return problemFor(e.Status, e.Title, e.Detail), e.Header
	}
	for _, c := range classifiers {
		if status, detail := c(err); status != 0 {
			return problemFor(status, "", detail), nil
		}
	}
	return problemFor(http.StatusInternalServerError, "", "internal error; see the server log"), nil
}

func problemFor(status int, title, detail string) ProblemDetails {
	if title == "" {
		title = http.StatusText(status)
	}
	if detail == "" {
		detail = title
	}
	return ProblemDetails{Status: status, Title: title, Detail: detail}
}
