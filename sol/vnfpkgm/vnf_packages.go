package vnfpkgm

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

func (s *Server) wire(it store.Item[catalog.Package]) VnfPkgInfo { return toWire(s.prefix, it) }

func (s *Server) list(c *gin.Context) (any, error) {
	return sol013.ListViewPage(c, s.catalog.Packages(), selection)
}

// packageViewRev names the encoding encodeListed makes of a stored
// package. Raise it with every change to what a package lists as (its
// wire type or toWire), so that stored views of the old form are not
// served: TestPackageViewRev fails until it is raised.
const packageViewRev = 1

// encodeListed is a package's store.View: its VnfPkgInfo, encoded as a
// list item, before attribute selection.
func (s *Server) encodeListed(it store.Item[catalog.Package]) ([]byte, error) {
	return sol013.EncodeItem(s.wire(it))
}

// RefreshListViews stores the current list view of every package stored
// without one, as after an upgrade that changed it: until then those
// packages list more slowly. Mount must have been called on c.
func RefreshListViews(ctx context.Context, c *catalog.Service, log *slog.Logger) {
	n, err := c.Packages().RefreshViews(ctx, 500)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("refreshing the list views of VNF packages", "refreshed", n, "err", err)
	case n > 0:
		log.Info("refreshed the list views of VNF packages", "refreshed", n)
	}
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
