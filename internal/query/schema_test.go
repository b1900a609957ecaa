package query_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/query"
)

type embedded struct {
	Inner   string `json:"inner"`
	Shadow  int    `json:"shadow"`
	private string // unexported: never an attribute
}

type kinds struct {
	embedded
	Shadow   string            `json:"shadow"`
	Str      string            `json:"str"`
	Quoted   int               `json:"quoted,string"`
	Num      *float64          `json:"num,omitempty"`
	Flag     bool              `json:"flag"`
	At       *time.Time        `json:"at"`
	ID       uuid.UUID         `json:"uuid"`
	Bytes    []byte            `json:"bytes"`
	Grid     [][]string        `json:"grid"`
	Labels   map[string]string `json:"labels"`
	Any      any               `json:"any"`
	Raw      json.RawMessage   `json:"raw"`
	Self     *kinds            `json:"self"`
	Skipped  string            `json:"-"`
	Untagged string
}

func TestSchemaOfKinds(t *testing.T) {
	t.Parallel()
	schema := query.SchemaOf(&kinds{}).SetKind("str2", query.KindDateTime)
	tests := []struct {
		name string
		term string
		ok   bool
	}{
		{"string", "cont,str,x", true},
		{"embedded field", "eq,inner,x", true},
		{"outer name wins", "cont,shadow,x", true},
		{"string option", "cont,quoted,1", true},
		{"pointer to number", "gt,num,1", true},
		{"boolean", "eq,flag,true", true},
		{"pointer to time", "gt,at,2026-01-01T00:00:00Z", true},
		{"text marshaler is a string", "cont,uuid,ab", true},
		{"bytes are a string", "eq,bytes,AAE=", true},
		{"array of arrays", "cont,grid,x", true},
		{"map is open", "eq,labels/app,web", true},
		{"interface is open", "eq,any/x/y,1", true},
		{"raw message is open", "eq,raw/x,1", true},
		{"recursive type", "eq,self/str,x", true},
		{"recursion turns open", "eq,self/self/anything,x", true},
		{"SetKind adds", "gt,str2,2026-01-01T00:00:00Z", true},
		{"untagged uses the Go name", "eq,Untagged,x", true},
		{"skipped", "eq,Skipped,x", false},
		{"unexported", "eq,private,x", false},
		{"shadowed kind", "gt,shadow,1", true},
		{"number is not a string", "cont,num,1", false},
		{"boolean has no order", "gt,flag,true", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := schema.Check(parse(tc.term))
			if (err == nil) != tc.ok {
				t.Errorf("Check(%s) = %v, want ok %v", tc.term, err, tc.ok)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	schema := testSchema()
	tests := []struct {
		name   string
		filter query.Filter
		want   string
	}{
		{"unknown", parse("eq,nope,1"), `attribute "nope": unknown attribute "nope"`},
		{"unknown nested", parse("eq,nested/nope,x"),
			`attribute "nested/nope": unknown attribute "nope" in nested (known: items, label)`},
		{"known attributes listed", parse("eq,nope,1"), "known: blocks, count, created, enabled, ext, id, matrix, name, nested, raw, tags"},
		{"below a scalar", parse("eq,name/x,1"), `attribute "name/x": name is a string and has no attribute "x"`},
		{"object", parse("eq,nested,x"), `attribute "nested": is an object`},
		{"object in array", parse("eq,nested/items,x"), `attribute "nested/items": is an object`},
		{"open map itself", parse("eq,ext,x"), `attribute "ext": holds arbitrary keys`},
		{"cont on number", parse("cont,count,1"), "operator cont does not apply to a number"},
		{"ncont on date-time", parse("ncont,created,2026-01-01T00:00:00Z"), "operator ncont does not apply to a date-time"},
		{"gt on boolean", parse("gt,enabled,true"), "operator gt does not apply to a boolean"},
		{"not a number", parse("eq,count,abc"), `value "abc" is not a number`},
		{"hex is not a number", parse("eq,count,0x10"), `value "0x10" is not a number`},
		{"infinity is not a number", parse("eq,count,1e999"), `value "1e999" is not a number`},
		{"not a boolean", parse("eq,enabled,yes"), `value "yes" is not true or false`},
		{"not a date-time", parse("eq,created,yesterday"), "is not an RFC 3339 date-time"},
		{"date without time", parse("eq,created,2026-01-01"), "is not an RFC 3339 date-time"},
		{"two values for gt", parse("gt,count,1,2"), "operator gt takes exactly one value, not 2"},
		{"no value", parse("eq,count"), "operator eq needs a value"},
		{"unknown operator", parse("like,name,x"), `unknown operator "like"`},
		{"empty name", parse("eq,nested//label,x"), "empty attribute name"},
		{"quote in open key", query.Filter{{Op: query.Eq, Path: []string{"ext", `a"b`}, Values: []string{"x"}}},
			"has characters filters do not support"},
		{"NUL in value", query.Filter{{Op: query.Eq, Path: []string{"name"}, Values: []string{"a\x00"}}},
			"is not valid text"},
		{"no path", query.Filter{{Op: query.Eq, Values: []string{"x"}}}, "no attribute named"},
		{"every problem", parse("eq,nope,1;cont,count,1"),
			`invalid filter: attribute "nope": unknown attribute "nope" (known: blocks, count, created, enabled, ext, id, matrix, name, nested, raw, tags); attribute "count": operator cont`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := schema.Check(tc.filter)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want an error containing %q", err, tc.want)
			}
			if !errors.Is(err, query.ErrInvalid) {
				t.Errorf("Check error %v does not wrap ErrInvalid", err)
			}
			var ie *query.InvalidError
			if !errors.As(err, &ie) || ie.Path == "" && len(tc.filter[0].Path) > 0 {
				t.Errorf("Check error %v carries no InvalidError with the path", err)
			}
			if _, _, werr := schema.Where(query.SQLite, tc.filter, "doc"); !errors.Is(werr, query.ErrInvalid) {
				t.Errorf("Where error %v does not wrap ErrInvalid", werr)
			}
			if schema.Match(tc.filter, map[string]any{}) {
				t.Error("an invalid filter matched")
			}
		})
	}
}

func TestWhereArguments(t *testing.T) {
	t.Parallel()
	schema := testSchema()
	tests := []struct {
		name    string
		dialect query.Dialect
		doc     string
	}{
		{"unknown dialect", query.Dialect(9), "doc"},
		{"zero dialect", 0, "doc"},
		{"injected column", query.SQLite, "doc; DROP TABLE docs"},
		{"quoted column", query.Postgres, `"doc"`},
		{"two qualifiers", query.SQLite, "a.b.doc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := schema.Where(tc.dialect, parse("eq,name,x"), tc.doc); err == nil {
				t.Error("Where accepted it")
			}
		})
	}
}

// TestWhereKeepsValuesOutOfSQL checks that hostile values and open-map keys
// reach the database only as arguments.
func TestWhereKeepsValuesOutOfSQL(t *testing.T) {
	t.Parallel()
	schema := testSchema()
	evil := "x'); DROP TABLE docs; --"
	f := query.Filter{
		{Op: query.Eq, Path: []string{"name"}, Values: []string{evil}},
		{Op: query.Neq, Path: []string{"ext", evil}, Values: []string{evil}},
		{Op: query.Cont, Path: []string{"id"}, Values: []string{evil}},
	}
	for _, d := range []query.Dialect{query.SQLite, query.Postgres} {
		sql, args, err := schema.Where(d, f, "doc")
		if err != nil {
			t.Fatalf("%v: %v", d, err)
		}
		if strings.Contains(sql, "DROP") {
			t.Errorf("%v: value spliced into SQL: %s", d, sql)
		}
		if n := strings.Count(sql, "?"); n != len(args) {
			t.Errorf("%v: %d placeholders, %d arguments", d, n, len(args))
		}
	}
}

func TestWhereEmpty(t *testing.T) {
	t.Parallel()
	sql, args, err := testSchema().Where(query.Postgres, nil, "doc")
	if sql != "" || len(args) != 0 || err != nil {
		t.Errorf("Where(nil) = %q, %v, %v; want nothing", sql, args, err)
	}
}

func TestMatchStruct(t *testing.T) {
	t.Parallel()
	schema := testSchema()
	r := resource{ID: "x", Count: 3, Tags: []string{"t"}, Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if !schema.Match(parse("eq,tags,t;gte,count,3;lt,created,2026-01-01T00:00:01Z"), r) {
		t.Error("a struct did not match")
	}
	if schema.Match(parse("eq,tags,u"), &r) {
		t.Error("a struct matched a wrong tag")
	}
	if !schema.Match(parse("eq,tags,t;gt,count,2"), map[string]any{"tags": []string{"t"}, "count": 3}) {
		t.Error("a map built by hand did not match")
	}
	if schema.Match(parse("eq,id,x"), make(chan int)) {
		t.Error("a value without JSON form matched")
	}
}

func TestColumnUsesIndex(t *testing.T) {
	t.Parallel()
	s := openSQLite(t)
	sql, args, err := testSchema().Where(query.SQLite, parse("eq,id,a,b"), "doc")
	if err != nil {
		t.Fatal(err)
	}
	var plan []struct {
		ID, Parent, Notused int
		Detail              string
	}
	if err := s.db.Raw("EXPLAIN QUERY PLAN SELECT seq FROM docs WHERE "+sql, args...).Scan(&plan).Error; err != nil {
		t.Fatal(err)
	}
	for _, step := range plan {
		if strings.Contains(step.Detail, "INDEX docs_id") {
			return
		}
	}
	t.Errorf("plan of %s does not use the id index: %+v", sql, plan)
}
