package tosca

// rootTypes are the roots of each hierarchy; they alone may omit
// derived_from without comment.
var rootTypes = map[string]bool{
	"tosca.datatypes.Root": true, "tosca.artifacts.Root": true, "tosca.capabilities.Root": true,
	"tosca.interfaces.Root": true, "tosca.relationships.Root": true, "tosca.nodes.Root": true,
	"tosca.groups.Root": true, "tosca.policies.Root": true,
}

// resolveTypes links every type defined by this load to its parent, breaks
// derivation cycles and checks the types each definition refers to.
func (l *loader) resolveTypes() {
	for _, t := range l.reg.own {
		l.linkParent(t)
	}
	for _, t := range l.reg.own {
		l.checkCycle(t)
	}
	for _, t := range l.reg.own {
		l.checkTypeRefs(t)
	}
}

func (l *loader) linkParent(t *Type) {
	path := joinPath(typeSections[t.Kind], t.Name, "derived_from")
	if t.DerivedFrom == "" {
		return
	}
	if t.Kind == DataType && isPrimitive(t.DerivedFrom) {
		return
	}
	parent := l.reg.lookup(t.Kind, t.DerivedFrom)
	if parent == nil {
		if other := l.reg.lookupAny(t.DerivedFrom, DataType, ArtifactType, CapabilityType, InterfaceType, RelationshipType, NodeType, GroupType, PolicyType); other != nil {
			l.d.add(CodeDerivation, t.Pos, path, "%s derives from %s, which is in %s, not %s", t.Name, t.DerivedFrom, other.Kind, t.Kind)
			return
		}
		l.d.add(CodeUnknownType, t.Pos, path, "unknown %s %q", t.Kind, t.DerivedFrom)
		return
	}
	t.Parent = parent
}

// maxDerivation bounds derived_from chains; lookups walk them, so a
// hostile chain of thousands of types would make every lookup slow.
const maxDerivation = 64

// checkCycle walks up from t; meeting t again means a cycle, which is
// reported and cut at t. Chains deeper than maxDerivation are cut too.
func (l *loader) checkCycle(t *Type) {
	path := joinPath(typeSections[t.Kind], t.Name, "derived_from")
	n := 0
	for x := t.Parent; x != nil; x = x.Parent {
		if x == t {
			l.d.add(CodeDerivation, t.Pos, path, "derivation cycle through %s", t.Name)
			t.Parent = nil
			return
		}
		if n++; n > maxDerivation {
			l.d.add(CodeLimit, t.Pos, path, "derived_from chain deeper than %d", maxDerivation)
			t.Parent = nil
			return
		}
	}
}

// checkTypeRefs checks that the types a definition names exist and are of
// the right kind, and that defaults fit their definitions.
func (l *loader) checkTypeRefs(t *Type) {
	base := joinPath(typeSections[t.Kind], t.Name)
	c := &checker{reg: l.reg, d: l.d}
	c.propertyDefs(t.Properties, joinPath(base, "properties"))
	c.propertyDefs(t.Attributes, joinPath(base, "attributes"))
	c.schemaRef(t.EntrySchema, joinPath(base, "entry_schema"))
	c.schemaRef(t.KeySchema, joinPath(base, "key_schema"))
	for _, r := range t.Requirements {
		rpath := joinPath(base, "requirements", r.Name)
		c.typeRef(r.Capability, r.Pos, joinPath(rpath, "capability"), CapabilityType)
		c.typeRef(r.Node, r.Pos, joinPath(rpath, "node"), NodeType)
		c.typeRef(r.Relationship, r.Pos, joinPath(rpath, "relationship"), RelationshipType)
	}
	for name, cd := range t.Capabilities {
		cpath := joinPath(base, "capabilities", name)
		c.typeRef(cd.Type, cd.Pos, joinPath(cpath, "type"), CapabilityType)
		c.propertyDefs(cd.Properties, joinPath(cpath, "properties"))
		for _, s := range cd.ValidSourceTypes {
			c.typeRef(s, cd.Pos, joinPath(cpath, "valid_source_types"), NodeType)
		}
	}
	for name, i := range t.Interfaces {
		c.typeRef(i.Type, i.Pos, joinPath(base, "interfaces", name, "type"), InterfaceType)
	}
	for name, a := range t.Artifacts {
		a.Type = c.typeRef(a.TypeName, a.Pos, joinPath(base, "artifacts", name, "type"), ArtifactType)
	}
	switch t.Kind {
	case CapabilityType:
		c.typeRefs(t.ValidTypes, t.Pos, joinPath(base, "valid_source_types"), NodeType)
	case RelationshipType:
		c.typeRefs(t.ValidTypes, t.Pos, joinPath(base, "valid_target_types"), CapabilityType)
	case GroupType:
		c.typeRefs(t.ValidTypes, t.Pos, joinPath(base, "members"), NodeType, GroupType)
	case PolicyType:
		c.typeRefs(t.ValidTypes, t.Pos, joinPath(base, "targets"), NodeType, GroupType)
	}
}
