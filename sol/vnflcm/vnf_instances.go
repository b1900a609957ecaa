package vnflcm

import (
	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// instanceSelection: the complex attributes SOL 003 leaves out by default.
var instanceSelection = sol013.Selection{
	Defaults: [][]string{{"vnfConfigurableProperties"}, {"vimConnectionInfo"}, {"instantiatedVnfInfo"},
		{"metadata"}, {"extensions"}},
	Mandatory: [][]string{{"_links"}},
}

func (s *Server) list(c *gin.Context) (any, error) {
	return sol013.ListPage(c, s.svc.Instances(), instanceSelection, s.instanceToWire)
}

func (s *Server) create(c *gin.Context) (any, error) {
	var req CreateVnfRequest
	if err := sol013.BindJSON(c, &req); err != nil {
		return nil, err
	}
	it, err := s.svc.Create(c.Request.Context(), lcm.CreateRequest{VNFDID: req.VnfdID, Name: req.VnfInstanceName,
		Description: req.VnfInstanceDescription, Metadata: req.Metadata})
	if err != nil {
		return nil, err
	}
	w := s.instanceToWire(it)
	sol013.SetETag(c, it.Version)
	return sol013.Created(w.Links.Self.Href, w), nil
}

func (s *Server) get(c *gin.Context) (any, error) {
	it, err := s.svc.Instances().Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	sol013.SetETag(c, it.Version)
	return s.instanceToWire(it), nil
}

// modify applies VnfInfoModificationRequest; the MODIFY_INFO occurrence it
// records is complete when the answer (202 with its Location) is sent.
func (s *Server) modify(c *gin.Context) (any, error) {
	ifVersion, err := sol013.IfMatch(c)
	if err != nil {
		return nil, err
	}
	var req VnfInfoModificationRequest
	if err := sol013.BindMergePatch(c, &req); err != nil {
		return nil, err
	}
	vims, err := s.vimsFromWire(req.VimConnectionInfo)
	if err != nil {
		return nil, err
	}
	mod := lcm.Modification{Name: req.VnfInstanceName, Description: req.VnfInstanceDescription,
		VNFDID: req.VnfdID, Metadata: req.Metadata, Extensions: req.Extensions,
		ConfigurableProps: req.VnfConfigurableProperties, VNFCDeleteIDs: req.VnfcInfoModificationsDeleteIds}
	for _, m := range req.VnfcInfoModifications {
		mod.VNFCs = append(mod.VNFCs, lcm.VNFCModification{ID: m.ID, ConfigurableProperties: m.VnfcConfigurableProperties})
	}
	for id, v := range vims {
		if mod.VIMConnections == nil {
			mod.VIMConnections = map[string]*lcm.VIMConnectionInfo{}
		}
		mod.VIMConnections[id] = &v
	}
	raw, _ := json.Marshal(&req)
	op, err := s.svc.Modify(c.Request.Context(), c.Param("id"), ifVersion, mod, redactParams(raw))
	if err != nil {
		return nil, err
	}
	return s.accepted(op), nil
}

func (s *Server) delete(c *gin.Context) (any, error) {
	return nil, s.svc.Delete(c.Request.Context(), c.Param("id"))
}

// accepted answers a task: 202 with the Location of its occurrence.
func (s *Server) accepted(op store.Item[lcm.OpOcc]) *sol013.Reply {
	return sol013.Accepted(s.link("/vnf_lcm_op_occs/%s", op.ID).Href)
}
