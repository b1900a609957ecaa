package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/mergepatch"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// ChangeExtConn starts changing the instance's external connectivity. A
// request whose links cannot be merged into the instance's is refused
// before an operation starts.
func (s *Service) ChangeExtConn(ctx context.Context, id string, req ChangeExtConnRequest, params json.RawMessage) (store.Item[OpOcc], error) {
	held, err := s.instance(ctx, id, Instantiated)
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	inst := &held.Doc
	if inst.Instantiated != nil {
		if _, err := mergeExtLinks(inst.Instantiated.ExtVirtualLinks, req.ExtVirtualLinks); err != nil {
			return store.Item[OpOcc]{}, err
		}
	}
	return s.start(ctx, id, startSpec{held: held, op: OpChangeExtConn, req: Request{ChangeExtConn: &req}, params: params, want: Instantiated})
}

// changeExtConn merges the request's external virtual links into the
// instance's (mergeExtLinks) and its VIM connections into the instance's,
// then converges the VNF to the spec planned on the merged links: on
// OpenStack the external CPs' ports move to their new networks; on
// Kubernetes external links are the cluster network, so only the record
// changes.
func (s *Service) changeExtConn(ctx context.Context, op *OpOcc, inst *VNFInstance) (outcome, error) {
	r := op.Request.ChangeExtConn
	cur := inst.Instantiated
	conns := maps.Clone(inst.VIMConnections)
	if conns == nil {
		conns = map[string]VIMConnectionInfo{}
	}
	maps.Copy(conns, r.VIMConnections)
	links, err := mergeExtLinks(cur.ExtVirtualLinks, r.ExtVirtualLinks)
	if err != nil {
		return outcome{}, err
	}
	work := *inst
	work.VIMConnections = conns
	work.Instantiated = cloneInfo(cur)
	work.Instantiated.ExtVirtualLinks = links
	out, err := s.redeploy(ctx, &work, inst.VNFDID, cur.FlavourID, cur.InstantiationLevelID, cur.ScaleStatus,
		mergepatch.Apply(cloneMap(cur.AdditionalParams), r.AdditionalParams))
	if err != nil {
		return outcome{}, err
	}
	apply := out.apply
	out.apply = func(i *VNFInstance) {
		apply(i)
		i.VIMConnections = conns
		i.Instantiated.ExtVirtualLinks = links
	}
	return out, nil
}

// mergeExtLinks merges the extVirtualLinks of a ChangeExtVnfConnectivityRequest
// into the instance's (both SOL 003 ExtVirtualLinkData lists, as JSON), as
// SOL 003 has it: a requested link replaces the instance's link of the same
// id and is added otherwise. An external CP that a requested link connects
// leaves the extCps of every link the request keeps, so each CP is on one
// link. The links keep their order, added ones last; fields the engine does
// not read are kept as given.
func mergeExtLinks(cur, req json.RawMessage) (json.RawMessage, error) {
	have, err := extLinkList(cur)
	if err != nil {
		return nil, fmt.Errorf("instance extVirtualLinks: %w", err)
	}
	want, err := extLinkList(req)
	if err != nil {
		return nil, fmt.Errorf("extVirtualLinks: %v: %w", err, ErrInvalid)
	}
	if len(want) == 0 {
		return cur, nil
	}
	moved := map[string]bool{}
	byID := map[string]int{}
	for i, l := range want {
		if l.id == "" {
			return nil, fmt.Errorf("extVirtualLinks[%d]: no id: %w", i, ErrInvalid)
		}
		if _, dup := byID[l.id]; dup {
			return nil, fmt.Errorf("extVirtualLinks: id %q twice: %w", l.id, ErrInvalid)
		}
		byID[l.id] = i
		for _, cp := range l.cps {
			moved[cp] = true
		}
	}
	var out []map[string]json.RawMessage
	for _, l := range have {
		if i, ok := byID[l.id]; ok {
			out = append(out, want[i].doc)
			delete(byID, l.id)
			continue
		}
		if err := l.dropCPs(moved); err != nil {
			return nil, fmt.Errorf("instance extVirtualLinks: %w", err)
		}
		out = append(out, l.doc)
	}
	for _, l := range want {
		if _, added := byID[l.id]; added {
			out = append(out, l.doc)
		}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("extVirtualLinks: %w", err)
	}
	return raw, nil
}

// extLink is one ExtVirtualLinkData: its id, the cpdIds of its extCps, and
// the whole object.
type extLink struct {
	id  string
	cps []string
	doc map[string]json.RawMessage
}

func extLinkList(raw json.RawMessage) ([]extLink, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var docs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		return nil, err
	}
	out := make([]extLink, 0, len(docs))
	for _, d := range docs {
		var l struct {
			ID     string `json:"id"`
			ExtCPs []struct {
				CPDID string `json:"cpdId"`
			} `json:"extCps"`
		}
		b, _ := json.Marshal(d)
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, err
		}
		e := extLink{id: l.ID, doc: d}
		for _, cp := range l.ExtCPs {
			e.cps = append(e.cps, cp.CPDID)
		}
		out = append(out, e)
	}
	return out, nil
}

// dropCPs removes the extCps whose cpdId is in cps.
func (l *extLink) dropCPs(cps map[string]bool) error {
	if !slices.ContainsFunc(l.cps, func(c string) bool { return cps[c] }) {
		return nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(l.doc["extCps"], &list); err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(cp map[string]json.RawMessage) bool {
		var id string
		_ = json.Unmarshal(cp["cpdId"], &id)
		return cps[id]
	})
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	doc := maps.Clone(l.doc)
	doc["extCps"] = raw
	l.doc = doc
	return nil
}
