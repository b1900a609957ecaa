package query

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dialect is the SQL database a WHERE fragment is written for.
type Dialect int

// The supported databases. With SQLite the document column is TEXT holding
// JSON (JSON1 functions); with PostgreSQL it is jsonb.
const (
	SQLite Dialect = iota + 1
	Postgres
)

// String names the dialect.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

// docColumnName is a column, optionally qualified by its table.
var docColumnName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$`)

// Where returns f as a SQL boolean expression over the document column
// docColumn (optionally table.column), with ? placeholders and their arguments in order, for
// db.Where(sql, args...) or a raw query (gorm numbers the placeholders for
// PostgreSQL). Terms on attributes mapped with [Schema.Column] use the
// column. An empty filter gives "" and no arguments. The error wraps
// ErrInvalid when f does not pass [Schema.Check].
func (s *Schema) Where(d Dialect, f Filter, docColumn string) (string, []any, error) {
	if d != SQLite && d != Postgres {
		return "", nil, fmt.Errorf("where: unsupported dialect %v", d)
	}
	if !docColumnName.MatchString(docColumn) {
		return "", nil, fmt.Errorf("where: bad document column name %q", docColumn)
	}
	terms, err := s.compile(f)
	if err != nil {
		return "", nil, err
	}
	w := sqlWriter{d: d, doc: docColumn}
	for i, t := range terms {
		if i > 0 {
			w.sql.WriteString(" AND ")
		}
		w.term(t)
	}
	return w.sql.String(), w.args, nil
}

// frag is a piece of SQL with the arguments of its placeholders.
type frag struct {
	sql  string
	args []any
}

func lit(sql string) frag { return frag{sql: sql} }

// arg is a placeholder for v.
func arg(v any) frag { return frag{sql: "?", args: []any{v}} }

// cat joins pieces, each a string (literal SQL) or a frag.
func cat(parts ...any) frag {
	size, nargs := 0, 0
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			size += len(p)
		case frag:
			size, nargs = size+len(p.sql), nargs+len(p.args)
		}
	}
	var b strings.Builder
	b.Grow(size)
	f := frag{args: make([]any, 0, nargs)}
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			b.WriteString(p)
		case frag:
			b.WriteString(p.sql)
			f.args = append(f.args, p.args...)
		}
	}
	f.sql = b.String()
	return f
}

// leaf is how to read a leaf value in SQL: its value and its JSON type (an
// empty type means a typed column).
type leaf struct {
	val, typ frag
}

// sqlWriter accumulates the WHERE fragment.
type sqlWriter struct {
	d     Dialect
	doc   string
	sql   strings.Builder
	args  []any
	alias int
}

func (w *sqlWriter) emit(f frag) {
	w.sql.WriteString(f.sql)
	w.args = append(w.args, f.args...)
}

// term writes one term: a predicate on the leaf, inside EXISTS over the
// arrays on the path, negated for neq and ncont.
func (w *sqlWriter) term(t cterm) {
	from, lf := w.path(t.plan)
	pred := w.anyValue(t, lf)
	switch {
	case len(from) == 0 && t.op.negated():
		w.emit(cat("(", pred, ") IS NOT TRUE"))
	case len(from) == 0:
		w.emit(cat("(", pred, ")"))
	default:
		if t.op.negated() {
			w.sql.WriteString("NOT ")
		}
		w.emit(cat("EXISTS (SELECT 1 FROM ", join(from, ", "), " WHERE ", pred, ")"))
	}
}

// anyValue is the positive predicate: the leaf compares with some value.
func (w *sqlWriter) anyValue(t cterm, lf leaf) frag {
	op := t.op.positive()
	parts := make([]frag, len(t.vals))
	for i, v := range t.vals {
		parts[i] = w.compare(op, t.plan.kind, lf, v)
	}
	return join(parts, " OR ")
}

func join(fs []frag, sep string) frag {
	parts := make([]any, 0, 2*len(fs))
	for i, f := range fs {
		if i > 0 {
			parts = append(parts, sep)
		}
		parts = append(parts, f)
	}
	return cat(parts...)
}

// path returns the FROM items that look through the plan's arrays and how
// to read the leaf.
func (w *sqlWriter) path(p plan) ([]frag, leaf) {
	if p.column != "" {
		return nil, leaf{val: lit(p.column)}
	}
	if w.d == Postgres {
		return w.pgPath(p)
	}
	return w.litePath(p)
}

func (w *sqlWriter) nextAlias() string {
	w.alias++
	return "j" + strconv.Itoa(w.alias)
}

// compare is one comparison of the leaf with one value.
func (w *sqlWriter) compare(op Op, k Kind, lf leaf, v value) frag {
	if w.d == Postgres {
		return pgCompare(op, k, lf, v)
	}
	return liteCompare(op, k, lf, v)
}

// sqlOp is the SQL operator of an ordering Op.
func sqlOp(op Op) string {
	switch op {
	case Gt:
		return " > "
	case Lt:
		return " < "
	case Gte:
		return " >= "
	case Lte:
		return " <= "
	}
	return " = "
}

// typed guards a comparison with the leaf's JSON type, unless the leaf is a
// column.
func typed(lf leaf, typeTest string, cmp frag) frag {
	if lf.typ.sql == "" {
		return cmp
	}
	return cat("(", lf.typ, typeTest, " AND ", cmp, ")")
}

// anyOf joins the comparisons that apply to an open attribute's value;
// FALSE if none does.
func anyOf(fs ...frag) frag {
	var keep []frag
	for _, f := range fs {
		if f.sql != "" {
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		return lit("1 = 0")
	}
	return cat("(", join(keep, " OR "), ")")
}

// sqliteTime is how date-times compare on SQLite: normalised to UTC with
// milliseconds, as strftime writes them.
const sqliteTimeLayout = "2006-01-02T15:04:05.000Z"

func sqliteTime(t time.Time) string {
	return t.UTC().Round(time.Millisecond).Format(sqliteTimeLayout)
}
