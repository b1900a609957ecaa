// Package tosca owns the TOSCA Simple YAML 1.2/1.3 engine the catalogue reads
// descriptors with: it loads a service template and its imports from a CSAR's
// file system, builds the type system (built-in TOSCA and ETSI SOL 001
// normative types included), validates every template against its type and
// resolves the intrinsic functions.
//
// Loading is bounded: files, values, nesting depth and alias expansion are all
// capped (see Limits), so hostile YAML costs bounded memory and time. Every
// problem found is reported, each naming file, line and path (see Error).
package tosca
