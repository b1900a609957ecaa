// Package nsd owns the typed model of an ETSI SOL 001 network service
// descriptor: the NS, its constituent VNFs (by vnfd_id), PNFs and nested
// NSs, virtual links, service access points, VNF forwarding graphs with
// their network forwarding paths, and the NS scaling aspects and
// instantiation levels with the per-VNF and per-link mappings; and of the
// PNF descriptors onboarded beside NSDs.
//
// The model is read from a service template loaded and validated by package
// tosca.
package nsd
