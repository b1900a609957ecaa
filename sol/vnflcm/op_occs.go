package vnflcm

import (
	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// opSelection is how occurrences are selected in major version m. v1's
// schema requires operationParams, so it is never removed there; v2 leaves
// it out by default as SOL 003 says.
func opSelection(m int) sol013.Selection {
	sel := sol013.Selection{
		Defaults:  [][]string{{"error"}, {"resourceChanges"}, {"changedInfo"}, {"changedExtConnectivity"}},
		Mandatory: [][]string{{"_links"}},
	}
	if m == 1 {
		sel.Mandatory = append(sel.Mandatory, []string{"operationParams"})
	} else {
		sel.Defaults = append(sel.Defaults, []string{"operationParams"})
	}
	return sel
}

func (s *Server) listOps(c *gin.Context) (any, error) {
	return sol013.ListPage(c, s.svc.OpOccs(), opSelection(s.major), s.opToWire)
}

func (s *Server) getOp(c *gin.Context) (any, error) {
	it, err := s.svc.OpOccs().Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	return s.opToWire(it), nil
}

// resumed answers retry and rollback: 202, the occurrence is the Location.
func (s *Server) resumed(c *gin.Context, fn func(c *gin.Context, id string) (store.Item[lcm.OpOcc], error)) (any, error) {
	if _, err := s.svc.OpOccs().Get(c.Request.Context(), c.Param("id")); err != nil {
		return nil, err
	}
	op, err := fn(c, c.Param("id"))
	if err != nil {
		return nil, err
	}
	return s.accepted(op), nil
}

func (s *Server) retry(c *gin.Context) (any, error) {
	return s.resumed(c, func(c *gin.Context, id string) (store.Item[lcm.OpOcc], error) {
		return s.svc.Retry(c.Request.Context(), id)
	})
}

func (s *Server) rollback(c *gin.Context) (any, error) {
	return s.resumed(c, func(c *gin.Context, id string) (store.Item[lcm.OpOcc], error) {
		return s.svc.Rollback(c.Request.Context(), id)
	})
}

// fail answers 200 with the FAILED occurrence, as SOL 003 says.
func (s *Server) fail(c *gin.Context) (any, error) {
	op, err := s.svc.Fail(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	return s.opToWire(op), nil
}

func (s *Server) cancel(c *gin.Context) (any, error) {
	var req CancelMode
	if _, err := bindTask(c, &req); err != nil {
		return nil, err
	}
	op, err := s.svc.Cancel(c.Request.Context(), c.Param("id"), req.CancelMode)
	if err != nil {
		return nil, err
	}
	return s.accepted(op), nil
}
