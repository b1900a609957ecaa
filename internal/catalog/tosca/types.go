package tosca

import "slices"

// TypeKind says which of the TOSCA type families a Type belongs to.
type TypeKind uint8

// Type families, in the order their sections appear in a definitions file.
const (
	DataType TypeKind = iota
	ArtifactType
	CapabilityType
	InterfaceType
	RelationshipType
	NodeType
	GroupType
	PolicyType
	numTypeKinds
)

var typeSections = [numTypeKinds]string{
	"data_types", "artifact_types", "capability_types", "interface_types",
	"relationship_types", "node_types", "group_types", "policy_types",
}

// String names the kind by its section in a definitions file.
func (k TypeKind) String() string {
	if k < numTypeKinds {
		return typeSections[k]
	}
	return "unknown"
}

// Type is one type definition with its place in the hierarchy. Lookups
// (Property, Capability, ...) walk the derived_from chain.
type Type struct {
	Kind        TypeKind
	Name        string
	DerivedFrom string
	// Parent is the resolved derived_from type, nil at a root or when the
	// parent is a primitive (data types derived from string, map, ...).
	Parent      *Type
	Description string
	Version     string
	Metadata    map[string]string
	Pos         Pos

	Properties   map[string]*PropertyDef
	Attributes   map[string]*PropertyDef
	Requirements []*RequirementDef         // node types
	Capabilities map[string]*CapabilityDef // node types
	Interfaces   map[string]*InterfaceDef  // node, relationship and group types
	Artifacts    map[string]*Artifact      // node types
	Operations   map[string]*OperationDef  // interface types
	Constraints  []*Constraint             // data types
	EntrySchema  *Schema                   // data types derived from list or map
	KeySchema    *Schema                   // data types derived from map
	// ValidTypes holds valid_target_types (relationship types),
	// valid_source_types (capability types), members (group types) or
	// targets (policy types).
	ValidTypes []string
	MimeType   string   // artifact types
	FileExt    []string // artifact types

	builtin bool
}

// DerivesFrom reports whether t is name or derives from it.
func (t *Type) DerivesFrom(name string) bool {
	for x := t; x != nil; x = x.Parent {
		if x.Name == name {
			return true
		}
	}
	return false
}

// Chain lists t and its ancestors, t first.
func (t *Type) Chain() []string {
	var out []string
	for x := t; x != nil; x = x.Parent {
		out = append(out, x.Name)
	}
	return out
}

// primitiveBase returns the primitive a data type finally derives from ("string",
// "map", ...), or "" for a complex data type.
func (t *Type) primitiveBase() string {
	for x := t; x != nil; x = x.Parent {
		if x.Parent == nil && isPrimitive(x.DerivedFrom) {
			return x.DerivedFrom
		}
	}
	return ""
}

// Property returns the definition of a property, searching ancestors.
func (t *Type) Property(name string) *PropertyDef {
	for x := t; x != nil; x = x.Parent {
		if p, ok := x.Properties[name]; ok {
			return p
		}
	}
	return nil
}

// Attribute returns the definition of an attribute, searching ancestors.
func (t *Type) Attribute(name string) *PropertyDef {
	for x := t; x != nil; x = x.Parent {
		if p, ok := x.Attributes[name]; ok {
			return p
		}
	}
	return nil
}

// AllProperties returns every property definition, children overriding
// their ancestors, in name order.
func (t *Type) AllProperties() []*PropertyDef {
	return t.collect(func(x *Type) map[string]*PropertyDef { return x.Properties })
}

// AllAttributes returns every attribute definition like AllProperties.
func (t *Type) AllAttributes() []*PropertyDef {
	return t.collect(func(x *Type) map[string]*PropertyDef { return x.Attributes })
}

func (t *Type) collect(get func(*Type) map[string]*PropertyDef) []*PropertyDef {
	seen := map[string]bool{}
	var out []*PropertyDef
	for x := t; x != nil; x = x.Parent {
		for name, p := range get(x) {
			if !seen[name] {
				seen[name] = true
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b *PropertyDef) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// Capability returns a capability definition of a node type.
func (t *Type) Capability(name string) *CapabilityDef {
	for x := t; x != nil; x = x.Parent {
		if c, ok := x.Capabilities[name]; ok {
			return c
		}
	}
	return nil
}

// AllCapabilities returns every capability definition, children first.
func (t *Type) AllCapabilities() map[string]*CapabilityDef {
	out := map[string]*CapabilityDef{}
	for x := t; x != nil; x = x.Parent {
		for name, c := range x.Capabilities {
			if _, ok := out[name]; !ok {
				out[name] = c
			}
		}
	}
	return out
}

// Requirement returns a requirement definition of a node type.
func (t *Type) Requirement(name string) *RequirementDef {
	for x := t; x != nil; x = x.Parent {
		for _, r := range x.Requirements {
			if r.Name == name {
				return r
			}
		}
	}
	return nil
}

// Interface returns an interface definition, searching ancestors.
func (t *Type) Interface(name string) *InterfaceDef {
	for x := t; x != nil; x = x.Parent {
		if i, ok := x.Interfaces[name]; ok {
			return i
		}
	}
	return nil
}

// Operation returns an operation of an interface type, searching ancestors.
func (t *Type) Operation(name string) *OperationDef {
	for x := t; x != nil; x = x.Parent {
		if o, ok := x.Operations[name]; ok {
			return o
		}
	}
	return nil
}

// PropertyDef defines a property, an attribute, an input or an output.
type PropertyDef struct {
	Name        string
	Type        string
	Description string
	// Required is true unless the definition says otherwise; attribute
	// definitions are never required.
	Required    bool
	Default     *Value
	Status      string
	Constraints []*Constraint
	EntrySchema *Schema
	KeySchema   *Schema
	Pos         Pos
}

// Schema describes the entries or keys of a list or map.
type Schema struct {
	Type        string
	Description string
	Constraints []*Constraint
	EntrySchema *Schema
	KeySchema   *Schema
	Pos         Pos
}

// RequirementDef defines a requirement of a node type.
type RequirementDef struct {
	Name         string
	Capability   string
	Node         string
	Relationship string
	// Occurrences is [min, max]; max -1 means UNBOUNDED.
	Occurrences [2]int
	Pos         Pos
}

// CapabilityDef defines a capability of a node type.
type CapabilityDef struct {
	Name             string
	Type             string
	Description      string
	Properties       map[string]*PropertyDef
	Attributes       map[string]*PropertyDef
	ValidSourceTypes []string
	Occurrences      [2]int
	Pos              Pos
}

// InterfaceDef declares an interface on a node, relationship or group type.
type InterfaceDef struct {
	Name       string
	Type       string
	Inputs     map[string]*Value
	Operations map[string]*OperationDef
	Pos        Pos
}

// OperationDef defines or refines an operation.
type OperationDef struct {
	Name           string
	Description    string
	Implementation *Implementation
	Inputs         map[string]*Value
	Outputs        map[string]*Value
	Pos            Pos
}

// Implementation names the artifact that implements an operation.
type Implementation struct {
	Primary       string
	Dependencies  []string
	Timeout       int64
	OperationHost string
	// PrimaryArtifact is set when the primary artifact is defined inline.
	PrimaryArtifact *Artifact
	Pos             Pos
}

// Artifact is an artifact definition of a node type or template.
type Artifact struct {
	Name              string
	TypeName          string
	Type              *Type
	File              string
	Repository        string
	Description       string
	DeployPath        string
	Version           string
	Checksum          string
	ChecksumAlgorithm string
	Properties        map[string]*Value
	Pos               Pos
}

// primitives are the TOSCA built-in value types that are not type
// definitions.
var primitives = map[string]bool{
	"string": true, "integer": true, "float": true, "boolean": true,
	"timestamp": true, "null": true, "version": true, "range": true,
	"list": true, "map": true, "any": true,
	"scalar-unit.size": true, "scalar-unit.time": true,
	"scalar-unit.frequency": true, "scalar-unit.bitrate": true,
}

func isPrimitive(name string) bool { return primitives[name] }
