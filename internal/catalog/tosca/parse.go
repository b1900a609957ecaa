package tosca

import (
	"strconv"
	"strings"
)

// parser turns Values into definitions, reporting grammar problems to d.
type parser struct {
	d *diag
}

func (p *parser) wantMap(v *Value, path string) bool {
	if v.IsNull() {
		return false
	}
	if v.Kind != KindMap {
		p.d.add(CodeSyntax, v.Pos, path, "must be a map, not a %s", v.Kind)
		return false
	}
	return true
}

func (p *parser) wantList(v *Value, path string) bool {
	if v.IsNull() {
		return false
	}
	if v.Kind != KindList {
		p.d.add(CodeSyntax, v.Pos, path, "must be a list, not a %s", v.Kind)
		return false
	}
	return true
}

// str returns a scalar as a string, reporting lists and maps.
func (p *parser) str(v *Value, path string) string {
	if v.IsNull() {
		return ""
	}
	if v.Kind == KindList || v.Kind == KindMap {
		p.d.add(CodeSyntax, v.Pos, path, "must be a scalar, not a %s", v.Kind)
		return ""
	}
	return v.Str
}

func (p *parser) strList(v *Value, path string) []string {
	if v.IsNull() {
		return nil
	}
	if v.Kind != KindList {
		return []string{p.str(v, path)}
	}
	out := make([]string, 0, len(v.List))
	for i, x := range v.List {
		out = append(out, p.str(x, joinPath(path, strconv.Itoa(i))))
	}
	return out
}

func (p *parser) strMap(v *Value, path string) map[string]string {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]string, len(v.Map))
	for _, e := range v.Map {
		if e.Value.Kind == KindList || e.Value.Kind == KindMap {
			out[e.Key] = ""
			continue
		}
		out[e.Key] = e.Value.Str
	}
	return out
}

func (p *parser) bool(v *Value, path string, def bool) bool {
	if v.IsNull() {
		return def
	}
	b, ok := v.Bool()
	if !ok {
		p.d.add(CodeWrongType, v.Pos, path, "must be a boolean")
		return def
	}
	return b
}

// valueMap returns the entries of a map as a Go map.
func (p *parser) valueMap(v *Value, path string) map[string]*Value {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]*Value, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = e.Value
	}
	return out
}

// checkKeys reports keys of v outside allowed.
func (p *parser) checkKeys(v *Value, path string, allowed ...string) {
	if v == nil || v.Kind != KindMap {
		return
	}
	for _, e := range v.Map {
		found := false
		for _, a := range allowed {
			if e.Key == a {
				found = true
				break
			}
		}
		if !found {
			p.d.add(CodeSyntax, e.KeyPos, joinPath(path, e.Key), "unknown keyword %q", e.Key)
		}
	}
}

var typeKeys = []string{
	"derived_from", "version", "metadata", "description", "properties", "attributes",
	"requirements", "capabilities", "interfaces", "artifacts", "valid_target_types",
	"valid_source_types", "members", "targets", "constraints", "key_schema", "entry_schema",
	"mime_type", "file_ext", "operations", "notifications", "inputs", "triggers",
}

// typeDef parses one type definition.
func (p *parser) typeDef(kind TypeKind, name string, v *Value, path string) *Type {
	t := &Type{Kind: kind, Name: name, Pos: v.Pos}
	if v.IsNull() {
		return t
	}
	if !p.wantMap(v, path) {
		return t
	}
	if kind != InterfaceType {
		p.checkKeys(v, path, typeKeys...)
	}
	t.DerivedFrom = p.str(v.Get("derived_from"), joinPath(path, "derived_from"))
	t.Version = p.str(v.Get("version"), joinPath(path, "version"))
	t.Description = p.str(v.Get("description"), joinPath(path, "description"))
	t.Metadata = p.strMap(v.Get("metadata"), joinPath(path, "metadata"))
	t.Properties = p.propertyDefs(v.Get("properties"), joinPath(path, "properties"), true)
	t.Attributes = p.propertyDefs(v.Get("attributes"), joinPath(path, "attributes"), false)
	switch kind {
	case DataType:
		t.Constraints = p.constraints(v.Get("constraints"), joinPath(path, "constraints"))
		t.EntrySchema = p.schema(v.Get("entry_schema"), joinPath(path, "entry_schema"))
		t.KeySchema = p.schema(v.Get("key_schema"), joinPath(path, "key_schema"))
	case ArtifactType:
		t.MimeType = p.str(v.Get("mime_type"), joinPath(path, "mime_type"))
		t.FileExt = p.strList(v.Get("file_ext"), joinPath(path, "file_ext"))
	case CapabilityType:
		t.ValidTypes = p.strList(v.Get("valid_source_types"), joinPath(path, "valid_source_types"))
	case InterfaceType:
		t.Operations = p.interfaceTypeOps(v, path)
	case RelationshipType:
		t.ValidTypes = p.strList(v.Get("valid_target_types"), joinPath(path, "valid_target_types"))
		t.Interfaces = p.interfaceDefs(v.Get("interfaces"), joinPath(path, "interfaces"))
	case NodeType:
		t.Requirements = p.requirementDefs(v.Get("requirements"), joinPath(path, "requirements"))
		t.Capabilities = p.capabilityDefs(v.Get("capabilities"), joinPath(path, "capabilities"))
		t.Interfaces = p.interfaceDefs(v.Get("interfaces"), joinPath(path, "interfaces"))
		t.Artifacts = p.artifacts(v.Get("artifacts"), joinPath(path, "artifacts"))
	case GroupType:
		t.ValidTypes = p.strList(v.Get("members"), joinPath(path, "members"))
		t.Interfaces = p.interfaceDefs(v.Get("interfaces"), joinPath(path, "interfaces"))
	case PolicyType:
		t.ValidTypes = p.strList(v.Get("targets"), joinPath(path, "targets"))
	}
	return t
}

// interfaceTypeOps reads the operations of an interface type: TOSCA 1.3
// lists them under "operations", 1.2 puts them beside the other keywords.
func (p *parser) interfaceTypeOps(v *Value, path string) map[string]*OperationDef {
	ops := map[string]*OperationDef{}
	if o := v.Get("operations"); !o.IsNull() {
		for k, op := range p.operationDefs(o, joinPath(path, "operations")) {
			ops[k] = op
		}
	}
	for _, e := range v.Map {
		switch e.Key {
		case "derived_from", "version", "metadata", "description", "inputs", "operations", "notifications":
			continue
		}
		ops[e.Key] = p.operationDef(e.Key, e.Value, joinPath(path, e.Key))
	}
	return ops
}

var propertyKeys = []string{
	"type", "description", "required", "default", "status", "constraints",
	"entry_schema", "key_schema", "metadata", "external-schema", "value",
}

// propertyDefs parses a map of property or attribute definitions.
func (p *parser) propertyDefs(v *Value, path string, requiredByDefault bool) map[string]*PropertyDef {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]*PropertyDef, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = p.propertyDef(e.Key, e.Value, joinPath(path, e.Key), requiredByDefault)
	}
	return out
}

func (p *parser) propertyDef(name string, v *Value, path string, requiredByDefault bool) *PropertyDef {
	def := &PropertyDef{Name: name, Required: requiredByDefault, Pos: v.Pos}
	if !p.wantMap(v, path) {
		return def
	}
	p.checkKeys(v, path, propertyKeys...)
	def.Type = p.str(v.Get("type"), joinPath(path, "type"))
	if def.Type == "" {
		p.d.add(CodeSyntax, v.Pos, path, "definition has no type")
	}
	def.Description = p.str(v.Get("description"), joinPath(path, "description"))
	def.Required = p.bool(v.Get("required"), joinPath(path, "required"), requiredByDefault)
	def.Default = v.Get("default")
	if def.Default == nil {
		def.Default = v.Get("value")
	}
	def.Status = p.str(v.Get("status"), joinPath(path, "status"))
	def.Constraints = p.constraints(v.Get("constraints"), joinPath(path, "constraints"))
	def.EntrySchema = p.schema(v.Get("entry_schema"), joinPath(path, "entry_schema"))
	def.KeySchema = p.schema(v.Get("key_schema"), joinPath(path, "key_schema"))
	return def
}

func (p *parser) schema(v *Value, path string) *Schema {
	if v.IsNull() {
		return nil
	}
	if v.Kind != KindMap {
		return &Schema{Type: p.str(v, path), Pos: v.Pos}
	}
	p.checkKeys(v, path, "type", "description", "constraints", "entry_schema", "key_schema")
	return &Schema{
		Type:        p.str(v.Get("type"), joinPath(path, "type")),
		Description: p.str(v.Get("description"), joinPath(path, "description")),
		Constraints: p.constraints(v.Get("constraints"), joinPath(path, "constraints")),
		EntrySchema: p.schema(v.Get("entry_schema"), joinPath(path, "entry_schema")),
		KeySchema:   p.schema(v.Get("key_schema"), joinPath(path, "key_schema")),
		Pos:         v.Pos,
	}
}

// requirementDefs parses the list of requirement definitions of a node type.
func (p *parser) requirementDefs(v *Value, path string) []*RequirementDef {
	if !p.wantList(v, path) {
		return nil
	}
	var out []*RequirementDef
	for i, item := range v.List {
		ipath := joinPath(path, strconv.Itoa(i))
		if item.Kind != KindMap || len(item.Map) != 1 {
			p.d.add(CodeSyntax, item.Pos, ipath, "a requirement must be a map with one key")
			continue
		}
		e := item.Map[0]
		r := &RequirementDef{Name: e.Key, Occurrences: [2]int{1, 1}, Pos: e.KeyPos}
		rpath := joinPath(path, e.Key)
		if e.Value.Kind != KindMap {
			r.Capability = p.str(e.Value, rpath)
			out = append(out, r)
			continue
		}
		p.checkKeys(e.Value, rpath, "capability", "node", "relationship", "occurrences", "description", "node_filter")
		r.Capability = p.str(e.Value.Get("capability"), joinPath(rpath, "capability"))
		r.Node = p.str(e.Value.Get("node"), joinPath(rpath, "node"))
		if rel := e.Value.Get("relationship"); rel != nil && rel.Kind == KindMap {
			r.Relationship = p.str(rel.Get("type"), joinPath(rpath, "relationship", "type"))
		} else {
			r.Relationship = p.str(rel, joinPath(rpath, "relationship"))
		}
		r.Occurrences = p.occurrences(e.Value.Get("occurrences"), joinPath(rpath, "occurrences"), r.Occurrences)
		out = append(out, r)
	}
	return out
}

func (p *parser) occurrences(v *Value, path string, def [2]int) [2]int {
	if v.IsNull() {
		return def
	}
	if v.Kind != KindList || len(v.List) != 2 {
		p.d.add(CodeSyntax, v.Pos, path, "occurrences must be a list of two bounds")
		return def
	}
	var out [2]int
	for i, b := range v.List {
		if strings.EqualFold(b.Str, "UNBOUNDED") {
			out[i] = -1
			continue
		}
		n, ok := b.Int()
		if !ok || n < 0 || n > 1<<30 {
			p.d.add(CodeWrongType, b.Pos, path, "occurrence bound must be a non-negative integer or UNBOUNDED")
			return def
		}
		out[i] = int(n)
	}
	return out
}

func (p *parser) capabilityDefs(v *Value, path string) map[string]*CapabilityDef {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]*CapabilityDef, len(v.Map))
	for _, e := range v.Map {
		cpath := joinPath(path, e.Key)
		c := &CapabilityDef{Name: e.Key, Occurrences: [2]int{1, -1}, Pos: e.KeyPos}
		out[e.Key] = c
		if e.Value.Kind != KindMap {
			c.Type = p.str(e.Value, cpath)
			continue
		}
		p.checkKeys(e.Value, cpath, "type", "description", "properties", "attributes", "valid_source_types", "occurrences")
		c.Type = p.str(e.Value.Get("type"), joinPath(cpath, "type"))
		c.Description = p.str(e.Value.Get("description"), joinPath(cpath, "description"))
		c.Properties = p.propertyDefs(e.Value.Get("properties"), joinPath(cpath, "properties"), true)
		c.Attributes = p.propertyDefs(e.Value.Get("attributes"), joinPath(cpath, "attributes"), false)
		c.ValidSourceTypes = p.strList(e.Value.Get("valid_source_types"), joinPath(cpath, "valid_source_types"))
		c.Occurrences = p.occurrences(e.Value.Get("occurrences"), joinPath(cpath, "occurrences"), c.Occurrences)
	}
	return out
}

func (p *parser) interfaceDefs(v *Value, path string) map[string]*InterfaceDef {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]*InterfaceDef, len(v.Map))
	for _, e := range v.Map {
		ipath := joinPath(path, e.Key)
		def := &InterfaceDef{Name: e.Key, Pos: e.KeyPos, Operations: map[string]*OperationDef{}}
		out[e.Key] = def
		if !p.wantMap(e.Value, ipath) {
			continue
		}
		def.Type = p.str(e.Value.Get("type"), joinPath(ipath, "type"))
		def.Inputs = p.valueMap(e.Value.Get("inputs"), joinPath(ipath, "inputs"))
		for _, oe := range e.Value.Map {
			switch oe.Key {
			case "type", "inputs", "description", "notifications":
			case "operations":
				for k, op := range p.operationDefs(oe.Value, joinPath(ipath, "operations")) {
					def.Operations[k] = op
				}
			default:
				def.Operations[oe.Key] = p.operationDef(oe.Key, oe.Value, joinPath(ipath, oe.Key))
			}
		}
	}
	return out
}

func (p *parser) operationDefs(v *Value, path string) map[string]*OperationDef {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]*OperationDef, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = p.operationDef(e.Key, e.Value, joinPath(path, e.Key))
	}
	return out
}

// operationDef parses an operation in its short (implementation only) or
// long form.
func (p *parser) operationDef(name string, v *Value, path string) *OperationDef {
	op := &OperationDef{Name: name, Pos: v.Pos}
	switch {
	case v.IsNull():
		return op
	case v.Kind == KindList:
		// Tacker writes "instantiate: []" for an operation with no
		// implementation.
		if len(v.List) != 0 {
			p.d.add(CodeSyntax, v.Pos, path, "an operation must be a map or an implementation name")
		}
		return op
	case v.Kind != KindMap:
		op.Implementation = &Implementation{Primary: v.Str, Pos: v.Pos}
		return op
	}
	p.checkKeys(v, path, "description", "implementation", "inputs", "outputs")
	op.Description = p.str(v.Get("description"), joinPath(path, "description"))
	op.Implementation = p.implementation(v.Get("implementation"), joinPath(path, "implementation"))
	op.Inputs = p.valueMap(v.Get("inputs"), joinPath(path, "inputs"))
	op.Outputs = p.valueMap(v.Get("outputs"), joinPath(path, "outputs"))
	return op
}

func (p *parser) implementation(v *Value, path string) *Implementation {
	if v.IsNull() {
		return nil
	}
	impl := &Implementation{Pos: v.Pos}
	if v.Kind != KindMap {
		impl.Primary = p.str(v, path)
		return impl
	}
	p.checkKeys(v, path, "primary", "dependencies", "timeout", "operation_host")
	if prim := v.Get("primary"); prim != nil && prim.Kind == KindMap {
		impl.PrimaryArtifact = p.artifact("primary", prim, joinPath(path, "primary"))
		impl.Primary = impl.PrimaryArtifact.File
	} else {
		impl.Primary = p.str(prim, joinPath(path, "primary"))
	}
	impl.Dependencies = p.strList(v.Get("dependencies"), joinPath(path, "dependencies"))
	if t := v.Get("timeout"); !t.IsNull() {
		n, ok := t.Int()
		if !ok {
			p.d.add(CodeWrongType, t.Pos, joinPath(path, "timeout"), "must be an integer")
		}
		impl.Timeout = n
	}
	impl.OperationHost = p.str(v.Get("operation_host"), joinPath(path, "operation_host"))
	return impl
}

func (p *parser) artifacts(v *Value, path string) map[string]*Artifact {
	if !p.wantMap(v, path) {
		return nil
	}
	out := make(map[string]*Artifact, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = p.artifact(e.Key, e.Value, joinPath(path, e.Key))
	}
	return out
}

func (p *parser) artifact(name string, v *Value, path string) *Artifact {
	a := &Artifact{Name: name, Pos: v.Pos}
	if v.Kind != KindMap {
		a.File = p.str(v, path)
		return a
	}
	p.checkKeys(v, path, "type", "file", "repository", "description", "deploy_path",
		"version", "checksum", "checksum_algorithm", "properties", "metadata")
	a.TypeName = p.str(v.Get("type"), joinPath(path, "type"))
	a.File = p.str(v.Get("file"), joinPath(path, "file"))
	if a.File == "" {
		p.d.add(CodeMissingRequired, v.Pos, path, "artifact has no file")
	}
	a.Repository = p.str(v.Get("repository"), joinPath(path, "repository"))
	a.Description = p.str(v.Get("description"), joinPath(path, "description"))
	a.DeployPath = p.str(v.Get("deploy_path"), joinPath(path, "deploy_path"))
	a.Version = p.str(v.Get("version"), joinPath(path, "version"))
	a.Checksum = p.str(v.Get("checksum"), joinPath(path, "checksum"))
	a.ChecksumAlgorithm = p.str(v.Get("checksum_algorithm"), joinPath(path, "checksum_algorithm"))
	a.Properties = p.valueMap(v.Get("properties"), joinPath(path, "properties"))
	return a
}
