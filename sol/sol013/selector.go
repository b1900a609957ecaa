package sol013

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	gojson "github.com/goccy/go-json"
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
// common path cheap. Otherwise v is encoded once and decoded only as deep
// as the selector's paths reach: the attributes it does not descend into
// stay raw JSON, written out as they are. Decoding every attribute into
// maps with encoding/json was two thirds of the server's work of a list;
// goccy/go-json (as the store decodes documents) halves what is left.
func (s Selector) Apply(v any, sel Selection) (any, error) {
	remove := s.removals(sel.Defaults)
	if len(remove) == 0 && s.Fields == nil {
		return v, nil
	}
	// Not escaping HTML: the raw members are written out as they are, and
	// responses are encoded without HTML escapes.
	raw, err := gojson.MarshalNoEscape(v)
	if err != nil {
		return nil, fmt.Errorf("select attributes: %w", err)
	}
	doc, ok := expand(json.RawMessage(raw)).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("select attributes: %T is not a JSON object", v)
	}
	for _, p := range remove {
		if !s.listed(p) && !isMandatory(p, sel.Mandatory) {
			deletePath(doc, p)
		}
	}
	if s.Fields != nil && !s.ExcludeDefault {
		keepOnly(doc, append(append([][]string(nil), s.Fields...), sel.Mandatory...), nil)
	}
	return doc, nil
}

// expand decodes one level of a raw JSON object or array: an object becomes
// a map and an array a slice, whose members are sub-slices of raw
// (json.RawMessage) until expanded in turn. Anything else, raw scalars and
// values already expanded, is returned as it is. Apply's raw comes from
// json.Marshal and is valid; should it not be, the value stays raw and
// selection leaves it whole.
func expand(v any) any {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return v
	}
	switch rawKind(raw) {
	case '{':
		m := map[string]any{}
		ok := scanMembers(raw, func(key, val json.RawMessage) bool {
			k, ok := unquote(key)
			m[k] = val
			return ok
		})
		if ok {
			return m
		}
	case '[':
		a := []any{} // an empty array stays [], not null
		if scanMembers(raw, func(_, val json.RawMessage) bool { a = append(a, val); return true }) {
			return a
		}
	}
	return raw
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

// deletePath removes the attribute at path, descending through objects and
// through every element of arrays on the way. It returns v, expanded where
// it descended, for the caller to store in its place.
func deletePath(v any, path []string) any {
	switch t := expand(v).(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(t, path[0])
			return t
		}
		if child, ok := t[path[0]]; ok {
			t[path[0]] = deletePath(child, path[1:])
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = deletePath(e, path)
		}
		return t
	}
	return v
}

// keepOnly drops the complex attributes (objects and arrays) of v that no
// field names; simple attributes always stay, as SOL 013 asks of "fields".
// It returns v, expanded where it descended, for the caller to store in its
// place.
func keepOnly(v any, fields [][]string, at []string) any {
	switch t := expand(v).(type) {
	case map[string]any:
		for k, child := range t {
			p := append(append([]string(nil), at...), k)
			if !isComplex(child) {
				continue
			}
			switch named := namedBy(fields, p); {
			case named == exact:
			case named == ancestor:
				t[k] = keepOnly(child, fields, p)
			default:
				delete(t, k)
			}
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = keepOnly(e, fields, at)
		}
		return t
	}
	return v
}

type naming int

const (
	unnamed naming = iota
	ancestor
	exact
)

func namedBy(fields [][]string, p []string) naming {
	n := unnamed
	for _, f := range fields {
		if hasPrefix(p, f) {
			return exact
		}
		if hasPrefix(f, p) {
			n = ancestor
		}
	}
	return n
}

func isComplex(v any) bool {
	switch t := v.(type) {
	case map[string]any, []any:
		return true
	case json.RawMessage:
		k := rawKind(t)
		return k == '{' || k == '['
	}
	return false
}
