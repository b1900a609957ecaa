package vnfpkgm

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// API is VNF package management as the NFVO serves it.
var API = sol013.API{Name: "vnfpkgm", Versions: []sol013.Version{{Major: 1, Version: "1.3.0"}}}

func init() {
	sol013.RegisterClassifier(func(err error) (int, string) {
		if errors.Is(err, catalog.ErrStateConflict) {
			return http.StatusConflict, err.Error()
		}
		return 0, ""
	})
}

// Server answers the VNF package management API from a catalogue.
type Server struct {
	catalog *catalog.Service
	notify  *notify.Service
	prefix  string
}

// Mount serves the API on e, authorising requests with auth, and makes the
// catalogue's events notifications to the subscribers n keeps. Both SOL 005
// (the OSS's) and SOL 003 (the VNFMs') package management share the
// /vnfpkgm/v1 tree; SOL 003 reads what SOL 005 creates.
func Mount(e *gin.Engine, auth sol013.Authenticator, c *catalog.Service, n *notify.Service) {
	s := &Server{catalog: c, notify: n, prefix: API.Prefix(1)}
	c.SetNotifier(s)
	c.Packages().SetView(store.View[catalog.Package]{Rev: packageViewRev, Encode: s.encodeListed})
	API.Mount(e, auth, 1, s.routes)
}

// routes is the whole URL tree of the interface.
func (s *Server) routes(g *gin.RouterGroup) {
	g.GET("/vnf_packages", sol013.Wrap(s.list))
	g.POST("/vnf_packages", sol013.Wrap(s.create))
	g.GET("/vnf_packages/:id", sol013.Wrap(s.get))
	g.PATCH("/vnf_packages/:id", sol013.Wrap(s.modify))
	g.DELETE("/vnf_packages/:id", sol013.Wrap(s.delete))
	// The upload answers 202 without a body, so no Accept can be unmet
	// (python-tackerclient sends Accept: application/zip here).
	g.PUT("/vnf_packages/:id/package_content", sol013.WrapProducing(nil, s.uploadContent))
	g.POST("/vnf_packages/:id/package_content/upload_from_uri", sol013.WrapProducing(nil, s.uploadFromURI))
	s.contentRoutes(g.Group("/vnf_packages/:id"))
	g.GET("/subscriptions", sol013.Wrap(s.listSubscriptions))
	g.POST("/subscriptions", sol013.Wrap(s.subscribe))
	g.GET("/subscriptions/:subscriptionId", sol013.Wrap(s.getSubscription))
	g.DELETE("/subscriptions/:subscriptionId", sol013.Wrap(s.deleteSubscription))
	// SOL 003: VNFMs read onboarded packages by the vnfdId they know.
	g.GET("/onboarded_vnf_packages/:vnfdId", sol013.Wrap(s.getByVNFDID))
	s.contentRoutes(g.Group("/onboarded_vnf_packages/:vnfdId"))
}

// contentRoutes are the read-only content resources of one package.
func (s *Server) contentRoutes(g *gin.RouterGroup) {
	var raw []string // each handler negotiates its own media types
	g.GET("/package_content", sol013.WrapProducing(raw, s.getContent))
	g.GET("/vnfd", sol013.WrapProducing(raw, s.getVNFD))
	g.GET("/manifest", sol013.WrapProducing(raw, s.getManifest))
	g.GET("/artifacts/*path", sol013.WrapProducing(raw, s.getArtifact))
}
