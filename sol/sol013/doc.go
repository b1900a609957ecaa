// Package sol013 owns the HTTP machinery that ETSI GS NFV-SOL 013 makes common
// to every SOL 002/003/005 interface: ProblemDetails and the one error funnel,
// the Version header, api_versions resources, content negotiation and body
// limits, attribute-based filters, attribute selectors, paging with Link
// headers, ETags, and OAuth 2.0 scope checks.
//
// Interface packages (sol/vnfpkgm, sol/vnflcm, ...) declare an API with
// [API], mount their routes through [Mount], and write handlers of type
// [HandlerFunc] that return a value or an error; this package turns both into
// responses so every interface answers errors the same way.
package sol013
