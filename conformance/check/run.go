package check

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Check is one named probe of a live server. Run returns nil when the
// server behaves, an error saying every way it does not (errors.Join), or
// a [Skipf] error when the check cannot run with what it was given.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Suite is the checks of one API (or one server's common endpoints), run
// in order: a suite may end with checks that look back over the others,
// such as cleanup.
type Suite struct {
	API    string
	Checks []Check
}

// SkipError marks a check that could not run.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Skipf returns a SkipError.
func Skipf(format string, args ...any) error {
	return &SkipError{Reason: fmt.Sprintf(format, args...)}
}

// Run runs every check of every suite in order, each under its own
// timeout, and reports the results. A panicking check fails; it does not
// stop the run.
func Run(ctx context.Context, suites []Suite, timeout time.Duration) *Report {
	rep := &Report{}
	for _, s := range suites {
		for _, c := range s.Checks {
			rep.Results = append(rep.Results, runOne(ctx, s.API, c, timeout))
		}
	}
	return rep
}

func runOne(ctx context.Context, api string, c Check, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	err := protect(ctx, c.Run)
	res := Result{API: api, Name: c.Name, Err: err, Duration: time.Since(start)}
	var skip *SkipError
	switch {
	case err == nil:
		res.Status = Pass
	case errors.As(err, &skip):
		res.Status = Skip
	default:
		res.Status = Fail
	}
	return res
}

func protect(ctx context.Context, run func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check panicked: %v", r)
		}
	}()
	return run(ctx)
}
