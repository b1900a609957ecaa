package vnflcm

import "github.com/cadenza-mano/cadenza/sol/sol013"

// API is VNF lifecycle management: v1 as SOL 003 v2.6.1 and v2 as SOL 003
// v3.3.1 define it (the versions python-tackerclient sends).
var API = sol013.API{Name: "vnflcm", Versions: []sol013.Version{{Major: 1, Version: "1.3.0"}, {Major: 2, Version: "2.0.0"}}}
