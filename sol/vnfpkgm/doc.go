// Package vnfpkgm is the wire layer of VNF package management: SOL 005's
// interface for the OSS (create, upload, modify, delete) and SOL 003's
// read-only one for VNFMs, both under /vnfpkgm/v1 on the NFVO. It binds and
// validates requests, calls the catalogue, and converts its records to the
// spec's types. It also keeps the packages' usage state on the NFVO (Usage):
// as a consumer of a VNFM's SOL 003 lifecycle notifications, the only way
// the spec gives the NFVO to learn of VNF instances.
package vnfpkgm
