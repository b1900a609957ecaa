package sol013

import (
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
// common path cheap.
func (s Selector) Apply(v any, sel Selection) (any, error) {
	remove := s.removals(sel.Defaults)
	if len(remove) == 0 && s.Fields == nil {
		return v, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("select attributes: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("select attributes: %w", err)
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
// through every element of arrays on the way.
func deletePath(v any, path []string) {
	switch t := v.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(t, path[0])
			return
		}
		if child, ok := t[path[0]]; ok {
			deletePath(child, path[1:])
		}
	case []any:
		for _, e := range t {
			deletePath(e, path)
		}
	}
}

// keepOnly drops the complex attributes (objects and arrays) of v that no
// field names; simple attributes always stay, as SOL 013 asks of "fields".
func keepOnly(v any, fields [][]string, at []string) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			p := append(append([]string(nil), at...), k)
			if !isComplex(child) {
				continue
			}
			switch named := namedBy(fields, p); {
			case named == exact:
			case named == ancestor:
				keepOnly(child, fields, p)
			default:
				delete(t, k)
			}
		}
	case []any:
		for _, e := range t {
			keepOnly(e, fields, at)
		}
	}
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
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}
