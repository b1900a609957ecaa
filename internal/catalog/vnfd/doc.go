// Package vnfd owns the typed model of an ETSI SOL 001 VNF descriptor: the
// VNF, its deployment flavours and, per flavour, the VDUs (virtual machine
// and container based), storage, connection points, virtual links, scaling
// aspects, instantiation levels, placement and security rules and the
// Vnflcm interface with its artifacts.
//
// The model is read from a service template loaded and validated by package
// tosca. A VNFD may keep its flavours in the entry file, or, as SOL 001 and
// Tacker lay them out, in one imported file per flavour whose
// substitution_mappings substitute the VNF node type.
package vnfd
