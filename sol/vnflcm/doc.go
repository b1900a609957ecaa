// Package vnflcm is the wire layer of SOL 003 VNF lifecycle management as
// the VNFM serves it: /vnflcm/v1 (SOL 003 v2.6.1) and /vnflcm/v2 (SOL 003
// v3.3.1), both over one lifecycle engine.
package vnflcm
