// Package tosca owns the TOSCA Simple YAML 1.2/1.3 engine the catalogue reads
// descriptors with: it loads a service template and its imports from a CSAR's
// file system, builds the type system (built-in TOSCA and ETSI SOL 001
// normative types included), validates every template against its type and
// resolves the intrinsic functions.
//
// # Imports
//
// Load takes the CSAR's contents as an fs.FS and the entry definitions path.
// Imports are resolved relative to the importing file and may not leave the
// package; import cycles are errors. The published SOL 001 type-file URLs
// (https://forge.etsi.org/rep/nfv/SOL001/raw/<version>/etsi_nfv_sol001_*_types.yaml,
// versions 2.5.1 to 4.4.1) resolve offline to the built-in profiles, as does a
// relative import of those file names that the package does not ship; no
// other URL is fetched. Types of a file imported with a namespace_prefix are
// also reachable as prefix:name, and the normative TOSCA types by their short
// names (Compute, tosca:Compute).
//
// # Built-in types
//
// profiles/ holds the normative types, written for this engine from the
// specifications: the TOSCA Simple Profile, and SOL 001 in two families. 2.x
// imports get the 2.6.1 forms of the types 3.x changed incompatibly
// (sol001_v2_types.yaml); 3.x and 4.x imports get the 4.4.1 types. The tests
// compare both against ETSI's published files.
//
// # Problems
//
// Every problem found is collected; Load returns them joined, each an *Error
// with a Code, the file:line:col and the document path (see Errors).
//
// # Limits
//
// Loading is bounded (see Limits): file and total sizes, the number of files,
// the YAML values produced (aliases counted at each expansion, with a
// separate, smaller budget for what aliases expand to), nesting depth and
// the number of problems reported. Function resolution is bounded in depth,
// calls and string size. Hostile YAML therefore costs bounded memory and
// time.
package tosca
