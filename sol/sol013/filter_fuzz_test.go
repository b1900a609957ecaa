package sol013

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// FuzzParseFilter checks that any input either parses into a filter within
// the bounds, which prints back to the same filter, or is refused with a
// 400 — never a panic or another error.
func FuzzParseFilter(f *testing.F) {
	f.Add("(eq,id,abc);(neq,a/b/c,'x,y','')")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := ParseFilter(raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Detail == "" {
				t.Fatalf("ParseFilter(%q): error %v is not a 400 with a detail", raw, err)
			}
			return
		}
		checkParsed(t, raw, got)
		printed := formatFilter(got)
		if len(printed) > MaxFilterLength {
			return // quoting grew it past the bound
		}
		again, err := ParseFilter(printed)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("ParseFilter(%q) = %v, printed %q, parsed back %v, %v", raw, got, printed, again, err)
		}
	})
}

func checkParsed(t *testing.T, raw string, f query.Filter) {
	t.Helper()
	if len(raw) > MaxFilterLength || !utf8.ValidString(raw) || len(f) == 0 || len(f) > MaxFilterTerms {
		t.Fatalf("ParseFilter(%q) accepted %d terms", raw, len(f))
	}
	for _, term := range f {
		if !term.Op.Valid() || len(term.Path) == 0 || len(term.Path) > MaxFilterDepth ||
			len(term.Values) == 0 || len(term.Values) > MaxFilterValues ||
			(term.Op.SingleValued() && len(term.Values) != 1) {
			t.Fatalf("ParseFilter(%q) gave a term out of bounds: %#v", raw, term)
		}
		for _, name := range term.Path {
			if name == "" || strings.ContainsAny(name, ",()';/") {
				t.Fatalf("ParseFilter(%q) gave attribute name %q", raw, name)
			}
		}
	}
}

// formatFilter prints f in the SOL 013 syntax, every value quoted.
func formatFilter(f query.Filter) string {
	terms := make([]string, len(f))
	for i, t := range f {
		vals := make([]string, len(t.Values))
		for j, v := range t.Values {
			vals[j] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		terms[i] = "(" + string(t.Op) + "," + strings.Join(t.Path, "/") + "," + strings.Join(vals, ",") + ")"
	}
	return strings.Join(terms, ";")
}
