package sol013

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Selector is a parsed set of SOL 013 attribute selector parameters
// (§5.3): all_fields, fields, exclude_fields and exclude_default.
type Selector struct {
	All            bool
	Fields         [][]string
	ExcludeFields  [][]string
	ExcludeDefault bool
}

// selectorParams are the query parameters a Selector is parsed from; the
// paging marker carries them so a next page is selected alike.
var selectorParams = []string{"all_fields", "fields", "exclude_fields", "exclude_default"}

// ParseSelector reads the selector parameters of q. The combinations SOL 013
// allows are: none (which means exclude_default), all_fields, fields,
// exclude_fields, exclude_default, and exclude_default with fields.
func ParseSelector(q url.Values) (Selector, error) {
	var s Selector
	_, s.All = q["all_fields"]
	_, s.ExcludeDefault = q["exclude_default"]
	var err error
	if s.Fields, err = parseFieldList(q, "fields"); err != nil {
		return s, err
	}
	if s.ExcludeFields, err = parseFieldList(q, "exclude_fields"); err != nil {
		return s, err
	}
	n := 0
	for _, on := range []bool{s.All, s.Fields != nil, s.ExcludeFields != nil, s.ExcludeDefault} {
		if on {
			n++
		}
	}
	if n > 1 && !(n == 2 && s.ExcludeDefault && s.Fields != nil) {
		return s, Errorf(http.StatusBadRequest,
			"attribute selectors: only exclude_default may be combined, and only with fields")
	}
	if n == 0 {
		s.ExcludeDefault = true
	}
	return s, nil
}

func parseFieldList(q url.Values, name string) ([][]string, error) {
	vals, ok := q[name]
	if !ok {
		return nil, nil
	}
	var out [][]string
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			path := strings.Split(strings.TrimSpace(f), "/")
			for _, seg := range path {
				if seg == "" {
					return nil, Errorf(http.StatusBadRequest, "%s: empty attribute name in %q", name, v)
				}
			}
			out = append(out, path)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(http.StatusBadRequest, "%s needs at least one attribute name", name)
	}
	return out, nil
}

// Selection describes how a resource's attributes take part in selection.
type Selection struct {
	// Defaults are the complex attributes excluded unless asked for.
	Defaults [][]string
	// Mandatory are complex attributes the data type requires (such as
	// _links); no selector removes them, so every answer stays valid.
	Mandatory [][]string
}

// Apply returns v with the selector applied for a resource selected as sel.
// When nothing is to be removed v is returned unchanged, which keeps the
// common path cheap. Otherwise v is encoded once and the encoding copied
// with the unselected attributes left out (see selectPlan), as
// json.RawMessage.
func (s Selector) Apply(v any, sel Selection) (any, error) {
	p := s.plan(sel)
	if p.none() {
		return v, nil
	}
	raw, err := newItemEncoder().encode(v)
	if err != nil {
		return nil, fmt.Errorf("select attributes: %w", err)
	}
	out, err := p.appendSelected(nil, raw)
	if err != nil {
		return nil, fmt.Errorf("select attributes: %w", err)
	}
	return json.RawMessage(out), nil
}

// selectPlan is a Selector resolved against a Selection, once per request:
// which attribute paths go, and, for "fields", which complex attributes
// stay. Applied to an encoded resource, it copies the encoding and leaves
// the unselected members out, descending only where a path leads. It
// decides what deletePath and keepOnly decide on a decoded document
// (TestSelector_ApplyRawMatchesDecoded), without decoding: expanding each
// listed resource into maps and encoding those again was most of the
// server's work of a list.
type selectPlan struct {
	// remove are the paths to leave out.
	remove [][]string
	// keep, if not nil, are the paths whose complex attributes stay; any
	// other complex attribute goes.
	keep [][]string
}

func (s Selector) plan(sel Selection) selectPlan {
	var p selectPlan
	for _, r := range s.removals(sel.Defaults) {
		if !s.listed(r) && !isMandatory(r, sel.Mandatory) {
			p.remove = append(p.remove, r)
		}
	}
	if s.Fields != nil && !s.ExcludeDefault {
		p.keep = append(append([][]string(nil), s.Fields...), sel.Mandatory...)
	}
	return p
}

// none reports whether the plan leaves everything in.
func (p selectPlan) none() bool { return len(p.remove) == 0 && p.keep == nil }

// appendSelected appends the JSON object raw with the plan applied to dst.
// raw must be compact, as encoders write it.
func (p selectPlan) appendSelected(dst, raw []byte) ([]byte, error) {
	if rawKind(raw) != '{' {
		return dst, fmt.Errorf("%.20q is not a JSON object", raw)
	}
	var at [8]string
	dst, ok := p.appendValue(dst, raw, at[:0], p.keep != nil)
	if !ok {
		return dst, fmt.Errorf("malformed JSON %.40q", raw)
	}
	return dst, nil
}

// appendValue appends raw, found at path at, with the plan applied below
// it; keeping says whether p.keep still drops complex attributes there (not
// below an attribute it names). Arrays add nothing to the path: a path
// applies to every element, as in deletePath and keepOnly.
func (p selectPlan) appendValue(dst, raw []byte, at []string, keeping bool) ([]byte, bool) {
	switch rawKind(raw) {
	case '{':
		dst = append(dst, '{')
		n := len(dst)
		ok := scanMembers(raw, func(key, val json.RawMessage) bool {
			seg, keep, descend, kept, ok := p.decide(at, key, val, keeping)
			if !ok {
				return false
			}
			if !keep {
				return true
			}
			if len(dst) > n {
				dst = append(dst, ',')
			}
			dst = append(append(dst, key...), ':')
			if !descend {
				dst = append(dst, val...)
				return true
			}
			dst, ok = p.appendValue(dst, val, append(at, seg), kept)
			return ok
		})
		return append(dst, '}'), ok
	case '[':
		dst = append(dst, '[')
		n := len(dst)
		ok := scanMembers(raw, func(_, val json.RawMessage) bool {
			if len(dst) > n {
				dst = append(dst, ',')
			}
			var ok bool
			dst, ok = p.appendValue(dst, val, at, keeping)
			return ok
		})
		return append(dst, ']'), ok
	}
	return append(dst, raw...), true
}

// decide says of the member key: val at path at whether it stays, and if
// so whether the plan reaches below it (then seg is its name, and kept
// whether p.keep still applies there). It compares key with the plan's
// path segments as bytes: only a member some path names needs its name as
// a string.
func (p selectPlan) decide(at []string, key, val json.RawMessage, keeping bool) (seg string, keep, descend, kept, ok bool) {
	name := key[1 : len(key)-1]
	if bytes.IndexByte(name, '\\') >= 0 { // escaped: compare the decoded name
		s, ok := unquote(key)
		if !ok {
			return "", false, false, false, false
		}
		name = []byte(s)
	}
	d := len(at)
	for _, r := range p.remove {
		if len(r) > d && string(name) == r[d] && hasPrefix(r, at) {
			if len(r) == d+1 {
				return "", false, false, false, true
			}
			seg, descend = r[d], true
		}
	}
	if keeping {
		if k := rawKind(val); k == '{' || k == '[' {
			// Above, no path of p.keep was a prefix of at, or keeping
			// would be false: only one ending here can be.
			switch n := p.namedHere(at, name); {
			case n == unnamed:
				return "", false, false, false, true
			case n == ancestor:
				seg, descend, kept = p.segment(at, name), true, true
			}
		}
	}
	return seg, true, descend, kept, true
}

// namedHere is namedBy(p.keep, at+name).
func (p selectPlan) namedHere(at []string, name []byte) naming {
	d, n := len(at), unnamed
	for _, f := range p.keep {
		if len(f) > d && string(name) == f[d] && hasPrefix(f, at) {
			if len(f) == d+1 {
				return exact
			}
			n = ancestor
		}
	}
	return n
}

// segment returns the path segment of p.keep equal to name.
func (p selectPlan) segment(at []string, name []byte) string {
	for _, f := range p.keep {
		if len(f) > len(at) && string(name) == f[len(at)] {
			return f[len(at)]
		}
	}
	return string(name)
}

// scanMembers calls fn with each member of the valid JSON object or array
// raw: its key (a JSON string, nil for arrays) and its value, both slices
// of raw. Encoding/json's and goccy/go-json's decoding into
// map[string]json.RawMessage copied every value and allocated per member;
// this only finds where the members are. It reports false if raw is not
// well formed or fn does.
func scanMembers(raw json.RawMessage, fn func(key, val json.RawMessage) bool) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || (raw[i] != '{' && raw[i] != '[') {
		return false
	}
	object, closing := raw[i] == '{', byte('}')
	if !object {
		closing = ']'
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == closing {
		return true
	}
	for i < len(raw) {
		var key json.RawMessage
		if object {
			end := skipValue(raw, i)
			if end < 0 || raw[i] != '"' {
				return false
			}
			key = raw[i:end]
			i = skipSpace(raw, end)
			if i >= len(raw) || raw[i] != ':' {
				return false
			}
			i = skipSpace(raw, i+1)
		}
		end := skipValue(raw, i)
		if end < 0 || !fn(key, raw[i:end]) {
			return false
		}
		i = skipSpace(raw, end)
		switch {
		case i < len(raw) && raw[i] == ',':
			i = skipSpace(raw, i+1)
		case i < len(raw) && raw[i] == closing:
			return true
		default:
			return false
		}
	}
	return false
}

// skipValue returns the index just past the JSON value that starts at i,
// or -1. It trusts the value to be well formed inside: it only tracks
// strings and nesting.
func skipValue(raw []byte, i int) int {
	depth := 0
	for ; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '"':
			for i++; i < len(raw) && raw[i] != '"'; i++ {
				if raw[i] == '\\' {
					i++
				}
			}
			if i >= len(raw) {
				return -1
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 { // the end of the enclosing value, after a scalar
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return i
			}
		}
	}
	if depth == 0 {
		return i
	}
	return -1
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// unquote returns the JSON string key as Go text. Attribute names have no
// escapes, so the common case is a plain copy.
func unquote(key json.RawMessage) (string, bool) {
	if len(key) >= 2 && bytes.IndexByte(key, '\\') < 0 {
		return string(key[1 : len(key)-1]), true
	}
	var k string
	err := json.Unmarshal(key, &k)
	return k, err == nil
}

// rawKind is the first byte of a raw JSON value: '{', '[', or another.
func rawKind(raw json.RawMessage) byte {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

func (s Selector) removals(defaults [][]string) [][]string {
	switch {
	case s.All:
		return nil
	case s.ExcludeFields != nil:
		return s.ExcludeFields
	case s.ExcludeDefault:
		return defaults
	}
	return nil
}

// listed reports whether path is named by fields (or lies under one of
// them), which overrides a default exclusion.
func (s Selector) listed(path []string) bool {
	for _, f := range s.Fields {
		if hasPrefix(f, path) || hasPrefix(path, f) {
			return true
		}
	}
	return false
}

func isMandatory(p []string, mandatory [][]string) bool {
	for _, m := range mandatory {
		if hasPrefix(p, m) {
			return true
		}
	}
	return false
}

func hasPrefix(p, prefix []string) bool {
	if len(prefix) > len(p) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}

type naming int

const (
	unnamed naming = iota
	ancestor
	exact
)
