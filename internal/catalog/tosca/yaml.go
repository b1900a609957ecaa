package tosca

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Limits bound what one load may cost. Zero fields take the defaults.
type Limits struct {
	// MaxFileSize caps one definitions file, in bytes (default 8 MiB).
	MaxFileSize int64
	// MaxTotalSize caps all files of one load together (default 64 MiB).
	MaxTotalSize int64
	// MaxFiles caps how many files one load reads (default 1000).
	MaxFiles int
	// MaxNodes caps the YAML values of one load, aliases counted once per
	// expansion (default 500,000, some 50 MB of values).
	MaxNodes int
	// MaxAliasNodes caps the values produced by expanding aliases in one
	// load, which defeats alias bombs early (default 50,000).
	MaxAliasNodes int
	// MaxDepth caps nesting of YAML values (default 100).
	MaxDepth int
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 8 << 20
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = 64 << 20
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = 1000
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = 500_000
	}
	if l.MaxAliasNodes <= 0 {
		l.MaxAliasNodes = 50_000
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 100
	}
	return l
}

// limitError reports that a safety limit was exceeded.
type limitError struct{ msg string }

// Error returns the message.
func (e *limitError) Error() string { return e.msg }

// yamlError is a problem located in a YAML document.
type yamlError struct {
	pos   Pos
	msg   string
	limit bool
}

// Error formats the problem with its position.
func (e *yamlError) Error() string { return e.pos.String() + ": " + e.msg }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) error {
	return &yamlError{pos: d.pos(n), msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) limitf(n *yaml.Node, format string, args ...any) error {
	return &yamlError{pos: d.pos(n), msg: fmt.Sprintf(format, args...), limit: true}
}

// decoder turns yaml.v3 nodes into Values, charging every produced value to
// a budget shared by the whole load.
type decoder struct {
	file   string
	budget *budget
	depth  int
	max    int
	// expanding holds the anchors being expanded, to stop recursive aliases.
	expanding map[*yaml.Node]bool
}

// budget counts the values a load may still produce, in all and through
// alias expansion.
type budget struct {
	nodes, aliasNodes int
}

// parseYAML parses one document. An empty document gives a null Value.
func parseYAML(file string, data []byte, budget *budget, maxDepth int) (*Value, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return &Value{Kind: KindNull, Pos: Pos{File: file}}, nil
		}
		return nil, fmt.Errorf("parse yaml: %w", err)
	}
	d := &decoder{file: file, budget: budget, max: maxDepth, expanding: map[*yaml.Node]bool{}}
	if len(doc.Content) == 0 {
		return &Value{Kind: KindNull, Pos: Pos{File: file}}, nil
	}
	return d.value(doc.Content[0])
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

func (d *decoder) charge(n *yaml.Node) error {
	d.budget.nodes--
	if d.budget.nodes < 0 {
		return d.limitf(n, "more YAML values than the limit")
	}
	if len(d.expanding) > 0 {
		d.budget.aliasNodes--
		if d.budget.aliasNodes < 0 {
			return d.limitf(n, "aliases expand to more values than the limit")
		}
	}
	return nil
}

func (d *decoder) value(n *yaml.Node) (*Value, error) {
	if err := d.charge(n); err != nil {
		return nil, err
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > d.max {
		return nil, d.limitf(n, "nesting deeper than %d", d.max)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return d.alias(n)
	case yaml.ScalarNode:
		return d.scalar(n), nil
	case yaml.SequenceNode:
		v := &Value{Kind: KindList, Pos: d.pos(n), List: make([]*Value, 0, len(n.Content))}
		for _, c := range n.Content {
			x, err := d.value(c)
			if err != nil {
				return nil, err
			}
			v.List = append(v.List, x)
		}
		return v, nil
	case yaml.MappingNode:
		return d.mapping(n)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &Value{Kind: KindNull, Pos: d.pos(n)}, nil
		}
		return d.value(n.Content[0])
	}
	return nil, d.errorf(n, "unexpected yaml node kind %d", n.Kind)
}

func (d *decoder) alias(n *yaml.Node) (*Value, error) {
	if n.Alias == nil {
		return nil, d.errorf(n, "unknown alias")
	}
	if d.expanding[n.Alias] {
		return nil, d.errorf(n, "alias %q refers to itself", n.Value)
	}
	d.expanding[n.Alias] = true
	defer delete(d.expanding, n.Alias)
	return d.value(n.Alias)
}

func (d *decoder) scalar(n *yaml.Node) *Value {
	v := &Value{Kind: KindString, Str: n.Value, Pos: d.pos(n)}
	switch n.ShortTag() {
	case "!!null":
		v.Kind = KindNull
	case "!!int":
		v.Kind = KindInt
		if _, err := parseYAMLInt(n.Value); err != nil {
			v.Kind = KindFloat
		}
	case "!!float":
		v.Kind = KindFloat
	case "!!bool":
		v.Kind = KindBool
	case "!!timestamp":
		v.Kind = KindTimestamp
	}
	return v
}

func (d *decoder) mapping(n *yaml.Node) (*Value, error) {
	v := &Value{Kind: KindMap, Pos: d.pos(n), Map: make([]Entry, 0, len(n.Content)/2)}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, c := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if err := d.merge(v, seen, c); err != nil {
				return nil, err
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, d.errorf(k, "map key must be a scalar")
		}
		if seen[k.Value] {
			return nil, d.errorf(k, "key %q defined twice", k.Value)
		}
		x, err := d.value(c)
		if err != nil {
			return nil, err
		}
		seen[k.Value] = true
		v.Map = append(v.Map, Entry{Key: k.Value, KeyPos: d.pos(k), KeyKind: d.scalar(k).Kind, Value: x})
	}
	return v, nil
}

// merge applies a YAML merge key ("<<"): keys already present win.
func (d *decoder) merge(into *Value, seen map[string]bool, src *yaml.Node) error {
	m, err := d.value(src)
	if err != nil {
		return err
	}
	var maps []*Value
	switch m.Kind {
	case KindMap:
		maps = []*Value{m}
	case KindList:
		maps = m.List
	}
	for _, x := range maps {
		if x.Kind != KindMap {
			return &yamlError{pos: x.Pos, msg: "merge key needs a map"}
		}
		for _, e := range x.Map {
			if !seen[e.Key] {
				seen[e.Key] = true
				into.Map = append(into.Map, e)
			}
		}
	}
	return nil
}
