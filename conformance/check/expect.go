package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
)

// Media types the checks expect.
const (
	JSON    = "application/json"
	Problem = "application/problem+json"
)

// Validator checks a JSON body against one schema; an etsischema.Schema
// is one.
type Validator interface {
	Name() string
	Validate(body []byte) error
}

// ExpectStatus returns an error unless the response has one of the
// statuses in want; the error quotes the start of the body, which is
// usually a ProblemDetails saying why.
func (r *Response) ExpectStatus(want ...int) error {
	if slices.Contains(want, r.Status) {
		return nil
	}
	return fmt.Errorf("%s, want %v: %.300s", r, want, r.Body)
}

// MediaType is the response's Content-Type without parameters.
func (r *Response) MediaType() string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// ExpectJSON checks the status, that the body is application/json and
// valid against every schema given, and decodes it into v (if not nil).
func (r *Response) ExpectJSON(status int, v any, schemas ...Validator) error {
	if err := r.ExpectStatus(status); err != nil {
		return err
	}
	if mt := r.MediaType(); mt != JSON {
		return fmt.Errorf("%s: Content-Type %q, want %s", r, r.Header.Get("Content-Type"), JSON)
	}
	if err := r.ExpectValid(schemas...); err != nil {
		return err
	}
	if v != nil {
		if err := json.Unmarshal(r.Body, v); err != nil {
			return fmt.Errorf("%s: decode body: %w", r, err)
		}
	}
	return nil
}

// ExpectValid validates the body against every schema given.
func (r *Response) ExpectValid(schemas ...Validator) error {
	var errs []error
	for _, s := range schemas {
		if err := s.Validate(r.Body); err != nil {
			errs = append(errs, fmt.Errorf("%s: body invalid: %w", r, err))
		}
	}
	return errors.Join(errs...)
}

// ProblemDetails is the SOL 013 error body, as far as the checks read it.
type ProblemDetails struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// ExpectProblem checks an error response: the status, the
// application/problem+json media type, a body valid against schema (if not
// nil) whose status member is the response's, and a detail.
func (r *Response) ExpectProblem(status int, schema Validator) (ProblemDetails, error) {
	var pd ProblemDetails
	if err := r.ExpectStatus(status); err != nil {
		return pd, err
	}
	var errs []error
	if mt := r.MediaType(); mt != Problem {
		errs = append(errs, fmt.Errorf("%s: Content-Type %q, want %s", r, r.Header.Get("Content-Type"), Problem))
	}
	if schema != nil {
		errs = append(errs, r.ExpectValid(schema))
	}
	if err := json.Unmarshal(r.Body, &pd); err != nil {
		errs = append(errs, fmt.Errorf("%s: ProblemDetails: %w", r, err))
	} else if pd.Status != r.Status || pd.Detail == "" {
		errs = append(errs, fmt.Errorf("%s: ProblemDetails has status %d and detail %q, want %d and a detail",
			r, pd.Status, pd.Detail, r.Status))
	}
	return pd, errors.Join(errs...)
}

// ExpectHeader returns an error unless the response has header name.
func (r *Response) ExpectHeader(name string) (string, error) {
	v := r.Header.Get(name)
	if v == "" {
		return "", fmt.Errorf("%s: no %s header", r, http.CanonicalHeaderKey(name))
	}
	return v, nil
}
