package vnflcm

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// defaultVIM names the VIM connection of resources on the VNFM's default
// VIM, for which no vimConnectionInfo was given.
const defaultVIM = "default"

func (s *Server) link(format string, args ...any) Link {
	return Link{Href: s.prefix + fmt.Sprintf(format, args...)}
}

func (s *Server) linkp(format string, args ...any) *Link {
	l := s.link(format, args...)
	return &l
}

// instanceToWire converts an instance; accessInfo never leaves.
func (s *Server) instanceToWire(it store.Item[lcm.VNFInstance]) VnfInstance {
	in := it.Doc
	w := VnfInstance{ID: in.ID, VnfInstanceName: in.Name, VnfInstanceDescription: in.Description,
		VnfdID: in.VNFDID, VnfProvider: in.Provider, VnfProductName: in.ProductName,
		VnfSoftwareVersion: in.SoftwareVersion, VnfdVersion: in.VNFDVersion,
		VnfConfigurableProperties: in.ConfigurableProperties, InstantiationState: string(in.InstantiationState),
		Metadata: in.Metadata, Extensions: in.Extensions, VimConnectionInfo: s.vimsToWire(in.VIMConnections)}
	w.Links = s.instanceLinks(in)
	if in.Instantiated != nil {
		w.InstantiatedVnfInfo = infoToWire(in.Instantiated)
	}
	return w
}

func (s *Server) instanceLinks(in lcm.VNFInstance) VnfInstanceLinks {
	base := "/vnf_instances/" + in.ID
	l := VnfInstanceLinks{Self: s.link("%s", base)}
	if in.InstantiationState == lcm.NotInstantiated {
		l.Instantiate = s.linkp("%s/instantiate", base)
		return l
	}
	l.Terminate, l.Scale = s.linkp("%s/terminate", base), s.linkp("%s/scale", base)
	l.ScaleToLevel, l.ChangeFlavour = s.linkp("%s/scale_to_level", base), s.linkp("%s/change_flavour", base)
	l.Heal, l.Operate = s.linkp("%s/heal", base), s.linkp("%s/operate", base)
	l.ChangeExtConn = s.linkp("%s/change_ext_conn", base)
	return l
}

// vimsToWire lists the VIM connections without their accessInfo: an array
// in v1, a map in v2.
func (s *Server) vimsToWire(conns map[string]lcm.VIMConnectionInfo) any {
	if len(conns) == 0 {
		return nil
	}
	m := make(map[string]VimConnectionInfo, len(conns))
	list := make([]VimConnectionInfo, 0, len(conns))
	for _, id := range slices.Sorted(maps.Keys(conns)) {
		c := conns[id]
		w := VimConnectionInfo{VimID: c.VIMID, VimType: c.VIMType, InterfaceInfo: c.InterfaceInfo, Extra: c.Extra}
		m[id] = w
		w.ID = id
		list = append(list, w)
	}
	if s.major == 1 {
		return list
	}
	return m
}

func infoToWire(i *lcm.InstantiatedInfo) *InstantiatedVnfInfo {
	w := &InstantiatedVnfInfo{FlavourID: i.FlavourID, VnfState: string(i.OperationalState)}
	for _, a := range slices.Sorted(maps.Keys(i.ScaleStatus)) {
		w.ScaleStatus = append(w.ScaleStatus, ScaleInfo{AspectID: a, ScaleLevel: i.ScaleStatus[a]})
	}
	vimID := cmpOr(i.VIMConnectionID, defaultVIM)
	for _, c := range i.VNFCs {
		w.VnfcResourceInfo = append(w.VnfcResourceInfo, VnfcResourceInfo{ID: c.ID, VduID: c.VDUID,
			ComputeResource: ResourceHandle{VimConnectionID: vimID, ResourceID: c.ResourceID, VimLevelResourceType: c.ResourceType}})
		// a VNFC of a stopped VNF still listed is kept by the VIM, powered off
		w.VnfcInfo = append(w.VnfcInfo, VnfcInfo{ID: c.ID, VduID: c.VDUID, VnfcResourceInfoID: c.ID,
			VnfcState: string(i.OperationalState), VnfcConfigurableProperties: i.VNFCProperties[c.ID]})
	}
	for _, l := range i.VirtualLinks {
		w.VirtualLinkResourceInfo = append(w.VirtualLinkResourceInfo, VnfVirtualLinkResourceInfo{ID: l.ID,
			VnfVirtualLinkDescID: l.VLDID, NetworkResource: ResourceHandle{VimConnectionID: vimID, ResourceID: l.ResourceID}})
	}
	for _, st := range i.VirtualStorages {
		w.VirtualStorageResourceInfo = append(w.VirtualStorageResourceInfo, VirtualStorageResourceInfo{ID: st.ID,
			VirtualStorageDescID: st.DescID, StorageResource: ResourceHandle{VimConnectionID: vimID, ResourceID: st.ResourceID}})
	}
	for _, cp := range i.ExtCPs {
		p := CpProtocolInfo{LayerProtocol: "IP_OVER_ETHERNET"}
		if len(cp.Addresses) > 0 {
			p.IPOverEthernet = &IPOverEthernetAddress{IPAddresses: []IPAddress{{Type: "IPV4", Addresses: cp.Addresses}}}
		}
		w.ExtCpInfo = append(w.ExtCpInfo, VnfExtCpInfo{ID: cp.ID, CpdID: cp.CPDID, CpProtocolInfo: []CpProtocolInfo{p}})
	}
	return w
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// opToWire converts an operation occurrence.
func (s *Server) opToWire(it store.Item[lcm.OpOcc]) VnfLcmOpOcc {
	o := it.Doc
	w := VnfLcmOpOcc{ID: o.ID, OperationState: string(o.State), StateEnteredTime: o.StateEnteredTime,
		StartTime: o.StartTime, VnfInstanceID: o.VNFInstanceID, GrantID: o.GrantID, Operation: string(o.Operation),
		IsAutomaticInvocation: o.IsAutomaticInvocation, OperationParams: o.Params,
		IsCancelPending: o.IsCancelPending, CancelMode: o.CancelMode}
	if len(w.OperationParams) == 0 {
		w.OperationParams = json.RawMessage(`{}`)
	}
	if o.Error != nil {
		w.Error = &ProblemDetails{Title: o.Error.Title, Status: o.Error.Status, Detail: o.Error.Detail}
	}
	if rc := o.ResourceChanges; rc != nil {
		w.ResourceChanges = changesToWire(rc)
	}
	w.ChangedInfo = s.changedToWire(o.ChangedInfo)
	w.Links = s.opLinks(o)
	return w
}

// changedToWire converts what a MODIFY_INFO changed, nil for none. VIM
// connections it removed are not listed.
func (s *Server) changedToWire(c *lcm.ChangedInfo) *VnfInfoModifications {
	if c == nil {
		return nil
	}
	w := &VnfInfoModifications{VnfInstanceName: c.Name, VnfInstanceDescription: c.Description,
		VnfConfigurableProperties: c.ConfigurableProperties, Metadata: c.Metadata, Extensions: c.Extensions,
		VnfdID: c.VNFDID, VnfProvider: c.Provider, VnfProductName: c.ProductName,
		VnfSoftwareVersion: c.SoftwareVersion, VnfdVersion: c.VNFDVersion,
		VnfcInfoModificationsDeleteIds: c.VNFCDeleteIDs}
	conns := map[string]lcm.VIMConnectionInfo{}
	for id, v := range c.VIMConnections {
		if v != nil {
			conns[id] = *v
		}
	}
	w.VimConnectionInfo = s.vimsToWire(conns)
	for _, m := range c.VNFCs {
		w.VnfcInfoModifications = append(w.VnfcInfoModifications,
			VnfcInfoModifications{ID: m.ID, VnfcConfigurableProperties: m.ConfigurableProperties})
	}
	return w
}

func changesToWire(rc *lcm.ResourceChanges) *ResourceChanges {
	out := &ResourceChanges{}
	add := func(list []lcm.VNFCResource, kind string) {
		for _, c := range list {
			out.AffectedVnfcs = append(out.AffectedVnfcs, AffectedVnfc{ID: c.ID, VduID: c.VDUID, ChangeType: kind,
				ComputeResource: ResourceHandle{VimConnectionID: cmpOr(c.VIMName, defaultVIM), ResourceID: c.ResourceID,
					VimLevelResourceType: c.ResourceType}})
		}
	}
	add(rc.Added, "ADDED")
	add(rc.Removed, "REMOVED")
	add(rc.Modified, "MODIFIED")
	return out
}

func (s *Server) opLinks(o lcm.OpOcc) VnfLcmOpOccLinks {
	base := "/vnf_lcm_op_occs/" + o.ID
	l := VnfLcmOpOccLinks{Self: s.link("%s", base), VnfInstance: s.link("/vnf_instances/%s", o.VNFInstanceID)}
	switch o.State {
	case lcm.Starting, lcm.Processing, lcm.RollingBack:
		l.Cancel = s.linkp("%s/cancel", base)
	case lcm.FailedTemp:
		l.Retry, l.Rollback, l.Fail = s.linkp("%s/retry", base), s.linkp("%s/rollback", base), s.linkp("%s/fail", base)
	}
	return l
}

// vimsFromWire reads vimConnectionInfo: an array in v1 (keyed by id), a
// map in v2.
func (s *Server) vimsFromWire(raw json.RawMessage) (map[string]lcm.VIMConnectionInfo, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	m := map[string]VimConnectionInfo{}
	if s.major == 1 {
		var list []VimConnectionInfo
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, sol013.Errorf(http.StatusBadRequest, "vimConnectionInfo: %v", err)
		}
		for i, c := range list {
			if c.ID == "" {
				return nil, sol013.Errorf(http.StatusBadRequest, "vimConnectionInfo[%d].id: required", i)
			}
			m[c.ID] = c
		}
	} else if err := json.Unmarshal(raw, &m); err != nil {
		return nil, sol013.Errorf(http.StatusBadRequest, "vimConnectionInfo: %v", err)
	}
	out := make(map[string]lcm.VIMConnectionInfo, len(m))
	for id, c := range m {
		if c.VimType == "" {
			return nil, sol013.Errorf(http.StatusBadRequest, "vimConnectionInfo %s: vimType: required", id)
		}
		out[id] = lcm.VIMConnectionInfo{ID: id, VIMID: c.VimID, VIMType: c.VimType,
			InterfaceInfo: c.InterfaceInfo, AccessInfo: c.AccessInfo, Extra: c.Extra}
	}
	return out, nil
}

// redactParams returns the request body as operationParams: the same JSON
// without any vimConnectionInfo's accessInfo.
func redactParams(body []byte) json.RawMessage {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	switch v := doc["vimConnectionInfo"].(type) {
	case []any:
		for _, c := range v {
			if m, ok := c.(map[string]any); ok {
				delete(m, "accessInfo")
			}
		}
	case map[string]any:
		for _, c := range v {
			if m, ok := c.(map[string]any); ok {
				delete(m, "accessInfo")
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil
	}
	return out
}
