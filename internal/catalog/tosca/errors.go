package tosca

import (
	"errors"
	"fmt"
	"sort"
)

// Code classifies a problem found while loading or validating a template.
type Code string

// Problem classes. Tests and callers match on them with errors.As.
const (
	CodeSyntax          Code = "syntax"           // not YAML, or not the TOSCA grammar
	CodeLimit           Code = "limit"            // a safety limit was exceeded
	CodeImport          Code = "import"           // an import could not be resolved
	CodeImportCycle     Code = "import-cycle"     // imports form a cycle
	CodeVersion         Code = "version"          // unsupported tosca_definitions_version
	CodeDuplicate       Code = "duplicate"        // a name is defined twice
	CodeUnknownType     Code = "unknown-type"     // a type name does not resolve
	CodeDerivation      Code = "derivation"       // derived_from is cyclic or of the wrong kind
	CodeUnknownProperty Code = "unknown-property" // a property, attribute or field the type does not declare
	CodeMissingRequired Code = "missing-required" // a required property has no value
	CodeWrongType       Code = "wrong-type"       // a value does not have the declared type
	CodeConstraint      Code = "constraint"       // a value violates a constraint
	CodeUnknownName     Code = "unknown-name"     // a reference to a template, requirement, capability, interface or input that does not exist
	CodeFunction        Code = "function"         // an intrinsic function is malformed or cannot be resolved
	CodeInconsistent    Code = "inconsistent"     // templates contradict each other (a descriptor model's rule)
)

// Error is one problem, located in a definitions file.
type Error struct {
	Code Code
	Pos  Pos
	// Path is where in the document the problem is, e.g.
	// topology_template.node_templates.VDU1.properties.name.
	Path string
	Msg  string
}

// Error formats the problem as file:line:col: path: message.
func (e *Error) Error() string {
	loc := e.Pos.String()
	switch {
	case e.Path == "":
		return fmt.Sprintf("%s: %s", loc, e.Msg)
	default:
		return fmt.Sprintf("%s: %s: %s", loc, e.Path, e.Msg)
	}
}

// Errors lists the *Error values in err, which may be a join of them,
// possibly wrapped.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		switch x := err.(type) {
		case nil:
		case *Error:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// NewError builds a located problem, for descriptor models built on top of a
// loaded template.
func NewError(code Code, pos Pos, path, format string, args ...any) *Error {
	return &Error{Code: code, Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// maxErrors caps how many problems one load collects, so a hostile document
// cannot make the report itself unbounded.
const maxErrors = 1000

// diag collects problems.
type diag struct {
	errs      []*Error
	truncated bool
}

func (d *diag) add(code Code, pos Pos, path, format string, args ...any) {
	if len(d.errs) >= maxErrors {
		d.truncated = true
		return
	}
	d.errs = append(d.errs, &Error{Code: code, Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *diag) failed() bool { return len(d.errs) > 0 }

// err joins the problems in file and line order.
func (d *diag) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Pos.less(d.errs[j].Pos) })
	errs := make([]error, 0, len(d.errs)+1)
	for _, e := range d.errs {
		errs = append(errs, e)
	}
	if d.truncated {
		errs = append(errs, fmt.Errorf("more than %d problems, the rest not reported", maxErrors))
	}
	return errors.Join(errs...)
}

// joinPath appends elements to a dotted document path.
func joinPath(base string, elems ...string) string {
	for _, e := range elems {
		if base == "" {
			base = e
			continue
		}
		base += "." + e
	}
	return base
}
