package toscaoracle

// Fix names one limitation of tosca-parser 2.6 that the driver works
// around, so that it can read a package the engine reads. A package's
// test lists the fixes it needs; Result.Accepted fails when one is no
// longer needed (tosca-parser was mended, or the package changed).
type Fix string

// The fixes, each with the place in tosca-parser it works around.
const (
	// TOSCA13 adds tosca_simple_yaml_1_3 to tosca-parser's versions: it
	// accepts 1_0 and 1_2 only. No 1.3 semantics are added; the other
	// fixes cover the 1.3 constructs the corpus uses.
	TOSCA13 Fix = "tosca-1.3"
	// OperationsKeyword reads TOSCA 1.3 interface types and assignments,
	// which group operations under "operations:" (TOSCA 1.3 3.7.5,
	// 3.7.6); tosca-parser takes that key for an operation
	// (NodeTemplate._collect_custom_iface_operations, InterfacesDef).
	OperationsKeyword Fix = "operations-keyword"
	// CapabilityShortNotation reads a node type's capability definition in
	// short notation (name: type, TOSCA 1.2 3.7.2.2), on which
	// NodeType.get_capabilities_objects crashes.
	CapabilityShortNotation Fix = "capability-short-notation"
	// FalsyDefaults applies a data type property's default of false or 0:
	// DataEntity.validate applies only truthy defaults ("if
	// prop_def.default:"), then reports such required properties
	// (VirtualMemory.numa_enabled, VirtualBlockStorageData.rdma_enabled in
	// v4.4.1) as missing.
	FalsyDefaults Fix = "falsy-defaults"
	// ScalarGreaterThan lets greater_than bound a scalar-unit ("0 s" in
	// v4.4.1's monitoring parameters and Qos): GreaterThan checks the bound
	// before converting it, unlike the other comparison constraints.
	ScalarGreaterThan Fix = "scalar-greater-than"
	// RangeInRange checks each end of a range value against in_range (the
	// NfpRule port ranges): InRange compares the list itself and raises a
	// TypeError.
	RangeInRange Fix = "range-in-range"
	// SubstitutionInputs drops tosca-parser's demand for a topology input
	// per required property of the substituted node type
	// (SubstitutionMappings._validate_inputs), which TOSCA 1.2 and 1.3
	// substitution mapping do not make.
	SubstitutionInputs Fix = "substitution-inputs"
)

// Symptom is part of the error tosca-parser gives without the fix.
func (f Fix) Symptom() string {
	return map[Fix]string{
		TOSCA13:                 `InvalidTemplateVersion: The template version "tosca_simple_yaml_1_3`,
		OperationsKeyword:       `UnknownFieldError: "interfaces" of template`,
		CapabilityShortNotation: `AttributeError: 'str' object has no attribute 'get'`,
		FalsyDefaults:           `MissingRequiredFieldError: Data value of type`,
		ScalarGreaterThan:       `The property "greater_than" expects comparable values`,
		RangeInRange:            `TypeError: '<' not supported between instances of 'list' and 'int'`,
		SubstitutionInputs:      `MissingRequiredInputError: SubstitutionMappings with node_type`,
	}[f]
}
