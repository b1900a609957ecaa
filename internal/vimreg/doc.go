// Package vimreg owns the NFVO's registry of VIMs: the VIMs grants may
// send VNFMs to (identity, type, how to reach them, zones, quota, which
// one is the default), loaded from a file, kept in the NFVO's database,
// with their access credentials sealed (AES-GCM) at rest. Credentials are
// opened only for the caller that hands them to a VNFM in a grant; they
// never reach a log line or an error.
package vimreg
