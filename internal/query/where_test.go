package query_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// fixedDocs covers each shape the schema has: missing and null attributes,
// empty and nested arrays, and open maps holding every JSON type.
const fixedDocs = `[
 {"id": "a1", "name": "alpha", "count": 3, "enabled": true, "created": "2026-01-01T10:00:00Z",
  "tags": ["x", "y"], "matrix": [[1, 2], [3]],
  "nested": {"label": "L1", "items": [{"key": "k1", "values": [1.5, 2], "when": "2026-01-01T10:00:00+02:00",
    "meta": {"env": "prod", "n": 5}}]},
  "ext": {"vendor": "acme", "size": 10, "flag": true, "list": ["p", 7], "obj": {"z": "q"}}},
 {"id": "b2", "name": "beta", "count": 10, "enabled": false, "created": "2026-02-01T00:00:00.5Z",
  "tags": [], "matrix": [[10]],
  "nested": {"label": "L2", "items": [{"key": "k2"}, {"key": "k3", "values": [3]}]},
  "ext": {"vendor": "Acme Inc", "size": "10"}},
 {"id": "c3", "count": 0, "enabled": false, "created": "2025-12-31T23:59:59-01:00", "tags": null,
  "nested": {"label": "", "items": null}, "ext": null},
 {"id": "d'4", "name": "it's, (odd)", "count": -2, "tags": ["x"],
  "nested": {"items": [{"key": "k1", "meta": {"env": ["prod", "dev"]}}]},
  "ext": {"vendor": ["acme", "other"], "size": 2.5}}
]`

func loadFixed(t *testing.T) []map[string]any {
	t.Helper()
	var docs []map[string]any
	if err := json.Unmarshal([]byte(fixedDocs), &docs); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return docs
}

var whereCases = []struct {
	name   string
	filter query.Filter
	want   []int
}{
	{"column eq", parse("eq,id,a1"), []int{1}},
	{"column eq any value", parse("eq,id,a1,c3"), []int{1, 3}},
	{"column neq", parse("neq,id,a1"), []int{2, 3, 4}},
	{"column cont", parse("cont,id,'"), []int{4}},
	{"column gt", parse("gt,id,b2"), []int{3, 4}},
	{"string eq", parse("eq,name,alpha"), []int{1}},
	{"string neq matches absent", parse("neq,name,alpha"), []int{2, 3, 4}},
	{"string cont", parse("cont,name,et"), []int{2}},
	{"string ncont", parse("ncont,name,a"), []int{3, 4}},
	{"string lte", parse("lte,name,beta"), []int{1, 2}},
	{"reserved characters in value", query.Filter{{Op: query.Eq, Path: []string{"name"}, Values: []string{"it's, (odd)"}}}, []int{4}},
	{"number gt", parse("gt,count,3"), []int{2}},
	{"number gte", parse("gte,count,3"), []int{1, 2}},
	{"number lt", parse("lt,count,0"), []int{4}},
	{"number lte", parse("lte,count,0"), []int{3, 4}},
	{"number eq exponent", parse("eq,count,1e1"), []int{2}},
	{"boolean eq", parse("eq,enabled,true"), []int{1}},
	{"boolean neq", parse("neq,enabled,true"), []int{2, 3, 4}},
	{"boolean false", parse("eq,enabled,false"), []int{2, 3}},
	{"date-time gt", parse("gt,created,2026-01-01T00:00:00Z"), []int{1, 2, 3}},
	{"date-time offset", parse("lt,created,2026-01-01T01:00:00+00:00"), []int{3}},
	{"date-time eq other zone", parse("eq,created,2026-01-01T12:00:00+02:00"), []int{1}},
	{"date-time fraction", parse("gt,created,2026-02-01T00:00:00Z"), []int{2}},
	{"array of strings", parse("eq,tags,x"), []int{1, 4}},
	{"array of strings neq", parse("neq,tags,x"), []int{2, 3}},
	{"array any value", parse("eq,tags,y,z"), []int{1}},
	{"array of arrays", parse("eq,matrix,3"), []int{1}},
	{"array of arrays gt", parse("gt,matrix,5"), []int{2}},
	{"nested", parse("eq,nested/label,L1"), []int{1}},
	{"nested empty string", parse("eq,nested/label,"), []int{3}},
	{"through array of objects", parse("eq,nested/items/key,k1"), []int{1, 4}},
	{"second element", parse("eq,nested/items/key,k3"), []int{2}},
	{"through array neq", parse("neq,nested/items/key,k1"), []int{2, 3}},
	{"array in array of objects", parse("gte,nested/items/values,3"), []int{2}},
	{"array in array eq", parse("eq,nested/items/values,1.5"), []int{1}},
	{"date-time in array", parse("lt,nested/items/when,2026-01-01T09:00:00Z"), []int{1}},
	{"open in array", parse("eq,nested/items/meta/env,prod"), []int{1, 4}},
	{"open array leaf", parse("eq,nested/items/meta/env,dev"), []int{4}},
	{"open number", parse("eq,nested/items/meta/n,5"), []int{1}},
	{"open string", parse("eq,ext/vendor,acme"), []int{1, 4}},
	{"open cont is case-sensitive", parse("cont,ext/vendor,Acme"), []int{2}},
	{"open number or string", parse("eq,ext/size,10"), []int{1, 2}},
	{"open gt numeric and lexical", parse("gt,ext/size,5"), []int{1}},
	{"open gt both", parse("gt,ext/size,2"), []int{1, 4}},
	{"open boolean", parse("eq,ext/flag,true"), []int{1}},
	{"open mixed array number", parse("eq,ext/list,7"), []int{1}},
	{"open mixed array string", parse("eq,ext/list,p"), []int{1}},
	{"open nested object", parse("eq,ext/obj/z,q"), []int{1}},
	{"open object leaf never matches", parse("eq,ext/obj,q"), nil},
	{"open ncont", parse("ncont,ext/vendor,acme"), []int{2, 3}},
	{"open absent", parse("eq,raw/x,1"), nil},
	{"two terms", parse("eq,tags,x;gt,count,0"), []int{1}},
	{"empty filter", nil, []int{1, 2, 3, 4}},
}

func TestMatchFixed(t *testing.T) {
	t.Parallel()
	schema, docs := testSchema(), loadFixed(t)
	for _, tc := range whereCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := matching(schema, tc.filter, docs); !slices.Equal(got, tc.want) {
				t.Errorf("Match %v: got %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}

func TestWhereSQLite(t *testing.T) {
	t.Parallel()
	testWhere(t, openSQLite(t))
}

func TestWherePostgres(t *testing.T) {
	t.Parallel()
	testWhere(t, openPostgres(t))
}

func testWhere(t *testing.T, s store) {
	schema, docs := testSchema(), loadFixed(t)
	s.replace(t, docs)
	for _, tc := range whereCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.seqs(schema, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				w, args, _ := schema.Where(s.dialect, tc.filter, "doc")
				t.Errorf("%v: got %v, want %v\nSQL: %s\nargs: %v", s.dialect, got, tc.want, w, args)
			}
		})
	}
}

// oddDateTimes are strings in a date-time attribute that are no RFC 3339
// date-times, or barely are; the databases must agree with Match on each
// and never fail the query.
var oddDateTimes = []any{
	"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z",
	"2026-01-01 10:00:00Z", "2026-01-01T10:00:00 Z", "2026-01-01T10:00:00", "2026-01-01T10:00:00+15:00",
	"0000-01-01T10:00:00Z", "2026-01-01T10:00:00,5Z", "2024-02-29T10:00:00+14:00",
	"2026-01-01T10:00:00.25-03:30", 123.0, "2026-01-01t10:00:00z", "2025-02-29T00:00:00Z",
}

func TestOddDateTimes(t *testing.T) {
	t.Parallel()
	docs := make([]map[string]any, len(oddDateTimes))
	for i, v := range oddDateTimes {
		docs[i] = map[string]any{"id": "x", "created": v}
	}
	all := make([]int, 0, len(docs))
	for i := range docs {
		all = append(all, i+1)
	}
	tests := []struct {
		name   string
		filter query.Filter
		want   []int
	}{
		{"only date-times compare", parse("gt,created,1000-01-01T00:00:00Z"), []int{12, 13}},
		{"negation keeps the rest", parse("neq,created,2026-01-01T13:30:00.25Z"), slices.Delete(slices.Clone(all), 12, 13)},
	}
	schema := testSchema()
	stores := map[string]func(testing.TB) store{"sqlite": openSQLite, "postgres": openPostgres}
	for _, tc := range tests {
		if got := matching(schema, tc.filter, docs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Match gives %v, want %v", tc.name, got, tc.want)
		}
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			s.replace(t, docs)
			for _, tc := range tests {
				got, err := s.seqs(schema, tc.filter)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				}
			}
		})
	}
}

func TestWhereQualifiedColumn(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	s.replace(t, loadFixed(t))
	sql, args, err := testSchema().Where(query.SQLite, parse("eq,tags,x;eq,name,alpha"), "docs.doc")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	if err := s.db.Raw("SELECT seq FROM docs WHERE "+sql, args...).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int{1}) {
		t.Errorf("got %v, want [1]", got)
	}
}
