package tosca

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// functionNames are the TOSCA intrinsic and property functions.
var functionNames = map[string]bool{
	"get_input": true, "get_property": true, "get_attribute": true, "concat": true,
	"token": true, "join": true, "get_operation_output": true, "get_artifact": true,
	"get_nodes_of_type": true,
}

// isFunction reports whether v is a function call: a map with a single key
// naming a function.
func isFunction(v *Value) bool {
	return v != nil && v.Kind == KindMap && len(v.Map) == 1 && functionNames[v.Map[0].Key]
}

// IsFunction reports whether v is a TOSCA function call such as
// {get_input: name}.
func IsFunction(v *Value) bool { return isFunction(v) }

// function checks the arguments of a function call and what it refers to.
func (c *checker) function(v *Value, path string) {
	name, arg := v.Map[0].Key, v.Map[0].Value
	fpath := joinPath(path, name)
	switch name {
	case "get_input":
		c.getInput(arg, fpath)
	case "get_property", "get_attribute":
		c.getProperty(name, arg, fpath)
	case "concat":
		if arg.Kind != KindList || len(arg.List) == 0 {
			c.d.add(CodeFunction, arg.Pos, fpath, "concat needs a list of values")
			return
		}
		c.functionArgs(arg.List, fpath)
	case "join":
		if arg.Kind != KindList || len(arg.List) == 0 || len(arg.List) > 2 || arg.List[0].Kind != KindList && !isFunction(arg.List[0]) {
			c.d.add(CodeFunction, arg.Pos, fpath, "join needs [list, delimiter]")
			return
		}
		c.functionArgs(arg.List, fpath)
	case "token":
		c.token(arg, fpath)
	case "get_operation_output":
		if arg.Kind != KindList || len(arg.List) != 4 {
			c.d.add(CodeFunction, arg.Pos, fpath, "get_operation_output needs [entity, interface, operation, output]")
		}
	case "get_artifact":
		if arg.Kind != KindList || len(arg.List) < 2 || len(arg.List) > 4 {
			c.d.add(CodeFunction, arg.Pos, fpath, "get_artifact needs [entity, artifact, location, remove]")
		}
	case "get_nodes_of_type":
		if c.reg.lookup(NodeType, arg.Str) == nil {
			c.d.add(CodeFunction, arg.Pos, fpath, "get_nodes_of_type: unknown node type %q", arg.Str)
		}
	}
}

func (c *checker) functionArgs(args []*Value, path string) {
	for i, a := range args {
		if isFunction(a) {
			c.function(a, joinPath(path, strconv.Itoa(i)))
		} else if a.Kind == KindMap {
			c.d.add(CodeFunction, a.Pos, path, "argument %d is neither a value nor a function", i)
		}
	}
}

func (c *checker) getInput(arg *Value, path string) {
	name := arg.Str
	if arg.Kind == KindList {
		if len(arg.List) == 0 {
			c.d.add(CodeFunction, arg.Pos, path, "get_input needs an input name")
			return
		}
		name = arg.List[0].Str
	} else if arg.Kind == KindMap {
		c.d.add(CodeFunction, arg.Pos, path, "get_input needs an input name")
		return
	}
	if c.topo != nil && c.topo.inputs[name] == nil {
		c.d.add(CodeFunction, arg.Pos, path, "get_input: no input %q in this topology", name)
	}
}

func (c *checker) token(arg *Value, path string) {
	if arg.Kind != KindList || len(arg.List) != 3 {
		c.d.add(CodeFunction, arg.Pos, path, "token needs [string, separators, index]")
		return
	}
	if _, ok := arg.List[2].Int(); !ok {
		c.d.add(CodeFunction, arg.List[2].Pos, path, "token index must be an integer")
	}
	if arg.List[1].Kind != KindString || arg.List[1].Str == "" {
		c.d.add(CodeFunction, arg.List[1].Pos, path, "token separators must be a non-empty string")
	}
	c.functionArgs(arg.List[:1], path)
}

// getProperty checks [entity, (capability or requirement,) name, ...].
func (c *checker) getProperty(fn string, arg *Value, path string) {
	if arg.Kind != KindList || len(arg.List) < 2 {
		c.d.add(CodeFunction, arg.Pos, path, "%s needs [entity, name, ...]", fn)
		return
	}
	for _, a := range arg.List {
		if a.Kind == KindList || a.Kind == KindMap {
			c.d.add(CodeFunction, a.Pos, path, "%s arguments must be names", fn)
			return
		}
	}
	entity := arg.List[0].Str
	var node *NodeTemplate
	switch entity {
	case "SOURCE", "TARGET", "HOST":
		return // known only in a relationship or hosting context
	case "SELF":
		node = c.self
	default:
		if c.topo == nil {
			return
		}
		if node = c.topo.nodes[entity]; node == nil {
			if c.topo.rels[entity] == nil && c.topo.groups[entity] == nil {
				c.d.add(CodeFunction, arg.List[0].Pos, path, "%s: no node template %q", fn, entity)
			}
			return
		}
	}
	if node == nil || node.Type == nil {
		return
	}
	if msg := checkPropertyRef(fn, node.Type, arg.List[1:]); msg != "" {
		c.d.add(CodeFunction, arg.List[1].Pos, path, "%s: %s of node template %q", fn, msg, node.Name)
	}
}

// checkPropertyRef checks that names lead to a property (or attribute) of
// the node type, possibly through one of its capabilities or requirements.
func checkPropertyRef(fn string, t *Type, names []*Value) string {
	first := names[0].Str
	if t.Property(first) != nil || (fn == "get_attribute" && t.Attribute(first) != nil) {
		return ""
	}
	if cd := t.Capability(first); cd != nil {
		if len(names) < 2 {
			return fmt.Sprintf("capability %q needs a property name", first)
		}
		return ""
	}
	if t.Requirement(first) != nil && len(names) >= 2 {
		return ""
	}
	if fn == "get_attribute" && t.DerivesFrom("tosca.nodes.Root") && (first == "tosca_id" || first == "tosca_name" || first == "state") {
		return ""
	}
	return fmt.Sprintf("no property %q", first)
}

// ErrNotStatic reports a function whose value is only known at run time
// (get_attribute without a value, get_operation_output, ...).
var ErrNotStatic = errors.New("value known only at run time")

// maxResolveDepth bounds chains of functions referring to functions.
const maxResolveDepth = 32

// maxResolveSteps bounds the function calls one Resolve makes, so
// functions that fan out (a concat of get_property of concats...) cannot
// make resolution exponential.
const maxResolveSteps = 10_000

// maxTopologySteps bounds the function calls of all Resolve calls on one
// topology together: a hostile template cannot make a caller that resolves
// each of its many properties do unbounded work.
const maxTopologySteps = 1_000_000

// maxResolvedString bounds strings built by concat and join.
const maxResolvedString = 1 << 20

// ResolveError is a function that could not be evaluated, located at the
// outermost call.
type ResolveError struct {
	Pos Pos
	Err error
}

// Error formats the problem with its position.
func (e *ResolveError) Error() string { return e.Pos.String() + ": " + e.Err.Error() }

// Unwrap returns the cause, e.g. ErrNotStatic.
func (e *ResolveError) Unwrap() error { return e.Err }

// resolver evaluates functions within one Resolve call.
type resolver struct {
	t     *TopologyTemplate
	steps int
	// active holds the node properties being evaluated, to report cycles.
	active map[string]bool
}

// Resolve evaluates the functions in v (recursively, inside lists and maps
// too) in the context of node self, which may be nil. Values without
// functions are returned as they are.
func (t *TopologyTemplate) Resolve(v *Value, self *NodeTemplate) (*Value, error) {
	r := &resolver{t: t, active: map[string]bool{}}
	out, err := r.resolve(v, self, 0)
	if err != nil {
		var re *ResolveError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, &ResolveError{Pos: v.Pos, Err: err}
	}
	return out, nil
}

func (r *resolver) resolve(v *Value, self *NodeTemplate, depth int) (*Value, error) {
	if depth > maxResolveDepth {
		return nil, fmt.Errorf("functions nested or chained deeper than %d", maxResolveDepth)
	}
	switch {
	case v == nil:
		return nil, nil
	case isFunction(v):
		return r.call(v, self, depth+1)
	case v.Kind == KindList:
		return r.resolveList(v, self, depth)
	case v.Kind == KindMap:
		return r.resolveMap(v, self, depth)
	}
	return v, nil
}

func (r *resolver) resolveList(v *Value, self *NodeTemplate, depth int) (*Value, error) {
	var out *Value
	for i, x := range v.List {
		res, err := r.resolve(x, self, depth+1)
		if err != nil {
			return nil, err
		}
		if res != x && out == nil {
			out = &Value{Kind: KindList, Pos: v.Pos, List: append([]*Value{}, v.List...)}
		}
		if out != nil {
			out.List[i] = res
		}
	}
	if out == nil {
		return v, nil
	}
	return out, nil
}

func (r *resolver) resolveMap(v *Value, self *NodeTemplate, depth int) (*Value, error) {
	var out *Value
	for i, e := range v.Map {
		res, err := r.resolve(e.Value, self, depth+1)
		if err != nil {
			return nil, err
		}
		if res != e.Value && out == nil {
			out = &Value{Kind: KindMap, Pos: v.Pos, Map: append([]Entry{}, v.Map...)}
		}
		if out != nil {
			out.Map[i].Value = res
		}
	}
	if out == nil {
		return v, nil
	}
	return out, nil
}

func (r *resolver) call(v *Value, self *NodeTemplate, depth int) (*Value, error) {
	if r.steps++; r.steps > maxResolveSteps {
		return nil, fmt.Errorf("more than %d function calls", maxResolveSteps)
	}
	if r.t.steps.Add(1) > maxTopologySteps {
		return nil, fmt.Errorf("the topology's budget of %d function calls is spent", maxTopologySteps)
	}
	name, arg := v.Map[0].Key, v.Map[0].Value
	var (
		res *Value
		err error
	)
	switch name {
	case "get_input":
		res, err = r.callGetInput(arg, depth)
	case "get_property", "get_attribute":
		res, err = r.callGetProperty(name, arg, self, depth)
	case "concat":
		res, err = r.callConcat(arg, self, depth)
	case "join":
		res, err = r.callJoin(arg, self, depth)
	case "token":
		res, err = r.callToken(arg, self, depth)
	default:
		err = fmt.Errorf("%s: %w", name, ErrNotStatic)
	}
	if err != nil {
		var re *ResolveError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, &ResolveError{Pos: v.Pos, Err: err}
	}
	return res, nil
}

func (r *resolver) callGetInput(arg *Value, depth int) (*Value, error) {
	name, rest := arg.Str, []*Value(nil)
	if arg.Kind == KindList && len(arg.List) > 0 {
		name, rest = arg.List[0].Str, arg.List[1:]
	}
	in := r.t.inputs[name]
	if in == nil {
		return nil, fmt.Errorf("get_input: no input %q", name)
	}
	val := in.Value
	if val == nil {
		val = in.Default
	}
	if val == nil {
		return nil, fmt.Errorf("get_input: input %q has no value", name)
	}
	res, err := r.resolve(val, nil, depth)
	if err != nil {
		return nil, err
	}
	return walkValue(res, rest)
}

// walkValue follows list indexes and map keys into v.
func walkValue(v *Value, path []*Value) (*Value, error) {
	for _, p := range path {
		switch v.Kind {
		case KindList:
			i, ok := p.Int()
			if !ok || i < 0 || i >= int64(len(v.List)) {
				return nil, fmt.Errorf("index %s out of range", p.Str)
			}
			v = v.List[i]
		case KindMap:
			x := v.Get(p.Str)
			if x == nil {
				return nil, fmt.Errorf("no key %q", p.Str)
			}
			v = x
		default:
			return nil, fmt.Errorf("cannot index a %s with %q", v.Kind, p.Str)
		}
	}
	return v, nil
}

func (r *resolver) callGetProperty(fn string, arg *Value, self *NodeTemplate, depth int) (*Value, error) {
	if arg.Kind != KindList || len(arg.List) < 2 {
		return nil, fmt.Errorf("%s needs [entity, name, ...]", fn)
	}
	node := self
	if e := arg.List[0].Str; e != "SELF" {
		node = r.t.nodes[e]
	}
	if node == nil {
		return nil, fmt.Errorf("%s: entity %q not found (%w for SOURCE, TARGET and HOST)", fn, arg.List[0].Str, ErrNotStatic)
	}
	names := arg.List[1:]
	props, attrs := node.Properties, node.Attributes
	if c := node.Capabilities[names[0].Str]; c != nil && len(names) > 1 {
		props, attrs, names = c.Properties, c.Attributes, names[1:]
	} else if len(names) > 1 && node.Type != nil && node.Type.Requirement(names[0].Str) != nil {
		target := r.t.requirementTarget(node, names[0].Str)
		if target == nil {
			return nil, fmt.Errorf("%s: requirement %q of %q has no target node", fn, names[0].Str, node.Name)
		}
		node, props, attrs, names = target, target.Properties, target.Attributes, names[1:]
	}
	val := props[names[0].Str]
	if fn == "get_attribute" {
		if a := attrs[names[0].Str]; a != nil {
			val = a
		}
	}
	if val == nil {
		return nil, fmt.Errorf("%s: %q of node %q has no value: %w", fn, names[0].Str, node.Name, ErrNotStatic)
	}
	key := fn + ":" + node.Name + "." + names[0].Str
	if r.active[key] {
		return nil, fmt.Errorf("%s: %q of node %q refers to itself", fn, names[0].Str, node.Name)
	}
	r.active[key] = true
	defer delete(r.active, key)
	res, err := r.resolve(val, node, depth)
	if err != nil {
		return nil, err
	}
	return walkValue(res, names[1:])
}

func (t *TopologyTemplate) requirementTarget(n *NodeTemplate, req string) *NodeTemplate {
	for _, r := range n.Requirements {
		if r.Name == req {
			return t.nodes[r.Node]
		}
	}
	return nil
}

func (r *resolver) scalarArgs(args []*Value, self *NodeTemplate, depth int) ([]string, error) {
	out := make([]string, 0, len(args))
	total := 0
	for _, a := range args {
		res, err := r.resolve(a, self, depth)
		if err != nil {
			return nil, err
		}
		if res.Kind == KindList || res.Kind == KindMap {
			return nil, fmt.Errorf("argument at %s is a %s, not a scalar", a.Pos, res.Kind)
		}
		if total += len(res.Str); total > maxResolvedString {
			return nil, fmt.Errorf("result longer than %d bytes", maxResolvedString)
		}
		out = append(out, res.Str)
	}
	return out, nil
}

func (r *resolver) callConcat(arg *Value, self *NodeTemplate, depth int) (*Value, error) {
	if arg.Kind != KindList {
		return nil, errors.New("concat needs a list")
	}
	parts, err := r.scalarArgs(arg.List, self, depth)
	if err != nil {
		return nil, err
	}
	return newString(strings.Join(parts, ""), arg.Pos), nil
}

func (r *resolver) callJoin(arg *Value, self *NodeTemplate, depth int) (*Value, error) {
	if arg.Kind != KindList || len(arg.List) == 0 {
		return nil, errors.New("join needs [list, delimiter]")
	}
	list, err := r.resolve(arg.List[0], self, depth)
	if err != nil {
		return nil, err
	}
	if list.Kind != KindList {
		return nil, errors.New("join: first argument must be a list")
	}
	parts, err := r.scalarArgs(list.List, self, depth)
	if err != nil {
		return nil, err
	}
	delim := ""
	if len(arg.List) > 1 {
		delim = arg.List[1].Str
	}
	return newString(strings.Join(parts, delim), arg.Pos), nil
}

func (r *resolver) callToken(arg *Value, self *NodeTemplate, depth int) (*Value, error) {
	if arg.Kind != KindList || len(arg.List) != 3 {
		return nil, errors.New("token needs [string, separators, index]")
	}
	s, err := r.scalarArgs(arg.List[:1], self, depth)
	if err != nil {
		return nil, err
	}
	seps := arg.List[1].Str
	idx, ok := arg.List[2].Int()
	if !ok {
		return nil, errors.New("token: index must be an integer")
	}
	fields := splitAny(s[0], seps)
	if idx < 0 || idx >= int64(len(fields)) {
		return nil, fmt.Errorf("token: index %d out of range (%d tokens)", idx, len(fields))
	}
	return newString(fields[idx], arg.Pos), nil
}

// splitAny splits s at every occurrence of any character of seps; empty
// tokens between adjacent separators are kept.
func splitAny(s, seps string) []string {
	var out []string
	start := 0
	for i, c := range s {
		if strings.ContainsRune(seps, c) {
			out = append(out, s[start:i])
			start = i + len(string(c))
		}
	}
	return append(out, s[start:])
}
