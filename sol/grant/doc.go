// Package grant is SOL 003 LCM operation granting (/grant/v1): the NFVO's
// API, which binds and validates GrantRequests and answers from the
// internal grant service, and the VNFM's client, which implements
// lcm.Granter over it.
//
// Grants carry the VIM in both spellings of API version 1: the map
// vimConnectionInfo (SOL 003 v3.x) and the array vimConnections (v2.6.1).
// The VNFM tells the NFVO which VIMs the VNF instance uses or its request
// named in the GrantRequest's additionalParams, under ParamVIMConnections:
// an object of VimConnectionInfo without interfaceInfo or accessInfo,
// keyed by connection id. The granted VIM's accessInfo reaches the VNFM
// that asked (direct mode needs it) and nothing else: not the stored
// grant, not an error, not a log line.
package grant
