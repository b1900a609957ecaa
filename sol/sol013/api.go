package sol013

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// API describes one SOL interface as it is exposed: its path segment and the
// versions served under each major version.
type API struct {
	// Name is the first path segment, e.g. "vnflcm" or "vnfpkgm".
	Name string
	// Versions lists the served versions, one entry per major version
	// (e.g. {1, "1.3.0"} and {2, "2.0.0"} for vnflcm).
	Versions []Version
}

// Version is one served major version and its full semantic version.
type Version struct {
	Major   int
	Version string
}

// ApiVersionInformation is the body of GET /{api}[/vN]/api_versions.
type ApiVersionInformation struct {
	URIPrefix   string       `json:"uriPrefix"`
	APIVersions []APIVersion `json:"apiVersions"`
}

// APIVersion is one entry of ApiVersionInformation.apiVersions.
type APIVersion struct {
	Version        string `json:"version"`
	IsDeprecated   bool   `json:"isDeprecated,omitempty"`
	RetirementDate string `json:"retirementDate,omitempty"`
}

// Prefix is the URI prefix of major version m, e.g. "/vnflcm/v1".
func (a API) Prefix(m int) string { return fmt.Sprintf("/%s/v%d", a.Name, m) }

// version returns the full version served for major m.
func (a API) version(m int) (string, bool) {
	for _, v := range a.Versions {
		if v.Major == m {
			return v.Version, true
		}
	}
	return "", false
}

// latest is the highest served version, answered where no major applies.
func (a API) latest() Version {
	vs := append([]Version(nil), a.Versions...)
	sort.Slice(vs, func(i, j int) bool { return vs[i].Major < vs[j].Major })
	return vs[len(vs)-1]
}

// Scope names the OAuth 2.0 scopes of major m: "{api}:v{m}:all" grants every
// method, "{api}:v{m}:readonly" only the safe ones.
func (a API) Scope(m int, readOnly bool) string {
	if readOnly {
		return fmt.Sprintf("%s:v%d:readonly", a.Name, m)
	}
	return fmt.Sprintf("%s:v%d:all", a.Name, m)
}

// Mount serves major version m of the API on e: the api_versions resources
// (also the version-less one, once per API), the Version header, and the
// authorisation check, then lets routes add the interface's resources.
func (a API) Mount(e *gin.Engine, auth Authenticator, m int, routes func(g *gin.RouterGroup)) {
	full, ok := a.version(m)
	if !ok {
		panic(fmt.Sprintf("sol013: API %s does not serve major version %d", a.Name, m))
	}
	mounted.Store(a.Prefix(m), full)
	if a.latest().Major == m {
		mounted.Store("/"+a.Name, a.latest().Version)
		top := e.Group("/"+a.Name, versionHeader(full), a.authorize(auth, m))
		top.GET("/api_versions", Wrap(a.versionsHandler("/"+a.Name, a.Versions)))
	}
	g := e.Group(a.Prefix(m), versionHeader(full), a.authorize(auth, m))
	g.GET("/api_versions", Wrap(a.versionsHandler(a.Prefix(m), []Version{{m, full}})))
	routes(g)
}

func (a API) versionsHandler(prefix string, vs []Version) HandlerFunc {
	info := ApiVersionInformation{URIPrefix: prefix}
	for _, v := range vs {
		info.APIVersions = append(info.APIVersions, APIVersion{Version: v.Version})
	}
	return func(*gin.Context) (any, error) { return info, nil }
}

// versionHeader sets the Version header on every response of the group,
// errors included. Requests need not carry it: real clients omit it.
func versionHeader(v string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer.Header().Set("Version", v)
		c.Next()
	}
}

// NewEngine returns a gin engine whose unknown paths and methods answer
// ProblemDetails (404, and 405 with Allow).
func NewEngine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	e.NoRoute(func(c *gin.Context) {
		setVersionFor(c)
		Abort(c, Errorf(http.StatusNotFound, "no resource at %s", c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		setVersionFor(c)
		Abort(c, Errorf(http.StatusMethodNotAllowed, "method %s is not supported on %s; allowed: %s",
			c.Request.Method, c.Request.URL.Path, c.Writer.Header().Get("Allow")))
	})
	return e
}

// mounted maps the URI prefixes of mounted APIs to the version they serve,
// so that 404 and 405 answers under an API's prefix carry its Version
// header too: those never reach the API's route group.
var mounted sync.Map

func setVersionFor(c *gin.Context) {
	p := c.Request.URL.Path
	for {
		if v, ok := mounted.Load(p); ok {
			c.Writer.Header().Set("Version", v.(string))
			return
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return
		}
		p = p[:i]
	}
}
