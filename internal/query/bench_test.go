package query_test

import (
	"fmt"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// benchFilter touches a column, a nested array, an open map and a negation.
var benchFilter = parse("eq,id,a1,b2,c3;gte,nested/items/values,2;eq,ext/vendor,acme;neq,tags,z")

func BenchmarkWhere(b *testing.B) {
	schema := testSchema()
	for _, d := range []query.Dialect{query.SQLite, query.Postgres} {
		b.Run(d.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := schema.Where(d, benchFilter, "doc"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	schema := testSchema()
	var docs []map[string]any
	if err := jsonUnmarshal(fixedDocs, &docs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		schema.Match(benchFilter, docs[0])
	}
}

// BenchmarkFilterInDatabase runs the filter over 10,000 stored documents,
// one full scan per iteration.
func BenchmarkFilterInDatabase(b *testing.B) {
	open := map[string]func(testing.TB) store{"sqlite": openSQLite, "postgres": openPostgres}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := open[name](b)
			docs := make([]map[string]any, 10000)
			for i := range docs {
				docs[i] = map[string]any{
					"id": fmt.Sprintf("a%d", i%7), "tags": []any{"x", fmt.Sprint(i % 5)},
					"nested": map[string]any{"items": []any{map[string]any{"values": []any{float64(i % 3)}}}},
					"ext":    map[string]any{"vendor": []any{"acme", "other"}[i%2]},
				}
			}
			s.replace(b, docs)
			schema := testSchema()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.seqs(schema, benchFilter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
