package vnflcm

import (
	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// startFunc starts an operation on the instance the request names.
type startFunc func(c *gin.Context) (store.Item[lcm.OpOcc], error)

// task answers a task request with 202 and the Location of its occurrence.
func (s *Server) task(c *gin.Context, start startFunc) (any, error) {
	op, err := start(c)
	if err != nil {
		return nil, err
	}
	return s.accepted(op), nil
}

func (s *Server) instantiate(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req InstantiateVnfRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		vims, err := s.vimsFromWire(req.VimConnectionInfo)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.Instantiate(c.Request.Context(), c.Param("id"), lcm.InstantiateRequest{
			FlavourID: req.FlavourID, InstantiationLevelID: req.InstantiationLevelID,
			ExtVirtualLinks: req.ExtVirtualLinks, VIMConnections: vims, AdditionalParams: req.AdditionalParams,
			Extensions: req.Extensions, ConfigurableProps: req.VnfConfigurableProperties}, params)
	})
}

func (s *Server) scale(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req ScaleVnfRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		steps := 1
		if req.NumberOfSteps != nil {
			steps = *req.NumberOfSteps
		}
		return s.svc.Scale(c.Request.Context(), c.Param("id"), lcm.ScaleRequest{Type: lcm.ScaleType(req.Type),
			AspectID: req.AspectID, NumberOfSteps: steps, AdditionalParams: req.AdditionalParams}, params)
	})
}

func (s *Server) scaleToLevel(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req ScaleVnfToLevelRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		r := lcm.ScaleToLevelRequest{InstantiationLevelID: req.InstantiationLevelID, AdditionalParams: req.AdditionalParams}
		for _, si := range req.ScaleInfo {
			if r.ScaleLevels == nil {
				r.ScaleLevels = map[string]int{}
			}
			r.ScaleLevels[si.AspectID] = si.ScaleLevel
		}
		return s.svc.ScaleToLevel(c.Request.Context(), c.Param("id"), r, params)
	})
}

func (s *Server) changeFlavour(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req ChangeVnfFlavourRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.ChangeFlavour(c.Request.Context(), c.Param("id"), lcm.ChangeFlavourRequest{
			FlavourID: req.NewFlavourID, InstantiationLevelID: req.InstantiationLevelID,
			AdditionalParams: req.AdditionalParams}, params)
	})
}

func (s *Server) terminate(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req TerminateVnfRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.Terminate(c.Request.Context(), c.Param("id"), lcm.TerminateRequest{
			Type: lcm.TerminationType(req.TerminationType), GracefulTimeout: req.GracefulTerminationTimeout,
			AdditionalParams: req.AdditionalParams}, params)
	})
}

func (s *Server) heal(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req HealVnfRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.Heal(c.Request.Context(), c.Param("id"), lcm.HealRequest{Cause: req.Cause,
			VNFCIDs: req.VnfcInstanceID, AdditionalParams: req.AdditionalParams}, params)
	})
}

func (s *Server) operate(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req OperateVnfRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.Operate(c.Request.Context(), c.Param("id"), lcm.OperateRequest{
			ChangeStateTo: lcm.OperationalState(req.ChangeStateTo), StopType: lcm.TerminationType(req.StopType),
			GracefulTimeout: req.GracefulStopTimeout}, params)
	})
}

func (s *Server) changeExtConn(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req ChangeExtVnfConnectivityRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		vims, err := s.vimsFromWire(req.VimConnectionInfo)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.ChangeExtConn(c.Request.Context(), c.Param("id"), lcm.ChangeExtConnRequest{
			ExtVirtualLinks: req.ExtVirtualLinks, VIMConnections: vims, AdditionalParams: req.AdditionalParams}, params)
	})
}

func (s *Server) changeVNFPkg(c *gin.Context) (any, error) {
	return s.task(c, func(c *gin.Context) (store.Item[lcm.OpOcc], error) {
		var req ChangeCurrentVnfPkgRequest
		params, err := bindTask(c, &req)
		if err != nil {
			return store.Item[lcm.OpOcc]{}, err
		}
		return s.svc.ChangeVNFPkg(c.Request.Context(), c.Param("id"), lcm.ChangeVNFPkgRequest{
			VNFDID: req.VnfdID, AdditionalParams: req.AdditionalParams}, params)
	})
}
