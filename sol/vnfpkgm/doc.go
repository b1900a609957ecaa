// Package vnfpkgm is the wire layer of VNF package management: SOL 005's
// interface for the OSS (create, upload, modify, delete) and SOL 003's
// read-only one for VNFMs, both under /vnfpkgm/v1 on the NFVO. It binds and
// validates requests, calls the catalogue, and converts its records to the
// spec's types.
package vnfpkgm
