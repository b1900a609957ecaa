package query

import (
	"errors"
	"fmt"
	"strings"
)

// Op is a comparison operator of SOL 013 attribute-based filtering.
type Op string

// The operators of SOL 013 §5.2.
const (
	Eq    Op = "eq"
	Neq   Op = "neq"
	Gt    Op = "gt"
	Lt    Op = "lt"
	Gte   Op = "gte"
	Lte   Op = "lte"
	Cont  Op = "cont"
	Ncont Op = "ncont"
)

// Ops lists every operator, in the order SOL 013 names them.
var Ops = []Op{Eq, Neq, Gt, Lt, Gte, Lte, Cont, Ncont}

// Valid reports whether o is one of Ops.
func (o Op) Valid() bool {
	for _, k := range Ops {
		if o == k {
			return true
		}
	}
	return false
}

// SingleValued reports whether o takes exactly one value (gt, lt, gte, lte);
// the others take one or more.
func (o Op) SingleValued() bool { return o == Gt || o == Lt || o == Gte || o == Lte }

// negated reports whether o matches when its positive form does not.
func (o Op) negated() bool { return o == Neq || o == Ncont }

// positive returns the operator o negates, or o itself.
func (o Op) positive() Op {
	switch o {
	case Neq:
		return Eq
	case Ncont:
		return Cont
	}
	return o
}

// Term is one comparison: the attribute at Path compared by Op with Values.
type Term struct {
	// Path names the attribute, one element per level (["a","b"] for a/b).
	Path []string
	Op   Op
	// Values are the term's values as written, unquoted; the schema gives
	// them their type.
	Values []string
}

// Filter is a conjunction of terms: a document matches if every term does.
// The empty filter matches everything.
type Filter []Term

// ErrInvalid is wrapped by every error about a filter that cannot be used
// with a schema: unknown attribute, operator not applicable, bad value.
var ErrInvalid = errors.New("invalid filter")

// InvalidError says why one term of a filter cannot be used. It matches
// ErrInvalid with errors.Is.
type InvalidError struct {
	// Path is the term's attribute path as written (a/b/c).
	Path string
	// Reason says what is wrong.
	Reason string
}

// Error says which attribute the problem is with and what it is.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("attribute %q: %s", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(path []string, format string, args ...any) *InvalidError {
	return &InvalidError{Path: strings.Join(path, "/"), Reason: fmt.Sprintf(format, args...)}
}

// invalidErrors is every problem of one filter, on one line so that it can
// be a ProblemDetails detail as it is. Check returns it even for one problem.
type invalidErrors []error

func (e invalidErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return "invalid filter: " + strings.Join(msgs, "; ")
}

func (e invalidErrors) Unwrap() []error { return e }
