// Package grant owns the NFVO's grant decisions (SOL 003 granting, version
// neutral): which registered VIM a VNF lifecycle operation may use, the
// zones its new resources go to, whether the VIM's quota lets them in, and
// the grants given, kept in the NFVO's database. A request is decided at
// once or, by policy, later by a durable job; a decided grant is GRANTED
// or REJECTED:
//
//	Request ──decide now──► GRANTED (201) | rejected (403, nothing kept)
//	   └──deferred──► PROCESSING (202) ──job decides──► GRANTED | REJECTED
package grant
