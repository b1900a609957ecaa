package query_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// item and resource shape the test documents: nested objects, arrays of
// objects, of scalars and of arrays, date-times and open maps.
type item struct {
	Key    string         `json:"key"`
	Values []float64      `json:"values,omitempty"`
	When   *time.Time     `json:"when,omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

// block sits in an array of arrays.
type block struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

type resource struct {
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"`
	Count   int       `json:"count"`
	Enabled bool      `json:"enabled"`
	Created time.Time `json:"created"`
	Tags    []string  `json:"tags,omitempty"`
	Matrix  [][]int   `json:"matrix,omitempty"`
	Nested  struct {
		Label string `json:"label"`
		Items []item `json:"items"`
	} `json:"nested"`
	Blocks [][]block       `json:"blocks,omitempty"`
	Ext    map[string]any  `json:"ext,omitempty"`
	Raw    json.RawMessage `json:"raw,omitempty"`
}

func testSchema() *query.Schema {
	return query.SchemaOf(resource{}).Column("id", "id", query.KindString)
}

// store is a table of documents in one database.
type store struct {
	db      *gorm.DB
	dialect query.Dialect
}

func openSQLite(tb testing.TB) store {
	tb.Helper()
	db, err := gorm.Open(sqlite.Open(filepath.Join(tb.TempDir(), "query.db")), quiet())
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	s := store{db: db, dialect: query.SQLite}
	s.create(tb, `CREATE TABLE docs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL)`)
	tb.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return s
}

func openPostgres(tb testing.TB) store {
	tb.Helper()
	db, err := gorm.Open(postgres.Open(testenv.Postgres(tb)), quiet())
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	s := store{db: db, dialect: query.Postgres}
	s.create(tb, `CREATE TABLE docs (seq BIGINT PRIMARY KEY, id TEXT NOT NULL, doc JSONB NOT NULL)`)
	return s
}

func quiet() *gorm.Config { return &gorm.Config{Logger: logger.Discard} }

func (s store) create(tb testing.TB, ddl string) {
	tb.Helper()
	if err := s.db.Exec(ddl).Error; err != nil {
		tb.Fatalf("create table: %v", err)
	}
	if err := s.db.Exec(`CREATE INDEX docs_id ON docs (id)`).Error; err != nil {
		tb.Fatalf("create index: %v", err)
	}
}

// replace makes docs the table's content; document i gets seq i+1.
func (s store) replace(tb testing.TB, docs []map[string]any) {
	tb.Helper()
	err := s.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM docs`).Error; err != nil {
			return err
		}
		for i, d := range docs {
			raw, err := json.Marshal(d)
			if err != nil {
				return err
			}
			id, _ := d["id"].(string)
			if err := tx.Exec(`INSERT INTO docs (seq, id, doc) VALUES (?, ?, ?)`, i+1, id, string(raw)).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("store documents: %v", err)
	}
}

// seqs runs the filter in the database and returns the matching seqs.
func (s store) seqs(schema *query.Schema, f query.Filter) ([]int, error) {
	where, args, err := schema.Where(s.dialect, f, "doc")
	if err != nil {
		return nil, err
	}
	q := s.db.Table("docs").Order("seq")
	if where != "" {
		q = q.Where(where, args...)
	}
	var out []int
	if err := q.Pluck("seq", &out).Error; err != nil {
		return nil, fmt.Errorf("query %s %v: %w", where, args, err)
	}
	return out, nil
}

// matching is the in-memory answer: seqs of docs that Match.
func matching(schema *query.Schema, f query.Filter, docs []map[string]any) []int {
	var out []int
	for i, d := range docs {
		if schema.Match(f, d) {
			out = append(out, i+1)
		}
	}
	return out
}

// parse reads the compact test notation "op,a/b,v1,v2;op,..." (no quoting).
func parse(s string) query.Filter {
	var f query.Filter
	for _, t := range strings.Split(s, ";") {
		parts := strings.Split(t, ",")
		f = append(f, query.Term{Op: query.Op(parts[0]), Path: strings.Split(parts[1], "/"), Values: parts[2:]})
	}
	return f
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
