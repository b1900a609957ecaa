package vnflcm

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

func init() {
	sol013.RegisterClassifier(func(err error) (int, string) {
		switch {
		case errors.Is(err, lcm.ErrBusy), errors.Is(err, lcm.ErrState):
			return http.StatusConflict, err.Error()
		case errors.Is(err, lcm.ErrInvalid), errors.Is(err, lcm.ErrPackage):
			return http.StatusUnprocessableEntity, err.Error()
		}
		return 0, ""
	})
}

// Server answers one major version of the VNF LCM API from the engine.
type Server struct {
	svc    *lcm.Service
	notify *notify.Service
	prefix string
	major  int
}

// Mount serves /vnflcm/v1 and /vnflcm/v2 on e over one engine, authorising
// requests with auth, and makes the engine's events notifications to the
// subscribers ns keeps. Call it before the job runner starts.
func Mount(e *gin.Engine, auth sol013.Authenticator, svc *lcm.Service, ns *notify.Service) {
	var n notifier
	for _, v := range API.Versions {
		s := &Server{svc: svc, notify: ns, prefix: API.Prefix(v.Major), major: v.Major}
		API.Mount(e, auth, v.Major, s.routes)
		n.servers = append(n.servers, s)
	}
	svc.SetNotifier(n)
}

// routes is the whole URL tree of one version.
func (s *Server) routes(g *gin.RouterGroup) {
	g.GET("/vnf_instances", sol013.Wrap(s.list))
	g.POST("/vnf_instances", sol013.Wrap(s.create))
	g.GET("/vnf_instances/:id", sol013.Wrap(s.get))
	g.PATCH("/vnf_instances/:id", sol013.Wrap(s.modify))
	g.DELETE("/vnf_instances/:id", sol013.Wrap(s.delete))
	// Tasks answer 202 without a body.
	var none []string
	task := func(name string, h sol013.HandlerFunc) {
		g.POST("/vnf_instances/:id/"+name, sol013.WrapProducing(none, h))
	}
	task("instantiate", s.instantiate)
	task("scale", s.scale)
	task("scale_to_level", s.scaleToLevel)
	task("change_flavour", s.changeFlavour)
	task("terminate", s.terminate)
	task("heal", s.heal)
	task("operate", s.operate)
	task("change_ext_conn", s.changeExtConn)
	if s.major >= 2 {
		task("change_vnfpkg", s.changeVNFPkg)
	}
	g.GET("/vnf_lcm_op_occs", sol013.Wrap(s.listOps))
	g.GET("/vnf_lcm_op_occs/:id", sol013.Wrap(s.getOp))
	g.POST("/vnf_lcm_op_occs/:id/retry", sol013.WrapProducing(none, s.retry))
	g.POST("/vnf_lcm_op_occs/:id/rollback", sol013.WrapProducing(none, s.rollback))
	g.POST("/vnf_lcm_op_occs/:id/fail", sol013.Wrap(s.fail))
	g.POST("/vnf_lcm_op_occs/:id/cancel", sol013.WrapProducing(none, s.cancel))
	g.GET("/subscriptions", sol013.Wrap(s.listSubscriptions))
	g.POST("/subscriptions", sol013.Wrap(s.subscribe))
	g.GET("/subscriptions/:id", sol013.Wrap(s.getSubscription))
	g.DELETE("/subscriptions/:id", sol013.Wrap(s.deleteSubscription))
}
