package query

import (
	"errors"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// plan is how to reach a term's leaf values from the document root: for
// each group, follow its keys then look through its array levels; then
// follow leafKeys. A loose leaf (in an open part) is looked through once
// more if it is an array.
type plan struct {
	groups   []group
	leafKeys []string
	loose    bool
	kind     Kind
	// column, if set, holds the attribute in its own SQL column.
	column string
}

type group struct {
	keys   []string
	arrays int
}

// value is one value of a term, parsed for the attribute's kind.
type value struct {
	s      string
	num    float64
	isNum  bool
	b      bool
	isBool bool
	t      time.Time
}

// cterm is a term checked against a schema and ready to evaluate.
type cterm struct {
	op   Op
	plan plan
	vals []value
}

// Check reports every term of f that cannot be used with s: unknown
// attributes, attributes that are not simple, operators that do not apply
// to the attribute's kind, wrong number of values and values not of the
// attribute's kind. The error wraps ErrInvalid and names each path.
func (s *Schema) Check(f Filter) error {
	_, err := s.compile(f)
	return err
}

func (s *Schema) compile(f Filter) ([]cterm, error) {
	out := make([]cterm, 0, len(f))
	var errs invalidErrors
	for _, t := range f {
		ct, err := s.compileTerm(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, ct)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func (s *Schema) compileTerm(t Term) (cterm, error) {
	if len(t.Path) == 0 {
		return cterm{}, invalid(t.Path, "no attribute named")
	}
	p, err := s.resolve(t.Path)
	if err != nil {
		return cterm{}, err
	}
	if err := checkOp(t, p.kind); err != nil {
		return cterm{}, err
	}
	vals := make([]value, len(t.Values))
	for i, raw := range t.Values {
		if vals[i], err = parseValue(t.Path, p.kind, raw); err != nil {
			return cterm{}, err
		}
	}
	return cterm{op: t.Op, plan: p, vals: vals}, nil
}

func checkOp(t Term, k Kind) error {
	switch {
	case !t.Op.Valid():
		return invalid(t.Path, "unknown operator %q", string(t.Op))
	case !k.allows(t.Op):
		return invalid(t.Path, "operator %s does not apply to a %v", t.Op, k)
	case len(t.Values) == 0:
		return invalid(t.Path, "operator %s needs a value", t.Op)
	case t.Op.SingleValued() && len(t.Values) != 1:
		return invalid(t.Path, "operator %s takes exactly one value, not %d", t.Op, len(t.Values))
	}
	return nil
}

// resolve walks path through the schema into a plan.
func (s *Schema) resolve(path []string) (plan, error) {
	var p plan
	if col, ok := s.columns[strings.Join(path, "/")]; ok {
		p.column = col.name
	}
	for _, name := range path {
		if err := checkName(path, name); err != nil {
			return plan{}, err
		}
	}
	n, cur := s.root, group{}
	for i, name := range path {
		if n.kind == KindOpen {
			p.leafKeys, p.loose, p.kind = append(cur.keys, path[i:]...), true, KindOpen
			return p, nil
		}
		if n.kind != KindObject {
			return plan{}, invalid(path, "%s is a %v and has no attribute %q", strings.Join(path[:i], "/"), n.kind, name)
		}
		child, ok := n.fields[name]
		if !ok {
			return plan{}, invalid(path, "unknown attribute %q%s (known: %s)", name, where(path[:i]), known(n))
		}
		cur.keys = append(cur.keys, name)
		if child.arrays > 0 {
			cur.arrays = child.arrays
			p.groups, cur = append(p.groups, cur), group{}
		}
		n = child
	}
	switch n.kind {
	case KindObject:
		return plan{}, invalid(path, "is an object; filter on one of its attributes")
	case KindOpen:
		return plan{}, invalid(path, "holds arbitrary keys; filter on one of them")
	}
	p.leafKeys, p.kind = cur.keys, n.kind
	if len(p.groups) > 0 {
		p.column = "" // a column holds one value per document, not one per element
	}
	return p, nil
}

// known lists the attributes of an object for an error, shortened.
func known(n *node) string {
	const most = 12
	names := slices.Sorted(maps.Keys(n.fields))
	if len(names) > most {
		names = append(names[:most], "...")
	}
	return strings.Join(names, ", ")
}

func where(parent []string) string {
	if len(parent) == 0 {
		return ""
	}
	return " in " + strings.Join(parent, "/")
}

// checkName rejects names a JSON path of SQLite cannot carry.
func checkName(path []string, name string) error {
	switch {
	case name == "":
		return invalid(path, "empty attribute name")
	case !utf8.ValidString(name):
		return invalid(path, "attribute name is not valid UTF-8")
	case strings.ContainsAny(name, "\"\\"), strings.ContainsFunc(name, isControl):
		return invalid(path, "attribute name %q has characters filters do not support", name)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// jsonNumber is the JSON number grammar; values of numbers must follow it.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func parseNumber(s string) (float64, bool) {
	if !jsonNumber.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

func parseValue(path []string, k Kind, s string) (value, error) {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return value{}, invalid(path, "value %q is not valid text", s)
	}
	v := value{s: s}
	switch k {
	case KindNumber:
		if v.num, v.isNum = parseNumber(s); !v.isNum {
			return value{}, invalid(path, "value %q is not a number", s)
		}
	case KindBoolean:
		if s != "true" && s != "false" {
			return value{}, invalid(path, "value %q is not true or false", s)
		}
		v.b, v.isBool = s == "true", true
	case KindDateTime:
		t, err := parseTime(s)
		if err != nil {
			return value{}, invalid(path, "value %q is not an RFC 3339 date-time", s)
		}
		v.t = t
	case KindOpen:
		v.num, v.isNum = parseNumber(s)
		v.b, v.isBool = s == "true", s == "true" || s == "false"
	}
	return v, nil
}

// dateTimePattern is what counts as a date-time, here and in both
// databases: RFC 3339 with 'T' and an explicit zone, the offset within
// ±14:59 (as SQLite reads them), and a year from 0001 (as PostgreSQL reads
// them) — checked apart, since the pattern cannot say it.
const dateTimePattern = `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]` +
	`(\.[0-9]+)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$`

var dateTime = regexp.MustCompile(dateTimePattern)

var errNotDateTime = errors.New("not an RFC 3339 date-time")

// parseTime reads a date-time as dateTimePattern describes it; time.Parse
// rejects impossible calendar dates such as February 30.
func parseTime(s string) (time.Time, error) {
	if !dateTime.MatchString(s) || strings.HasPrefix(s, "0000") {
		return time.Time{}, errNotDateTime
	}
	return time.Parse(time.RFC3339, s)
}
