package sol013

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// Bounds on a filter, so that hostile input is refused before it costs
// anything. Real filters are far smaller.
const (
	// MaxFilterLength is the longest filter accepted, in bytes.
	MaxFilterLength = 8192
	// MaxFilterTerms is the most terms one filter may have.
	MaxFilterTerms = 32
	// MaxFilterValues is the most values one term may have.
	MaxFilterValues = 64
	// MaxFilterDepth is the most names one attribute path may have.
	MaxFilterDepth = 16
)

func init() {
	RegisterClassifier(func(err error) (int, string) {
		if errors.Is(err, query.ErrInvalid) {
			return http.StatusBadRequest, joinLines(err)
		}
		return 0, ""
	})
}

// ParseFilter parses the value of the filter query parameter (already
// URL-decoded) per SOL 013 §5.2:
//
//	filter = term *( ";" term )
//	term   = "(" op "," attr *( "/" attr ) "," value *( "," value ) ")"
//	op     = "eq" / "neq" / "gt" / "lt" / "gte" / "lte" / "cont" / "ncont"
//	value  = 1*unreserved / "'" *( char / "''" ) "'"
//
// A value holding one of , ' ( ) ; is written in single quotes, with each
// single quote in it doubled; a bare pair of quotes is the empty string.
// gt, lt, gte and lte take exactly one value. Errors are 400 *Error values
// whose detail names what is wrong and its position (1-based, in
// characters). The result is checked against no schema: see
// [query.Schema.Check].
func ParseFilter(raw string) (query.Filter, error) {
	switch {
	case raw == "":
		return nil, Errorf(http.StatusBadRequest, "invalid filter: it is empty")
	case len(raw) > MaxFilterLength:
		return nil, Errorf(http.StatusBadRequest, "invalid filter: it is %d bytes long; at most %d are accepted",
			len(raw), MaxFilterLength)
	case !utf8.ValidString(raw):
		return nil, Errorf(http.StatusBadRequest, "invalid filter: it is not valid UTF-8")
	}
	p := filterParser{s: raw}
	return p.filter()
}

// filterParser reads a filter left to right; i is the byte offset.
type filterParser struct {
	s string
	i int
}

func (p *filterParser) filter() (query.Filter, error) {
	var f query.Filter
	for {
		if len(f) == MaxFilterTerms {
			return nil, p.fail("more than %d terms", MaxFilterTerms)
		}
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		f = append(f, t)
		if p.eof() {
			return f, nil
		}
		if p.peek() != ';' {
			return nil, p.fail("expected ';' between terms or the end of the filter, found %s", p.found())
		}
		p.i++
	}
}

func (p *filterParser) term() (query.Term, error) {
	if err := p.expect('(', "to start a term"); err != nil {
		return query.Term{}, err
	}
	op, err := p.op()
	if err != nil {
		return query.Term{}, err
	}
	if err := p.expect(',', "after the operator"); err != nil {
		return query.Term{}, err
	}
	path, err := p.path()
	if err != nil {
		return query.Term{}, err
	}
	if err := p.expect(',', "and a value after the attribute"); err != nil {
		return query.Term{}, err
	}
	values, err := p.values(op)
	if err != nil {
		return query.Term{}, err
	}
	return query.Term{Op: op, Path: path, Values: values}, nil
}

func (p *filterParser) op() (query.Op, error) {
	start := p.i
	word := p.token("")
	op := query.Op(word)
	if !op.Valid() {
		p.i = start
		if word == "" {
			return "", p.fail("expected an operator, found %s", p.found())
		}
		return "", p.fail("unknown operator %q; use eq, neq, gt, lt, gte, lte, cont or ncont", word)
	}
	return op, nil
}

func (p *filterParser) path() ([]string, error) {
	var path []string
	for {
		if len(path) == MaxFilterDepth {
			return nil, p.fail("attribute path deeper than %d names", MaxFilterDepth)
		}
		start := p.i
		name := p.token("/")
		if name == "" {
			return nil, p.fail("expected an attribute name, found %s", p.found())
		}
		if i := strings.IndexFunc(name, isFilterControl); i >= 0 {
			p.i = start + i
			return nil, p.fail("control character in an attribute name")
		}
		path = append(path, name)
		if p.peek() != '/' {
			return path, nil
		}
		p.i++
	}
}

// values reads the term's values and its closing parenthesis.
func (p *filterParser) values(op query.Op) ([]string, error) {
	var values []string
	for {
		if len(values) == MaxFilterValues {
			return nil, p.fail("more than %d values in one term", MaxFilterValues)
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		switch {
		case p.peek() == ')':
			p.i++
			return values, nil
		case p.peek() != ',':
			return nil, p.fail("expected ',' or ')' after a value, found %s", p.found())
		case op.SingleValued():
			return nil, p.fail("operator %s takes exactly one value", op)
		}
		p.i++
	}
}

func (p *filterParser) value() (string, error) {
	if p.peek() == '\'' {
		return p.quoted()
	}
	v := p.token("")
	if v == "" {
		switch p.peek() {
		case ',', ')':
			return "", p.fail("empty value; write '' for the empty string")
		case '(', ';':
			return "", p.fail("%s in a value; quote the value", p.found())
		}
		return "", p.fail("expected a value, found %s", p.found())
	}
	switch p.peek() {
	case '\'':
		return "", p.fail("quote inside an unquoted value; quote the whole value and double the quotes in it")
	case '(':
		return "", p.fail("'(' in a value; quote the value")
	}
	return v, p.noNUL(v)
}

// quoted reads a single-quoted value, where two quotes in a row stand for one.
func (p *filterParser) quoted() (string, error) {
	open := p.i
	p.i++
	var b strings.Builder
	for {
		j := strings.IndexByte(p.s[p.i:], '\'')
		if j < 0 {
			p.i = open
			return "", p.fail("quoted value is not closed")
		}
		b.WriteString(p.s[p.i : p.i+j])
		p.i += j + 1
		if p.peek() != '\'' {
			return b.String(), p.noNUL(b.String())
		}
		b.WriteByte('\'')
		p.i++
	}
}

func (p *filterParser) noNUL(v string) error {
	if strings.IndexByte(v, 0) >= 0 {
		return p.fail("NUL character in a value")
	}
	return nil
}

// token reads up to a reserved character or one of extra.
func (p *filterParser) token(extra string) string {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",()';"+extra, rune(p.s[p.i])) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *filterParser) expect(c byte, why string) error {
	if p.peek() != c {
		return p.fail("expected '%c' %s, found %s", c, why, p.found())
	}
	p.i++
	return nil
}

func (p *filterParser) eof() bool { return p.i >= len(p.s) }

func (p *filterParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

// found describes what is at the current position.
func (p *filterParser) found() string {
	if p.eof() {
		return "the end of the filter"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return fmt.Sprintf("%q", r)
}

// fail is a 400 naming the current position, counted in characters from 1.
func (p *filterParser) fail(format string, args ...any) *Error {
	pos := utf8.RuneCountInString(p.s[:p.i]) + 1
	return Errorf(http.StatusBadRequest, "invalid filter at position %d: %s", pos, fmt.Sprintf(format, args...))
}

func isFilterControl(r rune) bool { return r < 0x20 || r == 0x7f }
