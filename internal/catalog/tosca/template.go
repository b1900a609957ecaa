package tosca

import "sync/atomic"

// ServiceTemplate is a loaded, validated service template: the entry file,
// everything it imports, the resulting type system and the topologies.
type ServiceTemplate struct {
	// Version is the entry file's tosca_definitions_version.
	Version     string
	Description string
	Metadata    map[string]string
	// Entry is the path of the entry definitions file.
	Entry string
	// Files lists every file read from the CSAR, entry first, then in import
	// order.
	Files []string
	// Imports lists what the entry file imports, as written.
	Imports []Import
	// Topology is the entry file's topology template, nil when it has none.
	Topology *TopologyTemplate
	// Topologies lists the topology templates of every file that has one,
	// entry first. Tacker-style VNFDs keep one deployment flavour per
	// imported file, each with substitution_mappings.
	Topologies []*TopologyTemplate
	// Repositories are the repository definitions of every file.
	Repositories map[string]*Repository

	types *registry
}

// Type looks up a type of the given kind by name, prefixed or short name.
func (st *ServiceTemplate) Type(kind TypeKind, name string) *Type { return st.types.lookup(kind, name) }

// Types lists the types of one kind visible to the template, built-in ones
// included.
func (st *ServiceTemplate) Types(kind TypeKind) []*Type { return st.types.all(kind) }

// Substitutions returns the topologies whose substitution_mappings
// substitute nodeType (or a type derived from it).
func (st *ServiceTemplate) Substitutions(nodeType string) []*TopologyTemplate {
	var out []*TopologyTemplate
	for _, t := range st.Topologies {
		sm := t.SubstitutionMappings
		if sm == nil || sm.Type == nil {
			continue
		}
		if sm.Type.DerivesFrom(nodeType) {
			out = append(out, t)
		}
	}
	return out
}

// Import is one entry of an imports list.
type Import struct {
	File            string
	Repository      string
	NamespacePrefix string
	NamespaceURI    string
	Pos             Pos
}

// Repository is a repository definition.
type Repository struct {
	Name        string
	URL         string
	Description string
	Pos         Pos
}

// TopologyTemplate is the topology_template of one file.
type TopologyTemplate struct {
	File                  string
	Description           string
	Inputs                []*Parameter
	Outputs               []*Parameter
	NodeTemplates         []*NodeTemplate
	RelationshipTemplates []*RelationshipTemplate
	Groups                []*Group
	Policies              []*Policy
	SubstitutionMappings  *SubstitutionMappings
	Workflows             map[string]*Value
	Pos                   Pos

	st     *ServiceTemplate
	nodes  map[string]*NodeTemplate
	inputs map[string]*Parameter
	rels   map[string]*RelationshipTemplate
	groups map[string]*Group
	// steps counts the function calls Resolve made on this topology.
	steps atomic.Int64
}

// Node returns the node template with the given name, or nil.
func (t *TopologyTemplate) Node(name string) *NodeTemplate { return t.nodes[name] }

// Input returns the input with the given name, or nil.
func (t *TopologyTemplate) Input(name string) *Parameter { return t.inputs[name] }

// Group returns the group with the given name, or nil.
func (t *TopologyTemplate) Group(name string) *Group { return t.groups[name] }

// NodesOfType lists the node templates whose type is or derives from name,
// in document order.
func (t *TopologyTemplate) NodesOfType(name string) []*NodeTemplate {
	var out []*NodeTemplate
	for _, n := range t.NodeTemplates {
		if n.Type != nil && n.Type.DerivesFrom(name) {
			out = append(out, n)
		}
	}
	return out
}

// PoliciesOfType lists the policies whose type is or derives from name.
func (t *TopologyTemplate) PoliciesOfType(name string) []*Policy {
	var out []*Policy
	for _, p := range t.Policies {
		if p.Type != nil && p.Type.DerivesFrom(name) {
			out = append(out, p)
		}
	}
	return out
}

// GroupsOfType lists the groups whose type is or derives from name.
func (t *TopologyTemplate) GroupsOfType(name string) []*Group {
	var out []*Group
	for _, g := range t.Groups {
		if g.Type != nil && g.Type.DerivesFrom(name) {
			out = append(out, g)
		}
	}
	return out
}

// Parameter is an input or output of a topology.
type Parameter struct {
	PropertyDef
	// Value is an output's value expression; for inputs it is the value
	// given in Options.Inputs, or nil.
	Value *Value
}

// NodeTemplate is a node template. Properties hold the assigned values with
// the type's defaults filled in; function calls are kept as written (see
// TopologyTemplate.Resolve).
type NodeTemplate struct {
	Name         string
	TypeName     string
	Type         *Type
	Description  string
	Metadata     map[string]string
	Directives   []string
	Properties   map[string]*Value
	Attributes   map[string]*Value
	Requirements []*RequirementAssignment
	Capabilities map[string]*CapabilityAssignment
	Interfaces   map[string]*InterfaceAssignment
	Artifacts    map[string]*Artifact
	Pos          Pos
	path         string
}

// Path is the node template's place in its file, for error messages.
func (n *NodeTemplate) Path() string { return n.path }

// Requirement returns the requirement assignments named name.
func (n *NodeTemplate) Requirement(name string) []*RequirementAssignment {
	var out []*RequirementAssignment
	for _, r := range n.Requirements {
		if r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

// RequirementAssignment is one requirement of a node template.
type RequirementAssignment struct {
	Name       string
	Node       string
	Capability string
	// Relationship is the relationship type or template name, when given.
	Relationship string
	// RelationshipProperties and RelationshipInterfaces come from an inline
	// relationship assignment.
	RelationshipProperties map[string]*Value
	RelationshipInterfaces map[string]*InterfaceAssignment
	Occurrences            [2]int
	Pos                    Pos
}

// CapabilityAssignment holds the properties and attributes given to a
// capability of a node template, defaults filled in.
type CapabilityAssignment struct {
	Name       string
	Type       *Type
	Properties map[string]*Value
	Attributes map[string]*Value
	Pos        Pos
}

// InterfaceAssignment is an interface of a node, relationship or group
// template with its operations.
type InterfaceAssignment struct {
	Name       string
	Type       *Type
	Inputs     map[string]*Value
	Operations map[string]*OperationDef
	Pos        Pos
}

// RelationshipTemplate is a relationship template.
type RelationshipTemplate struct {
	Name       string
	TypeName   string
	Type       *Type
	Properties map[string]*Value
	Attributes map[string]*Value
	Interfaces map[string]*InterfaceAssignment
	Pos        Pos
}

// Group is a group definition of a topology.
type Group struct {
	Name        string
	TypeName    string
	Type        *Type
	Description string
	Properties  map[string]*Value
	Members     []string
	Interfaces  map[string]*InterfaceAssignment
	Pos         Pos
}

// Policy is a policy definition of a topology.
type Policy struct {
	Name        string
	TypeName    string
	Type        *Type
	Description string
	Metadata    map[string]string
	Properties  map[string]*Value
	Targets     []string
	Triggers    []*Trigger
	Pos         Pos
}

// Trigger is an event-condition-action rule of a policy.
type Trigger struct {
	Name        string
	Description string
	Event       string
	// Condition and Action are kept as written: their grammar differs
	// between TOSCA 1.2 (constraint clauses) and 1.3 (condition clauses and
	// activity lists), and SOL 001 profiles use both.
	Condition    *Value
	Action       *Value
	TargetFilter *Value
	Schedule     *Value
	Pos          Pos
}

// SubstitutionMappings exposes a topology as an implementation of a node
// type.
type SubstitutionMappings struct {
	NodeType   string
	Type       *Type
	Properties map[string]*Value
	// Capabilities and Requirements map a name of the substituted node type
	// to [node template, capability or requirement].
	Capabilities map[string][2]string
	Requirements map[string][2]string
	Interfaces   map[string]*Value
	Pos          Pos
}
