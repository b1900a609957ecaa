package query_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// The property: for random documents of the test schema and random filters
// over it, the database returns exactly the documents Match accepts.

func TestPropertySQLiteAgreesWithMatch(t *testing.T) {
	t.Parallel()
	propertyAgrees(t, openSQLite(t))
}

func TestPropertyPostgresAgreesWithMatch(t *testing.T) {
	t.Parallel()
	propertyAgrees(t, openPostgres(t))
}

func propertyAgrees(t *testing.T, s store) {
	schema := testSchema()
	rapid.Check(t, func(rt *rapid.T) {
		docs := rapid.SliceOfN(genDoc(), 0, 12).Draw(rt, "docs")
		s.replace(t, docs)
		for i := range 8 {
			f := genFilter().Draw(rt, "filter"+strconv.Itoa(i))
			if err := schema.Check(f); err != nil {
				rt.Fatalf("generated filter does not check: %v", err)
			}
			got, err := s.seqs(schema, f)
			if err != nil {
				rt.Fatal(err)
			}
			if want := matching(schema, f, docs); !slices.Equal(got, want) {
				w, args, _ := schema.Where(s.dialect, f, "doc")
				rt.Fatalf("%v: database %v, Match %v\nSQL: %s\nargs: %v", s.dialect, got, want, w, args)
			}
		}
	})
}

// Small value pools make equal, contained and ordered values common.
var (
	strPool  = []string{"", "a", "b", "ab", "ba", "A", "é", "a'b", "z,(;)", "10", "true"}
	numPool  = []float64{-1, 0, 0.5, 1, 2, 10, 1000}
	numText  = []string{"-1", "0", "0.5", "1", "2", "10", "1e3"}
	timePool = []string{
		"2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00.5Z",
		"2025-12-31T23:59:59.999-00:30", "2026-06-30T12:00:00.001+02:00", "2027-01-01T00:00:00Z",
	}
	keyPool = []string{"k1", "k2", "a.b", "x y"}
)

func pick[T any](pool []T) *rapid.Generator[T] { return rapid.SampledFrom(pool) }

// maybe leaves the attribute out, sets it to null or to a value.
func maybe(m map[string]any, rt *rapid.T, key string, g *rapid.Generator[any]) {
	switch rapid.IntRange(0, 5).Draw(rt, key+"?") {
	case 0:
	case 1:
		m[key] = nil
	default:
		m[key] = g.Draw(rt, key)
	}
}

func asAny[T any](g *rapid.Generator[T]) *rapid.Generator[any] {
	return rapid.Map(g, func(v T) any { return v })
}

func list[T any](g *rapid.Generator[T], max int) *rapid.Generator[any] {
	return rapid.Map(rapid.SliceOfN(g, 0, max), func(vs []T) any {
		out := make([]any, len(vs))
		for i, v := range vs {
			out[i] = v
		}
		return out
	})
}

func genScalar() *rapid.Generator[any] {
	return rapid.OneOf(asAny(pick(strPool)), asAny(pick(numPool)), asAny(rapid.Bool()),
		rapid.Just[any](nil))
}

// genOpen is the content of an open map: scalars, arrays and objects.
func genOpen() *rapid.Generator[any] {
	return rapid.Custom(func(rt *rapid.T) any {
		m := map[string]any{}
		for _, k := range keyPool {
			maybe(m, rt, k, rapid.OneOf(genScalar(), list(genScalar(), 3),
				rapid.Map(genScalar(), func(v any) any { return map[string]any{"k1": v} })))
		}
		return m
	})
}

// docTime is mostly a date-time, sometimes a string that only looks like one.
func docTime() *rapid.Generator[any] {
	return rapid.OneOf(asAny(pick(timePool)), asAny(pick(timePool)), pick(oddDateTimes))
}

func genItem() *rapid.Generator[any] {
	return rapid.Custom(func(rt *rapid.T) any {
		m := map[string]any{}
		maybe(m, rt, "key", asAny(pick(strPool)))
		maybe(m, rt, "values", list(pick(numPool), 3))
		maybe(m, rt, "when", docTime())
		maybe(m, rt, "meta", genOpen())
		return m
	})
}

func genBlock() *rapid.Generator[any] {
	return rapid.Custom(func(rt *rapid.T) any {
		m := map[string]any{}
		maybe(m, rt, "name", asAny(pick(strPool)))
		maybe(m, rt, "tags", list(pick(strPool), 2))
		return m
	})
}

func genDoc() *rapid.Generator[map[string]any] {
	return rapid.Custom(func(rt *rapid.T) map[string]any {
		m := map[string]any{"id": pick([]string{"a", "b", "c", "d'"}).Draw(rt, "id")}
		maybe(m, rt, "name", asAny(pick(strPool)))
		maybe(m, rt, "count", asAny(pick(numPool)))
		maybe(m, rt, "enabled", asAny(rapid.Bool()))
		maybe(m, rt, "created", docTime())
		maybe(m, rt, "tags", list(pick(strPool), 3))
		maybe(m, rt, "matrix", list(list(pick(numPool), 2), 2))
		maybe(m, rt, "nested", rapid.Custom(func(rt *rapid.T) any {
			n := map[string]any{}
			maybe(n, rt, "label", asAny(pick(strPool)))
			maybe(n, rt, "items", list(genItem(), 3))
			return n
		}))
		maybe(m, rt, "blocks", list(list(genBlock(), 2), 2))
		maybe(m, rt, "ext", genOpen())
		return m
	})
}

// leafPath is an attribute a generated filter may name, with its kind.
type leafPath struct {
	path string
	kind query.Kind
}

var leafPaths = []leafPath{
	{"id", query.KindString}, {"name", query.KindString}, {"count", query.KindNumber},
	{"enabled", query.KindBoolean}, {"created", query.KindDateTime}, {"tags", query.KindString},
	{"matrix", query.KindNumber}, {"nested/label", query.KindString}, {"nested/items/key", query.KindString},
	{"nested/items/values", query.KindNumber}, {"nested/items/when", query.KindDateTime},
	{"nested/items/meta/k1", query.KindOpen}, {"nested/items/meta/a.b/k1", query.KindOpen},
	{"blocks/name", query.KindString}, {"blocks/tags", query.KindString},
	{"ext/k2", query.KindOpen}, {"ext/x y", query.KindOpen}, {"ext/k1/k1", query.KindOpen},
}

func genFilter() *rapid.Generator[query.Filter] {
	return rapid.Map(rapid.SliceOfN(genTerm(), 1, 3), func(ts []query.Term) query.Filter { return ts })
}

func genTerm() *rapid.Generator[query.Term] {
	return rapid.Custom(func(rt *rapid.T) query.Term {
		lp := pick(leafPaths).Draw(rt, "path")
		op := pick(opsFor(lp.kind)).Draw(rt, "op")
		n := 1
		if !op.SingleValued() {
			n = rapid.IntRange(1, 3).Draw(rt, "n")
		}
		values := rapid.SliceOfN(valuesFor(lp.kind), n, n).Draw(rt, "values")
		return query.Term{Path: splitPath(lp.path), Op: op, Values: values}
	})
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := range len(p) {
		if p[i] == '/' {
			out, start = append(out, p[start:i]), i+1
		}
	}
	return append(out, p[start:])
}

func opsFor(k query.Kind) []query.Op {
	switch k {
	case query.KindNumber, query.KindDateTime:
		return []query.Op{query.Eq, query.Neq, query.Gt, query.Lt, query.Gte, query.Lte}
	case query.KindBoolean:
		return []query.Op{query.Eq, query.Neq}
	}
	return query.Ops
}

func valuesFor(k query.Kind) *rapid.Generator[string] {
	switch k {
	case query.KindNumber:
		return pick(numText)
	case query.KindBoolean:
		return pick([]string{"true", "false"})
	case query.KindDateTime:
		return rapid.OneOf(pick(timePool), rapid.Map(pick(timePool), shiftMillis))
	case query.KindOpen:
		return rapid.OneOf(pick(strPool), pick(numText), pick([]string{"true", "false"}))
	}
	return pick(strPool)
}

// shiftMillis moves a pool time by a millisecond, to test near-equality.
func shiftMillis(s string) string {
	t, _ := time.Parse(time.RFC3339, s)
	return t.Add(time.Millisecond).Format(time.RFC3339Nano)
}
