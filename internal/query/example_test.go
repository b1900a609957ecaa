package query_test

import (
	"fmt"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// A listing checks the client's filter against the resource's schema, then
// hands the fragment to gorm: db.Where(sql, args...).
func ExampleSchema_Where() {
	type vnfc struct {
		VduID string `json:"vduId"`
	}
	type instance struct {
		ID       string            `json:"id"`
		Name     string            `json:"vnfInstanceName"`
		Vnfcs    []vnfc            `json:"vnfcs"`
		Metadata map[string]string `json:"metadata"`
	}
	schema := query.SchemaOf(instance{}).Column("id", "id", query.KindString)
	f := query.Filter{
		{Op: query.Eq, Path: []string{"id"}, Values: []string{"a", "b"}},
		{Op: query.Neq, Path: []string{"vnfcs", "vduId"}, Values: []string{"VDU1"}},
	}
	sql, args, err := schema.Where(query.SQLite, f, "doc")
	fmt.Println(sql)
	fmt.Println(args, err)
	// Output:
	// (id = ? OR id = ?) AND NOT EXISTS (SELECT 1 FROM json_each(CASE WHEN json_type(doc, ?) = 'array' THEN doc END, ?) AS j1 WHERE (json_type(CASE WHEN j1.type IN ('object', 'array') THEN j1.value END, ?) = 'text' AND json_extract(CASE WHEN j1.type IN ('object', 'array') THEN j1.value END, ?) = ?))
	// [a b $."vnfcs" $."vnfcs" $."vduId" $."vduId" VDU1] <nil>
}

// Match evaluates the same filter in memory, here on a notification body.
func ExampleSchema_Match() {
	type event struct {
		Kind    string   `json:"kind"`
		Targets []string `json:"targets"`
	}
	schema := query.SchemaOf(event{})
	f := query.Filter{{Op: query.Eq, Path: []string{"targets"}, Values: []string{"vnf-1"}}}
	fmt.Println(schema.Match(f, event{Kind: "x", Targets: []string{"vnf-1", "vnf-2"}}))
	fmt.Println(schema.Match(f, map[string]any{"targets": []any{"vnf-3"}}))
	// Output:
	// true
	// false
}
