package grant

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/grant"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// API is LCM operation granting as the NFVO serves it.
var API = sol013.API{Name: "grant", Versions: []sol013.Version{{Major: 1, Version: "1.4.0"}}}

func init() {
	sol013.RegisterClassifier(func(err error) (int, string) {
		var rej *grant.RejectedError
		switch {
		case errors.As(err, &rej):
			return http.StatusForbidden, rej.Reason
		case errors.Is(err, grant.ErrInvalid):
			return http.StatusBadRequest, err.Error()
		}
		return 0, ""
	})
}

// RetryAfter is what a 202 asks the VNFM to wait before asking again.
const RetryAfter = time.Second

// Server answers the grant API from the NFVO's grant service.
type Server struct {
	svc    *grant.Service
	prefix string
}

// Mount serves the API on e, authorising requests with auth.
func Mount(e *gin.Engine, auth sol013.Authenticator, svc *grant.Service) {
	s := &Server{svc: svc, prefix: API.Prefix(1)}
	API.Mount(e, auth, 1, s.routes)
}

// routes is the whole URL tree of the interface.
func (s *Server) routes(g *gin.RouterGroup) {
	g.POST("/grants", sol013.Wrap(s.request))
	g.GET("/grants/:grantId", sol013.Wrap(s.get))
}

// request is POST /grants: 201 with the grant when decided at once, 202
// with its Location when deferred, 403 when rejected.
func (s *Server) request(c *gin.Context) (any, error) {
	var w GrantRequest
	if err := sol013.BindJSON(c, &w); err != nil {
		return nil, err
	}
	req, err := toRequest(&w)
	if err != nil {
		return nil, err
	}
	g, err := s.svc.Request(c.Request.Context(), req)
	if err != nil {
		return nil, err
	}
	loc := s.prefix + "/grants/" + g.ID
	if g.State == grant.Processing {
		return pending(loc), nil
	}
	body, err := s.wire(c, g)
	if err != nil {
		return nil, err
	}
	return sol013.Created(loc, body), nil
}

// get is GET /grants/{grantId}: 200, 202 while undecided, 403 when
// rejected.
func (s *Server) get(c *gin.Context) (any, error) {
	g, err := s.svc.Get(c.Request.Context(), c.Param("grantId"))
	if err != nil {
		return nil, err
	}
	switch g.State {
	case grant.Processing:
		return pending(""), nil
	case grant.Rejected:
		return nil, &grant.RejectedError{Reason: g.Reason}
	}
	return s.wire(c, g)
}

func (s *Server) wire(c *gin.Context, g grant.Grant) (*Grant, error) {
	v, err := s.svc.Connection(c.Request.Context(), g)
	if err != nil {
		return nil, err
	}
	return toGrant(g, v, s.prefix), nil
}

// pending is a 202 with Retry-After, and Location when given.
func pending(location string) *sol013.Reply {
	r := sol013.Accepted(location)
	r.Header.Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	return r
}
