package vnfpkgm

import (
	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

func (s *Server) wire(it store.Item[catalog.Package]) VnfPkgInfo { return toWire(s.prefix, it) }

func (s *Server) list(c *gin.Context) (any, error) {
	return sol013.ListPage(c, s.catalog.Packages(), selection, s.wire)
}

func (s *Server) create(c *gin.Context) (any, error) {
	var req CreateVnfPkgInfoRequest
	if err := sol013.BindJSON(c, &req); err != nil {
		return nil, err
	}
	it, err := s.catalog.Create(c.Request.Context(), req.UserDefinedData)
	if err != nil {
		return nil, err
	}
	w := s.wire(it)
	sol013.SetETag(c, it.Version)
	return sol013.Created(w.Links.Self.Href, w), nil
}

func (s *Server) get(c *gin.Context) (any, error) {
	it, err := s.catalog.Packages().Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	sol013.SetETag(c, it.Version)
	return s.wire(it), nil
}

func (s *Server) modify(c *gin.Context) (any, error) {
	ifVersion, err := sol013.IfMatch(c)
	if err != nil {
		return nil, err
	}
	var req VnfPkgInfoModifications
	if err := sol013.BindMergePatch(c, &req); err != nil {
		return nil, err
	}
	mod := catalog.Modification{UserDefinedData: req.UserDefinedData}
	if req.OperationalState != nil {
		st := catalog.OperationalState(*req.OperationalState)
		mod.OperationalState = &st
	}
	it, err := s.catalog.Modify(c.Request.Context(), c.Param("id"), ifVersion, mod)
	if err != nil {
		return nil, err
	}
	sol013.SetETag(c, it.Version)
	return req, nil
}

func (s *Server) delete(c *gin.Context) (any, error) {
	return nil, s.catalog.Delete(c.Request.Context(), c.Param("id"))
}

func (s *Server) getByVNFDID(c *gin.Context) (any, error) {
	it, err := s.catalog.ByVNFDID(c.Request.Context(), c.Param("vnfdId"))
	if err != nil {
		return nil, err
	}
	sol013.SetETag(c, it.Version)
	return s.wire(it), nil
}
