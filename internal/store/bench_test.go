package store_test

import (
	"testing"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// BenchmarkList50k traverses a 50,000-document collection page by page
// (100 per page, as the API does), with and without filters, on both
// databases. One op is one whole traversal.
func BenchmarkList50k(b *testing.B) {
	dbs := []struct {
		name string
		open func(b *testing.B) *store.DB
	}{
		{"sqlite", func(b *testing.B) *store.DB { return openSQLite(b) }},
		{"postgres", func(b *testing.B) *store.DB { return openDB(b, testenv.Postgres(b)) }},
	}
	filters := []struct {
		name string
		f    query.Filter
	}{
		{"unfiltered", nil},
		{"eq", query.Filter{{Path: []string{"instantiationState"}, Op: query.Eq, Values: []string{"INSTANTIATED"}}}},
		{"array", query.Filter{{Path: []string{"instantiatedVnfInfo", "vnfcResourceInfo", "vduId"}, Op: query.Eq, Values: []string{"vdu-6"}}}},
	}
	for _, d := range dbs {
		b.Run(d.name, func(b *testing.B) {
			c := scratch(d.open(b))
			seed(b, c, 50_000)
			for _, f := range filters {
				b.Run(f.name, func(b *testing.B) {
					b.ReportAllocs()
					n := 0
					for b.Loop() {
						n = traverse(b, c, f.f)
					}
					b.ReportMetric(float64(n), "items/op")
				})
			}
		})
	}
}

func traverse(b *testing.B, c *store.Collection[record], f query.Filter) int {
	n := 0
	var after int64
	for {
		p, err := c.List(b.Context(), f, after, 100)
		if err != nil {
			b.Fatal(err)
		}
		n += len(p.Items)
		if p.Next == 0 {
			return n
		}
		after = p.Next
	}
}
