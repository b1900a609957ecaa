package tosca

import (
	"fmt"
	"strconv"
)

// buildTemplate assembles the ServiceTemplate and validates the topology of
// every loaded file.
func (l *loader) buildTemplate(top *file, inputs map[string]any) *ServiceTemplate {
	st := &ServiceTemplate{
		Version:      top.version,
		Description:  l.p.str(top.root.Get("description"), "description"),
		Metadata:     l.p.strMap(top.root.Get("metadata"), "metadata"),
		Entry:        top.path,
		Imports:      top.imports,
		Repositories: l.repos,
		types:        l.reg,
	}
	given := goValues(inputs)
	for _, f := range l.order {
		st.Files = append(st.Files, f.path)
		tv := f.root.Get("topology_template")
		if tv.IsNull() {
			continue
		}
		t := l.buildTopology(st, f, tv, given)
		st.Topologies = append(st.Topologies, t)
		if f == top {
			st.Topology = t
		}
	}
	return st
}

var topologyKeys = []string{
	"description", "inputs", "outputs", "node_templates", "relationship_templates",
	"groups", "policies", "substitution_mappings", "workflows",
}

func (l *loader) buildTopology(st *ServiceTemplate, f *file, v *Value, given map[string]*Value) *TopologyTemplate {
	const path = "topology_template"
	t := &TopologyTemplate{
		File: f.path, Pos: v.Pos, st: st,
		nodes: map[string]*NodeTemplate{}, inputs: map[string]*Parameter{},
		rels: map[string]*RelationshipTemplate{}, groups: map[string]*Group{},
	}
	if !l.p.wantMap(v, path) {
		return t
	}
	l.p.checkKeys(v, path, topologyKeys...)
	t.Description = l.p.str(v.Get("description"), joinPath(path, "description"))
	t.Workflows = l.p.valueMap(v.Get("workflows"), joinPath(path, "workflows"))
	c := &checker{reg: l.reg, d: l.d, topo: t}
	l.inputs(c, t, v.Get("inputs"), joinPath(path, "inputs"), given)
	l.declareNodes(c, t, v.Get("node_templates"), joinPath(path, "node_templates"))
	l.declareRelationships(c, t, v.Get("relationship_templates"), joinPath(path, "relationship_templates"))
	l.declareGroups(c, t, v.Get("groups"), joinPath(path, "groups"))
	for _, n := range t.NodeTemplates {
		l.checkNode(c, t, n, v.Get("node_templates").Get(n.Name))
	}
	for _, r := range t.RelationshipTemplates {
		l.checkRelationship(c, r, v.Get("relationship_templates").Get(r.Name))
	}
	for _, g := range t.Groups {
		l.checkGroup(c, t, g, v.Get("groups").Get(g.Name))
	}
	l.policies(c, t, v.Get("policies"), joinPath(path, "policies"))
	l.outputs(c, t, v.Get("outputs"), joinPath(path, "outputs"))
	t.SubstitutionMappings = l.substitution(c, t, v.Get("substitution_mappings"), joinPath(path, "substitution_mappings"))
	return t
}

func (l *loader) inputs(c *checker, t *TopologyTemplate, v *Value, path string, given map[string]*Value) {
	defs := l.p.propertyDefs(v, path, true)
	if v == nil {
		return
	}
	for _, e := range v.Map {
		def := defs[e.Key]
		p := &Parameter{PropertyDef: *def, Value: given[e.Key]}
		c.dataTypeRef(def.Type, def.Pos, joinPath(path, e.Key, "type"))
		c.schemaRef(def.EntrySchema, joinPath(path, e.Key, "entry_schema"))
		c.schemaRef(def.KeySchema, joinPath(path, e.Key, "key_schema"))
		if !def.Default.IsNull() {
			c.value(def.Default, defSpec(def), joinPath(path, e.Key, "default"))
		}
		if p.Value != nil {
			c.value(p.Value, defSpec(def), joinPath("inputs", e.Key))
		}
		t.Inputs = append(t.Inputs, p)
		t.inputs[e.Key] = p
	}
}

var nodeKeys = []string{
	"type", "description", "metadata", "directives", "properties", "attributes",
	"requirements", "capabilities", "interfaces", "artifacts", "node_filter", "copy",
}

// declareNodes creates every node template before any is checked, so
// requirements and functions can refer to nodes defined later.
func (l *loader) declareNodes(c *checker, t *TopologyTemplate, v *Value, path string) {
	if !l.p.wantMap(v, path) {
		return
	}
	for _, e := range v.Map {
		npath := joinPath(path, e.Key)
		n := &NodeTemplate{Name: e.Key, Pos: e.KeyPos, path: npath}
		t.NodeTemplates = append(t.NodeTemplates, n)
		t.nodes[e.Key] = n
		if !l.p.wantMap(e.Value, npath) {
			continue
		}
		l.p.checkKeys(e.Value, npath, nodeKeys...)
		n.TypeName = l.p.str(e.Value.Get("type"), joinPath(npath, "type"))
		if n.TypeName == "" {
			l.d.add(CodeMissingRequired, e.KeyPos, joinPath(npath, "type"), "node template has no type")
			continue
		}
		n.Type = c.typeRef(n.TypeName, e.Value.Get("type").Pos, joinPath(npath, "type"), NodeType)
	}
}

func (l *loader) checkNode(c *checker, t *TopologyTemplate, n *NodeTemplate, v *Value) {
	if v == nil || v.Kind != KindMap {
		return
	}
	path := n.path
	n.Description = l.p.str(v.Get("description"), joinPath(path, "description"))
	n.Metadata = l.p.strMap(v.Get("metadata"), joinPath(path, "metadata"))
	n.Directives = l.p.strList(v.Get("directives"), joinPath(path, "directives"))
	n.Artifacts = l.templateArtifacts(c, t.File, v.Get("artifacts"), joinPath(path, "artifacts"))
	if n.Type == nil {
		return
	}
	nc := *c
	nc.self = n
	abstract := false
	for _, d := range n.Directives {
		abstract = abstract || d == "substitute" || d == "select"
	}
	n.Properties = nc.assign(v.Get("properties"), n.Type.Property, n.Type.AllProperties(), n.Pos, joinPath(path, "properties"), "property", !abstract)
	n.Attributes = nc.assign(v.Get("attributes"), n.Type.Attribute, n.Type.AllAttributes(), n.Pos, joinPath(path, "attributes"), "attribute", false)
	n.Capabilities = l.capabilities(&nc, n, v.Get("capabilities"), joinPath(path, "capabilities"))
	n.Requirements = l.requirements(&nc, t, n, v.Get("requirements"), joinPath(path, "requirements"))
	n.Interfaces = l.interfaces(&nc, n.Type, v.Get("interfaces"), joinPath(path, "interfaces"), n.Artifacts)
}

// capabilities checks capability assignments and fills in the capability
// property defaults of every capability of the type.
func (l *loader) capabilities(c *checker, n *NodeTemplate, v *Value, path string) map[string]*CapabilityAssignment {
	out := map[string]*CapabilityAssignment{}
	if v != nil && l.p.wantMap(v, path) {
		for _, e := range v.Map {
			if n.Type.Capability(e.Key) == nil {
				l.d.add(CodeUnknownName, e.KeyPos, joinPath(path, e.Key), "node type %s has no capability %q", n.TypeName, e.Key)
			}
		}
	}
	for name, cd := range n.Type.AllCapabilities() {
		cv := v.Get(name)
		cpath := joinPath(path, name)
		ct := c.reg.lookup(CapabilityType, cd.Type)
		ca := &CapabilityAssignment{Name: name, Type: ct, Pos: n.Pos}
		if cv != nil {
			ca.Pos = cv.Pos
			l.p.checkKeys(cv, cpath, "properties", "attributes", "occurrences")
		}
		lookup := func(get func(*Type, string) *PropertyDef, own map[string]*PropertyDef) func(string) *PropertyDef {
			return func(p string) *PropertyDef {
				if d := own[p]; d != nil {
					return d
				}
				if ct == nil {
					return nil
				}
				return get(ct, p)
			}
		}
		propLookup := lookup((*Type).Property, cd.Properties)
		attrLookup := lookup((*Type).Attribute, cd.Attributes)
		enforce := cv != nil && cv.Get("properties") != nil
		ca.Properties = c.assign(cv.Get("properties"), propLookup, mergedDefs(ct, cd.Properties, (*Type).AllProperties), ca.Pos, joinPath(cpath, "properties"), "capability property", enforce)
		ca.Attributes = c.assign(cv.Get("attributes"), attrLookup, mergedDefs(ct, cd.Attributes, (*Type).AllAttributes), ca.Pos, joinPath(cpath, "attributes"), "capability attribute", false)
		out[name] = ca
	}
	return out
}

// mergedDefs lists the definitions of a capability type refined by a
// capability definition's own.
func mergedDefs(ct *Type, own map[string]*PropertyDef, all func(*Type) []*PropertyDef) []*PropertyDef {
	var out []*PropertyDef
	for _, name := range sortedKeys(own) {
		out = append(out, own[name])
	}
	if ct == nil {
		return out
	}
	for _, d := range all(ct) {
		if _, ok := own[d.Name]; !ok {
			out = append(out, d)
		}
	}
	return out
}

func (l *loader) requirements(c *checker, t *TopologyTemplate, n *NodeTemplate, v *Value, path string) []*RequirementAssignment {
	if !l.p.wantList(v, path) {
		return nil
	}
	var out []*RequirementAssignment
	for i, item := range v.List {
		ipath := joinPath(path, strconv.Itoa(i))
		if item.Kind != KindMap || len(item.Map) != 1 {
			l.d.add(CodeSyntax, item.Pos, ipath, "a requirement must be a map with one key")
			continue
		}
		r := l.requirement(c, item.Map[0], joinPath(path, item.Map[0].Key))
		if r == nil {
			continue
		}
		l.checkRequirement(c, t, n, r, joinPath(path, r.Name))
		out = append(out, r)
	}
	l.checkOccurrences(n, out, v.Pos, path)
	return out
}

// checkOccurrences reports requirements assigned more often than their
// definition allows. Lower bounds are not enforced: SOL 001 descriptors
// leave out a CP's virtual_link when the CP is exposed externally.
func (l *loader) checkOccurrences(n *NodeTemplate, reqs []*RequirementAssignment, pos Pos, path string) {
	count := map[string]int{}
	for _, r := range reqs {
		count[r.Name]++
	}
	for _, name := range sortedKeys(count) {
		def := n.Type.Requirement(name)
		if def == nil || def.Occurrences[1] < 0 || count[name] <= def.Occurrences[1] {
			continue
		}
		l.d.add(CodeConstraint, pos, joinPath(path, name), "requirement %q assigned %d times, at most %d allowed", name, count[name], def.Occurrences[1])
	}
}

func (l *loader) requirement(c *checker, e Entry, path string) *RequirementAssignment {
	r := &RequirementAssignment{Name: e.Key, Pos: e.KeyPos}
	if e.Value.Kind != KindMap {
		r.Node = l.p.str(e.Value, path)
		return r
	}
	l.p.checkKeys(e.Value, path, "node", "capability", "relationship", "node_filter", "occurrences")
	r.Node = l.p.str(e.Value.Get("node"), joinPath(path, "node"))
	r.Capability = l.p.str(e.Value.Get("capability"), joinPath(path, "capability"))
	r.Occurrences = l.p.occurrences(e.Value.Get("occurrences"), joinPath(path, "occurrences"), [2]int{})
	rel := e.Value.Get("relationship")
	if rel == nil || rel.Kind != KindMap {
		r.Relationship = l.p.str(rel, joinPath(path, "relationship"))
		return r
	}
	rpath := joinPath(path, "relationship")
	l.p.checkKeys(rel, rpath, "type", "properties", "interfaces")
	r.Relationship = l.p.str(rel.Get("type"), joinPath(rpath, "type"))
	rt := c.typeRef(r.Relationship, rel.Pos, joinPath(rpath, "type"), RelationshipType)
	if rt != nil {
		r.RelationshipProperties = c.assign(rel.Get("properties"), rt.Property, rt.AllProperties(), rel.Pos, joinPath(rpath, "properties"), "relationship property", true)
		r.RelationshipInterfaces = l.interfaces(c, rt, rel.Get("interfaces"), joinPath(rpath, "interfaces"), nil)
	}
	return r
}

// checkRequirement checks the requirement is declared by the node type and
// its target node offers a matching capability.
func (l *loader) checkRequirement(c *checker, t *TopologyTemplate, n *NodeTemplate, r *RequirementAssignment, path string) {
	def := n.Type.Requirement(r.Name)
	if def == nil {
		l.d.add(CodeUnknownName, r.Pos, path, "node type %s has no requirement %q", n.TypeName, r.Name)
		return
	}
	if r.Relationship != "" && t.rels[r.Relationship] == nil && c.reg.lookup(RelationshipType, r.Relationship) == nil {
		l.d.add(CodeUnknownName, r.Pos, joinPath(path, "relationship"), "no relationship template or type %q", r.Relationship)
	}
	if r.Node == "" {
		return
	}
	target := t.nodes[r.Node]
	if target == nil {
		if c.reg.lookup(NodeType, r.Node) == nil {
			l.d.add(CodeUnknownName, r.Pos, joinPath(path, "node"), "no node template %q", r.Node)
		}
		return
	}
	if target.Type == nil {
		return
	}
	if def.Node != "" && !derivesFromAny(c.reg, target.Type, []string{def.Node}) {
		l.d.add(CodeWrongType, r.Pos, joinPath(path, "node"), "node template %q is a %s, requirement %q needs a %s", r.Node, target.Type.Name, r.Name, def.Node)
	}
	l.checkRequirementCapability(c, target, def, r, path)
}

func (l *loader) checkRequirementCapability(c *checker, target *NodeTemplate, def *RequirementDef, r *RequirementAssignment, path string) {
	want := def.Capability
	if r.Capability != "" {
		if cd := target.Type.Capability(r.Capability); cd != nil {
			return // a named capability of the target
		}
		want = r.Capability
	}
	if want == "" {
		return
	}
	for _, cd := range target.Type.AllCapabilities() {
		if ct := c.reg.lookup(CapabilityType, cd.Type); ct != nil && derivesFromAny(c.reg, ct, []string{want}) {
			return
		}
	}
	l.d.add(CodeUnknownName, r.Pos, path, "node template %q has no capability of type %s", target.Name, want)
}

// interfaces checks interface assignments against the interfaces declared
// by the type and the operations their interface types define.
func (l *loader) interfaces(c *checker, typ *Type, v *Value, path string, artifacts map[string]*Artifact) map[string]*InterfaceAssignment {
	if !l.p.wantMap(v, path) {
		return nil
	}
	out := map[string]*InterfaceAssignment{}
	for _, e := range v.Map {
		ipath := joinPath(path, e.Key)
		def := typ.Interface(e.Key)
		if def == nil {
			l.d.add(CodeUnknownName, e.KeyPos, ipath, "type %s has no interface %q", typ.Name, e.Key)
			continue
		}
		it := c.reg.lookup(InterfaceType, def.Type)
		ia := &InterfaceAssignment{Name: e.Key, Type: it, Pos: e.KeyPos, Operations: map[string]*OperationDef{}}
		out[e.Key] = ia
		if !l.p.wantMap(e.Value, ipath) {
			continue
		}
		ia.Inputs = l.p.valueMap(e.Value.Get("inputs"), joinPath(ipath, "inputs"))
		for _, oe := range e.Value.Map {
			switch oe.Key {
			case "type", "inputs", "description", "notifications":
			case "operations":
				if l.p.wantMap(oe.Value, joinPath(ipath, "operations")) {
					for _, op := range oe.Value.Map {
						l.operation(c, ia, def, it, op, joinPath(ipath, "operations", op.Key), artifacts)
					}
				}
			default:
				l.operation(c, ia, def, it, oe, joinPath(ipath, oe.Key), artifacts)
			}
		}
	}
	return out
}

func (l *loader) operation(c *checker, ia *InterfaceAssignment, def *InterfaceDef, it *Type, e Entry, path string, artifacts map[string]*Artifact) {
	if def.Operations[e.Key] == nil && (it == nil || it.Operation(e.Key) == nil) {
		name := def.Type
		l.d.add(CodeUnknownName, e.KeyPos, path, "interface %s has no operation %q", name, e.Key)
		return
	}
	op := l.p.operationDef(e.Key, e.Value, path)
	for k, in := range op.Inputs {
		c.value(in, spec{Type: "any"}, joinPath(path, "inputs", k))
	}
	if impl := op.Implementation; impl != nil {
		if a := impl.PrimaryArtifact; a != nil {
			a.Type = c.typeRef(a.TypeName, a.Pos, joinPath(path, "implementation", "primary", "type"), ArtifactType)
		}
		for _, f := range append([]string{impl.Primary}, impl.Dependencies...) {
			if _, named := artifacts[f]; !named && c.topo != nil {
				l.checkPackageFile(c.topo.File, f, impl.Pos, joinPath(path, "implementation"))
			}
		}
	}
	ia.Operations[e.Key] = op
}

func (l *loader) templateArtifacts(c *checker, file string, v *Value, path string) map[string]*Artifact {
	arts := l.p.artifacts(v, path)
	for _, name := range sortedKeys(arts) {
		a := arts[name]
		apath := joinPath(path, name)
		if a.TypeName == "" {
			l.d.add(CodeMissingRequired, a.Pos, joinPath(apath, "type"), "artifact has no type")
			continue
		}
		a.Type = c.typeRef(a.TypeName, a.Pos, joinPath(apath, "type"), ArtifactType)
		if a.Type != nil {
			props := v.Get(name).Get("properties")
			a.Properties = c.assign(props, a.Type.Property, a.Type.AllProperties(), a.Pos, joinPath(apath, "properties"), "artifact property", true)
		}
		if a.Repository == "" && !containerImage(a) {
			l.checkPackageFile(file, a.File, a.Pos, joinPath(apath, "file"))
		}
	}
	return arts
}

func (l *loader) declareRelationships(c *checker, t *TopologyTemplate, v *Value, path string) {
	if !l.p.wantMap(v, path) {
		return
	}
	for _, e := range v.Map {
		rpath := joinPath(path, e.Key)
		r := &RelationshipTemplate{Name: e.Key, Pos: e.KeyPos}
		t.RelationshipTemplates = append(t.RelationshipTemplates, r)
		t.rels[e.Key] = r
		if !l.p.wantMap(e.Value, rpath) {
			continue
		}
		l.p.checkKeys(e.Value, rpath, "type", "description", "metadata", "properties", "attributes", "interfaces", "copy")
		r.TypeName = l.p.str(e.Value.Get("type"), joinPath(rpath, "type"))
		if r.TypeName == "" {
			l.d.add(CodeMissingRequired, e.KeyPos, joinPath(rpath, "type"), "relationship template has no type")
			continue
		}
		r.Type = c.typeRef(r.TypeName, e.Value.Get("type").Pos, joinPath(rpath, "type"), RelationshipType)
	}
}

func (l *loader) checkRelationship(c *checker, r *RelationshipTemplate, v *Value) {
	if r.Type == nil || v == nil {
		return
	}
	path := joinPath("topology_template", "relationship_templates", r.Name)
	r.Properties = c.assign(v.Get("properties"), r.Type.Property, r.Type.AllProperties(), r.Pos, joinPath(path, "properties"), "property", true)
	r.Attributes = c.assign(v.Get("attributes"), r.Type.Attribute, r.Type.AllAttributes(), r.Pos, joinPath(path, "attributes"), "attribute", false)
	r.Interfaces = l.interfaces(c, r.Type, v.Get("interfaces"), joinPath(path, "interfaces"), nil)
}

func (l *loader) declareGroups(c *checker, t *TopologyTemplate, v *Value, path string) {
	if !l.p.wantMap(v, path) {
		return
	}
	for _, e := range v.Map {
		gpath := joinPath(path, e.Key)
		g := &Group{Name: e.Key, Pos: e.KeyPos}
		t.Groups = append(t.Groups, g)
		t.groups[e.Key] = g
		if !l.p.wantMap(e.Value, gpath) {
			continue
		}
		l.p.checkKeys(e.Value, gpath, "type", "description", "metadata", "properties", "members", "interfaces")
		g.TypeName = l.p.str(e.Value.Get("type"), joinPath(gpath, "type"))
		g.Description = l.p.str(e.Value.Get("description"), joinPath(gpath, "description"))
		g.Members = l.p.strList(e.Value.Get("members"), joinPath(gpath, "members"))
		if g.TypeName == "" {
			l.d.add(CodeMissingRequired, e.KeyPos, joinPath(gpath, "type"), "group has no type")
			continue
		}
		g.Type = c.typeRef(g.TypeName, e.Value.Get("type").Pos, joinPath(gpath, "type"), GroupType)
	}
}

func (l *loader) checkGroup(c *checker, t *TopologyTemplate, g *Group, v *Value) {
	path := joinPath("topology_template", "groups", g.Name)
	l.checkMembers(c, t, g.Members, validTypesOf(g.Type), g.Pos, joinPath(path, "members"), "member")
	if g.Type == nil || v == nil {
		return
	}
	g.Properties = c.assign(v.Get("properties"), g.Type.Property, g.Type.AllProperties(), g.Pos, joinPath(path, "properties"), "property", true)
	g.Interfaces = l.interfaces(c, g.Type, v.Get("interfaces"), joinPath(path, "interfaces"), nil)
}

// checkMembers checks that names are node templates or groups whose types
// are among valid (when valid is not empty).
func (l *loader) checkMembers(c *checker, t *TopologyTemplate, names, valid []string, pos Pos, path, what string) {
	for _, name := range names {
		var typ *Type
		switch {
		case t.nodes[name] != nil:
			typ = t.nodes[name].Type
		case t.groups[name] != nil:
			typ = t.groups[name].Type
		default:
			l.d.add(CodeUnknownName, pos, path, "%s %q is not a node template or group", what, name)
			continue
		}
		if typ != nil && len(valid) > 0 && !derivesFromAny(c.reg, typ, valid) {
			l.d.add(CodeWrongType, pos, path, "%s %q is a %s, not one of %s", what, name, typ.Name, quoteAll(valid))
		}
	}
}

func (l *loader) outputs(c *checker, t *TopologyTemplate, v *Value, path string) {
	if !l.p.wantMap(v, path) {
		return
	}
	for _, e := range v.Map {
		opath := joinPath(path, e.Key)
		p := &Parameter{PropertyDef: PropertyDef{Name: e.Key, Pos: e.KeyPos}}
		if l.p.wantMap(e.Value, opath) {
			l.p.checkKeys(e.Value, opath, "description", "value", "type", "required", "status", "constraints", "entry_schema", "key_schema", "default")
			p.Description = l.p.str(e.Value.Get("description"), joinPath(opath, "description"))
			p.Type = l.p.str(e.Value.Get("type"), joinPath(opath, "type"))
			p.Value = e.Value.Get("value")
			if p.Value == nil {
				l.d.add(CodeMissingRequired, e.KeyPos, joinPath(opath, "value"), "output has no value")
			} else {
				c.value(p.Value, spec{Type: p.Type}, joinPath(opath, "value"))
			}
		}
		t.Outputs = append(t.Outputs, p)
	}
}

// goValues converts input values given by the caller into Values.
func goValues(in map[string]any) map[string]*Value {
	out := make(map[string]*Value, len(in))
	for k, v := range in {
		out[k] = FromGo(v, Pos{File: "inputs"})
	}
	return out
}

// FromGo converts plain Go values (as decoded from JSON or YAML) to a Value.
func FromGo(v any, pos Pos) *Value {
	switch x := v.(type) {
	case nil:
		return &Value{Kind: KindNull, Pos: pos}
	case string:
		return &Value{Kind: KindString, Str: x, Pos: pos}
	case bool:
		return &Value{Kind: KindBool, Str: strconv.FormatBool(x), Pos: pos}
	case int:
		return &Value{Kind: KindInt, Str: strconv.Itoa(x), Pos: pos}
	case int64:
		return &Value{Kind: KindInt, Str: strconv.FormatInt(x, 10), Pos: pos}
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return &Value{Kind: KindInt, Str: strconv.FormatInt(int64(x), 10), Pos: pos}
		}
		return &Value{Kind: KindFloat, Str: strconv.FormatFloat(x, 'g', -1, 64), Pos: pos}
	case []any:
		out := &Value{Kind: KindList, Pos: pos}
		for _, e := range x {
			out.List = append(out.List, FromGo(e, pos))
		}
		return out
	case map[string]any:
		out := &Value{Kind: KindMap, Pos: pos}
		for _, k := range sortedKeys(x) {
			out.Map = append(out.Map, Entry{Key: k, KeyPos: pos, Value: FromGo(x[k], pos)})
		}
		return out
	}
	return &Value{Kind: KindString, Str: fmt.Sprint(v), Pos: pos}
}

// containerImage reports an image artifact whose file is a container image
// reference (container_format docker), not a file of the package.
func containerImage(a *Artifact) bool {
	return a.Type != nil && a.Type.DerivesFrom("tosca.artifacts.Deployment.Image") &&
		a.Properties["container_format"].String() == "docker"
}
