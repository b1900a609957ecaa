package sol013

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/cadenza-mano/cadenza/internal/query"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	term := func(op query.Op, path string, values ...string) query.Term {
		return query.Term{Op: op, Path: strings.Split(path, "/"), Values: values}
	}
	tests := []struct {
		name string
		raw  string
		want query.Filter
	}{
		{"eq", "(eq,id,abc)", query.Filter{term(query.Eq, "id", "abc")}},
		{"every operator", "(eq,a,1);(neq,a,1);(gt,a,1);(lt,a,1);(gte,a,1);(lte,a,1);(cont,a,1);(ncont,a,1)",
			query.Filter{term(query.Eq, "a", "1"), term(query.Neq, "a", "1"), term(query.Gt, "a", "1"),
				term(query.Lt, "a", "1"), term(query.Gte, "a", "1"), term(query.Lte, "a", "1"),
				term(query.Cont, "a", "1"), term(query.Ncont, "a", "1")}},
		{"several values", "(eq,vnfInstanceName,a,b,c)", query.Filter{term(query.Eq, "vnfInstanceName", "a", "b", "c")}},
		{"nested path", "(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU1)",
			query.Filter{term(query.Eq, "instantiatedVnfInfo/vnfcResourceInfo/vduId", "VDU1")}},
		{"quoted reserved characters", "(eq,name,'a,b(c);d')", query.Filter{term(query.Eq, "name", "a,b(c);d")}},
		{"escaped quote", "(eq,name,'it''s')", query.Filter{term(query.Eq, "name", "it's")}},
		{"only a quote", "(eq,name,'''')", query.Filter{term(query.Eq, "name", "'")}},
		{"empty string", "(eq,name,'')", query.Filter{term(query.Eq, "name", "")}},
		{"quoted and plain values", "(neq,name,'x,y',z,'')", query.Filter{term(query.Neq, "name", "x,y", "z", "")}},
		{"spaces are data", "(eq,name,a b)", query.Filter{term(query.Eq, "name", "a b")}},
		{"unicode", "(cont,name,é€)", query.Filter{term(query.Cont, "name", "é€")}},
		{"date-time", "(gt,createdAt,2026-01-02T03:04:05+01:00)",
			query.Filter{term(query.Gt, "createdAt", "2026-01-02T03:04:05+01:00")}},
		{"slash in a value", "(eq,a,x/y)", query.Filter{term(query.Eq, "a", "x/y")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFilter(tc.raw)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tc.raw, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseFilter(%q) = %#v, want %#v", tc.raw, got, tc.want)
			}
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		raw    string
		detail string // the detail must contain it
	}{
		{"empty", "", "it is empty"},
		{"no parenthesis", "eq,id,1", "position 1: expected '(' to start a term, found 'e'"},
		{"unknown operator", "(like,id,1)", `position 2: unknown operator "like"`},
		{"upper-case operator", "(EQ,id,1)", `unknown operator "EQ"`},
		{"missing operator", "(,id,1)", "position 2: expected an operator, found ','"},
		{"missing attribute", "(eq,,1)", "position 5: expected an attribute name, found ','"},
		{"empty path element", "(eq,a//b,1)", "position 7: expected an attribute name, found '/'"},
		{"trailing slash", "(eq,a/,1)", "position 7: expected an attribute name"},
		{"missing value", "(eq,id)", "position 7: expected ',' and a value after the attribute, found ')'"},
		{"empty value", "(eq,id,)", "position 8: empty value; write '' for the empty string"},
		{"empty value among others", "(eq,id,a,,b)", "position 10: empty value"},
		{"unclosed term", "(eq,id,1", "position 9: expected ',' or ')' after a value, found the end of the filter"},
		{"unclosed quote", "(eq,id,'abc)", "position 8: quoted value is not closed"},
		{"quote inside value", "(eq,id,ab'c')", "position 10: quote inside an unquoted value"},
		{"text after quoted value", "(eq,id,'a'b)", "position 11: expected ',' or ')' after a value, found 'b'"},
		{"parenthesis in value", "(eq,id,a(b))", "position 9: '(' in a value; quote the value"},
		{"nested term", "(eq,id,(eq,a,b))", "position 8: '(' in a value"},
		{"semicolon in term", "(eq,id,a;b)", "position 9: expected ',' or ')' after a value, found ';'"},
		{"gt with two values", "(gt,count,1,2)", "position 12: operator gt takes exactly one value"},
		{"lte with two values", "(lte,count,1,2)", "operator lte takes exactly one value"},
		{"trailing semicolon", "(eq,id,1);", "position 11: expected '(' to start a term, found the end"},
		{"double semicolon", "(eq,id,1);;(eq,id,2)", "position 11: expected '(' to start a term, found ';'"},
		{"no separator", "(eq,id,1)(eq,id,2)", "position 10: expected ';' between terms"},
		{"comma between terms", "(eq,id,1),(eq,id,2)", "position 10: expected ';' between terms"},
		{"unbalanced close", "(eq,id,1))", "position 10: expected ';' between terms"},
		{"control character in name", "(eq,a\tb,1)", "position 6: control character in an attribute name"},
		{"NUL in value", "(eq,a,'x\x00')", "NUL character"},
		{"invalid UTF-8", "(eq,a,\xff)", "not valid UTF-8"},
		{"position counts characters", "(eq,é,ü,)", "position 9: empty value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertBadFilter(t, tc.raw, tc.detail)
		})
	}
}

func assertBadFilter(t *testing.T, raw, detail string) {
	t.Helper()
	f, err := ParseFilter(raw)
	if err == nil {
		t.Fatalf("ParseFilter(%.60q) = %v, want an error", raw, f)
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
		t.Fatalf("ParseFilter(%.60q) error %v is not a 400 *Error", raw, err)
	}
	if !strings.Contains(e.Detail, detail) {
		t.Errorf("ParseFilter(%.60q) detail %q does not contain %q", raw, e.Detail, detail)
	}
}

// TestParseFilterHostile feeds input built to be expensive: each is refused
// with a 400 at the bound it crosses.
func TestParseFilterHostile(t *testing.T) {
	t.Parallel()
	many := func(n int, s, sep string) string { return strings.TrimSuffix(strings.Repeat(s+sep, n), sep) }
	tests := []struct {
		name   string
		raw    string
		detail string
	}{
		{"huge", "(eq,id," + strings.Repeat("a", 1<<20) + ")", "at most 8192 are accepted"},
		{"just too long", "(eq,id," + strings.Repeat("a", MaxFilterLength-7) + ")", "at most 8192"},
		{"deeply nested", strings.Repeat("(", 4000) + strings.Repeat(")", 4000), "position 2: expected an operator, found '('"},
		{"unbalanced opens", strings.Repeat("(", 8000), "position 2: expected an operator"},
		{"unbalanced closes", strings.Repeat(")", 8000), "position 1: expected '(' to start a term"},
		{"too many terms", many(MaxFilterTerms+1, "(eq,a,1)", ";"), fmt.Sprintf("more than %d terms", MaxFilterTerms)},
		{"too many values", "(eq,a," + many(MaxFilterValues+1, "1", ",") + ")",
			fmt.Sprintf("more than %d values", MaxFilterValues)},
		{"too deep a path", "(eq," + many(MaxFilterDepth+1, "a", "/") + ",1)",
			fmt.Sprintf("deeper than %d names", MaxFilterDepth)},
		{"endless quote", "(eq,a,'" + strings.Repeat("''", 4000), "quoted value is not closed"},
		{"only separators", strings.Repeat(";", 8000), "position 1: expected '('"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assertBadFilter(t, tc.raw, tc.detail)
		})
	}
}

// TestParseFilterBounds accepts filters right at every bound.
func TestParseFilterBounds(t *testing.T) {
	t.Parallel()
	many := func(n int, s, sep string) string { return strings.TrimSuffix(strings.Repeat(s+sep, n), sep) }
	tests := []struct {
		name string
		raw  string
	}{
		{"longest", "(eq,id," + strings.Repeat("a", MaxFilterLength-8) + ")"},
		{"most terms", many(MaxFilterTerms, "(eq,a,1)", ";")},
		{"most values", "(eq,a," + many(MaxFilterValues, "1", ",") + ")"},
		{"deepest path", "(eq," + many(MaxFilterDepth, "a", "/") + ",1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseFilter(tc.raw); err != nil {
				t.Errorf("ParseFilter: %v", err)
			}
		})
	}
}

type filterDoc struct {
	ID     string            `json:"id"`
	Count  int               `json:"count"`
	Labels map[string]string `json:"labels"`
}

// TestFilterCheckProblem follows a parsed filter through a schema check to
// the ProblemDetails a client sees.
func TestFilterCheckProblem(t *testing.T) {
	t.Parallel()
	schema := query.SchemaOf(filterDoc{})
	tests := []struct {
		name   string
		raw    string
		detail string
	}{
		{"unknown attribute", "(eq,nope,1)", `list things: invalid filter: attribute "nope": unknown attribute "nope"`},
		{"operator on wrong kind", "(cont,count,1)", `attribute "count": operator cont does not apply to a number`},
		{"bad number", "(gt,count,ten)", `attribute "count": value "ten" is not a number`},
		{"every problem", "(eq,nope,1);(eq,count,x)",
			`invalid filter: attribute "nope": unknown attribute "nope" (known: count, id, labels); attribute "count": value "x" is not a number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := ParseFilter(tc.raw)
			if err != nil {
				t.Fatalf("ParseFilter: %v", err)
			}
			err = schema.Check(f)
			if err == nil {
				t.Fatal("Check passed")
			}
			pd, _ := Problem(fmt.Errorf("list things: %w", err))
			if pd.Status != http.StatusBadRequest || !strings.Contains(pd.Detail, tc.detail) {
				t.Errorf("Problem = %d %q, want 400 containing %q", pd.Status, pd.Detail, tc.detail)
			}
		})
	}
	f, err := ParseFilter("(eq,labels/app,web);(gte,count,2)")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Check(f); err != nil {
		t.Errorf("Check of a good filter: %v", err)
	}
}

// TestParseFilterRoundTrip prints random filters, values full of reserved
// characters included, and parses them back unchanged.
func TestParseFilterRoundTrip(t *testing.T) {
	t.Parallel()
	name := rapid.StringMatching(`[A-Za-z0-9_.\- é]{1,8}`)
	value := rapid.StringOf(rapid.SampledFrom([]rune("ab ,;()'/é\"")))
	rapid.Check(t, func(rt *rapid.T) {
		f := rapid.Custom(func(rt *rapid.T) query.Filter {
			n := rapid.IntRange(1, 4).Draw(rt, "terms")
			f := make(query.Filter, n)
			for i := range f {
				op := rapid.SampledFrom(query.Ops).Draw(rt, "op")
				nv := 1
				if !op.SingleValued() {
					nv = rapid.IntRange(1, 3).Draw(rt, "values")
				}
				f[i] = query.Term{Op: op, Path: rapid.SliceOfN(name, 1, 3).Draw(rt, "path"),
					Values: rapid.SliceOfN(value, nv, nv).Draw(rt, "value")}
			}
			return f
		}).Draw(rt, "filter")
		printed := formatFilter(f)
		got, err := ParseFilter(printed)
		if err != nil {
			rt.Fatalf("ParseFilter(%q): %v", printed, err)
		}
		if !reflect.DeepEqual(got, f) {
			rt.Fatalf("ParseFilter(%q) = %#v, want %#v", printed, got, f)
		}
	})
}

func BenchmarkParseFilter(b *testing.B) {
	raw := "(eq,vnfInstanceName,'web, front','db');(neq,instantiationState,NOT_INSTANTIATED);" +
		"(cont,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU);(gte,metadata/replicas,3)"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter(raw); err != nil {
			b.Fatal(err)
		}
	}
}
