package check_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

func TestRunAndReport(t *testing.T) {
	t.Parallel()
	suites := []check.Suite{
		{API: "nfvo", Checks: []check.Check{
			{Name: "passes", Run: func(context.Context) error { return nil }},
			{Name: "skips", Run: func(context.Context) error { return check.Skipf("no %s", "token") }},
		}},
		{API: "vnfpkgm", Checks: []check.Check{
			{Name: "fails", Run: func(context.Context) error {
				return errors.Join(errors.New("first\tproblem"), errors.New("second problem"))
			}},
			{Name: "panics", Run: func(context.Context) error { panic("boom") }},
			{Name: "times out", Run: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }},
		}},
	}
	rep := check.Run(context.Background(), suites, 50*time.Millisecond)
	want := []check.Status{check.Pass, check.Skip, check.Fail, check.Fail, check.Fail}
	if len(rep.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(rep.Results), len(want))
	}
	for i, res := range rep.Results {
		if res.Status != want[i] {
			t.Errorf("%s: %v (%v), want %v", res.Name, res.Status, res.Err, want[i])
		}
	}
	if rep.Failed() != 3 {
		t.Errorf("Failed() = %d, want 3", rep.Failed())
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"nfvo     passes",
		"SKIP",
		"first problem …",    // first line only in the table, tab flattened
		"    second problem", // whole error under FAILURES
		"check panicked: boom",
		"vnfpkgm       0       3        0",
		"  total       1       3        1",
	} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}
