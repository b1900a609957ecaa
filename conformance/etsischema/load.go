package etsischema

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/encoding/charmap"
)

// suffix ends every schema file name.
const suffix = ".schema.json"

// Schema is one compiled ETSI schema.
type Schema struct {
	name string
	// Fix says which known defect was worked around to get it, if any.
	fix string
	js  *jsonschema.Schema
}

// Name is the schema's file path below the set's root, without suffix.
func (s *Schema) Name() string { return s.name }

// Fix describes the defect of the ETSI file that was worked around to
// compile this schema, or is "" when the file was used as it is.
func (s *Schema) Fix() string { return s.fix }

// Validate checks the JSON document body against the schema. The error
// lists every violation with its location in the document.
func (s *Schema) Validate(body []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("validate against %s: body is not one JSON document: %w", s.name, err)
	}
	if err := s.js.Validate(doc); err != nil {
		return fmt.Errorf("validate against %s: %w", s.name, err)
	}
	return nil
}

// load resolves, reads, repairs and compiles the schema with key.
func (s *Set) load(key string) (*Schema, error) {
	doc, name, err := s.read(key)
	if err != nil {
		return nil, err
	}
	sch := &Schema{name: name}
	if f, ok := fixes[strings.ToLower(key)]; ok && (!f.onlyIfEmpty || doc == nil) {
		if doc, err = s.applyFix(key, doc, f); err != nil {
			return nil, fmt.Errorf("work around %s: %w", f.reason, err)
		}
		sch.fix = f.reason
	}
	if doc == nil {
		return nil, fmt.Errorf("%s%s is empty: %w", name, suffix, ErrUnavailable)
	}
	if sch.js, err = compile(key, doc); err != nil {
		return nil, err
	}
	return sch, nil
}

// read returns the parsed document of the file with key and its real
// name, or a nil document when the file is empty.
func (s *Set) read(key string) (any, string, error) {
	name, err := s.resolve(key)
	if err != nil {
		return nil, "", err
	}
	raw, err := fs.ReadFile(s.fsys, name+suffix)
	if err != nil {
		return nil, "", fmt.Errorf("read: %w", err)
	}
	text := decodeText(raw)
	if strings.TrimSpace(text) == "" {
		return nil, name, nil
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, "", fmt.Errorf("parse %s%s: %w", name, suffix, err)
	}
	return doc, name, nil
}

// resolve finds the file whose path matches key ignoring case, preferring
// an exact match at each level. It returns the path without suffix.
func (s *Set) resolve(key string) (string, error) {
	segs := strings.Split(key+suffix, "/")
	dir := "."
	for _, seg := range segs {
		entries, err := fs.ReadDir(s.fsys, dir)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrUnavailable, key, err)
		}
		match := ""
		for _, e := range entries {
			if e.Name() == seg {
				match = seg
				break
			}
			if match == "" && strings.EqualFold(e.Name(), seg) {
				match = e.Name()
			}
		}
		if match == "" {
			return "", fmt.Errorf("%w: no file %s%s", ErrUnavailable, key, suffix)
		}
		dir = path.Join(dir, match)
	}
	return strings.TrimSuffix(dir, suffix), nil
}

// decodeText returns the file's text. ETSI's files are meant to be UTF-8,
// but some were saved as Windows-1252 (curly quotes in descriptions); those
// are decoded as such rather than rejected.
func decodeText(raw []byte) string {
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	if utf8.Valid(raw) {
		return string(raw)
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil { // cannot happen: every byte has a cp1252 meaning
		return string(bytes.ToValidUTF8(raw, []byte("\uFFFD")))
	}
	return string(text)
}

// compile compiles doc. ETSI wrote the schemas for draft-07 tooling and
// most do not say so; draft-07 is therefore the default, which also makes
// "format" (date-time, uri) an assertion. Formats ETSI invented ("URI",
// "url", "IP", "MAC") are unknown to the validator and ignored.
func compile(key string, doc any) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	url := "https://schemas.etsi.invalid/" + strings.ToLower(key) + suffix
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	js, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return js, nil
}
