package check

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Status is a check's outcome.
type Status int

// Outcomes of a check.
const (
	Pass Status = iota
	Fail
	Skip
)

func (s Status) String() string {
	switch s {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	}
	return "SKIP"
}

// Result is one check's outcome.
type Result struct {
	API      string
	Name     string
	Status   Status
	Err      error
	Duration time.Duration
}

// Report is the outcome of a run.
type Report struct {
	Results []Result
}

// Failed counts the failed checks.
func (r *Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Status == Fail {
			n++
		}
	}
	return n
}

// Write prints the table of checks, then every failure in full, then the
// count of passed, failed and skipped checks per API.
func (r *Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "API\tCHECK\tRESULT\tTIME\tNOTE")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.API, res.Name, res.Status,
			res.Duration.Round(time.Millisecond), firstLine(res.Err, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Failed() > 0 {
		fmt.Fprintln(w, "\nFAILURES")
		for _, res := range r.Results {
			if res.Status == Fail {
				fmt.Fprintf(w, "\n--- %s: %s\n%s\n", res.API, res.Name, indent(res.Err.Error()))
			}
		}
	}
	fmt.Fprintln(w)
	return r.writeSummary(w)
}

func (r *Report) writeSummary(w io.Writer) error {
	type count struct {
		pass, fail, skip int
		took             time.Duration
	}
	var order []string
	counts := map[string]*count{}
	total := &count{}
	for _, res := range r.Results {
		c, ok := counts[res.API]
		if !ok {
			c = &count{}
			counts[res.API] = c
			order = append(order, res.API)
		}
		for _, cc := range []*count{c, total} {
			cc.took += res.Duration
			switch res.Status {
			case Pass:
				cc.pass++
			case Fail:
				cc.fail++
			default:
				cc.skip++
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "API\tPASSED\tFAILED\tSKIPPED\tTIME\t")
	for _, api := range order {
		c := counts[api]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t\n", api, c.pass, c.fail, c.skip, c.took.Round(time.Millisecond))
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%s\t\n", total.pass, total.fail, total.skip, total.took.Round(time.Millisecond))
	return tw.Flush()
}

// firstLine is the first line of err's message, cut to max runes.
func firstLine(err error, max int) string {
	if err == nil {
		return ""
	}
	s, _, more := strings.Cut(strings.ReplaceAll(err.Error(), "\t", " "), "\n")
	if r := []rune(s); len(r) > max {
		s, more = string(r[:max]), true
	}
	if more {
		s += " …"
	}
	return s
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
