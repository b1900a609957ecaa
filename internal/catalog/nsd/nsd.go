package nsd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// Node, group and policy types the model reads.
const (
	typeNS          = "tosca.nodes.nfv.NS"
	typeVNF         = "tosca.nodes.nfv.VNF"
	typePNF         = "tosca.nodes.nfv.PNF"
	typeVL          = "tosca.nodes.nfv.NsVirtualLink"
	typeSap         = "tosca.nodes.nfv.Sap"
	typeNFP         = "tosca.nodes.nfv.NFP"
	typePosition    = "tosca.nodes.nfv.NfpPosition"
	typeElement     = "tosca.nodes.nfv.NfpPositionElement"
	typeForwarding  = "tosca.nodes.nfv.Forwarding"
	typeVNFFG       = "tosca.groups.nfv.VNFFG"
	polNfpRule      = "tosca.policies.nfv.NfpRule"
	polAspects      = "tosca.policies.nfv.NsScalingAspects"
	polVnfToLevel   = "tosca.policies.nfv.VnfToLevelMapping"
	polNsToLevel    = "tosca.policies.nfv.NsToLevelMapping"
	polVLToLevel    = "tosca.policies.nfv.VirtualLinkToLevelMapping"
	polLevels       = "tosca.policies.nfv.NsInstantiationLevels"
	polVnfToIL      = "tosca.policies.nfv.VnfToInstantiationLevelMapping"
	polNsToIL       = "tosca.policies.nfv.NsToInstantiationLevelMapping"
	polVLToIL       = "tosca.policies.nfv.VirtualLinkToInstantiationLevelMapping"
	polAffinity     = "tosca.policies.nfv.NsAffinityRule"
	polAntiAffinity = "tosca.policies.nfv.NsAntiAffinityRule"
	polSecurity     = "tosca.policies.nfv.NsSecurityGroupRule"
	polNsMonitor    = "tosca.policies.nfv.NsMonitoring"
	polVnfMonitor   = "tosca.policies.nfv.VnfMonitoring"
)

// Load loads the NSD at entry in fsys (a CSAR's contents) and builds its
// model.
func Load(ctx context.Context, fsys fs.FS, entry string) (*NSD, error) {
	st, err := tosca.Load(ctx, fsys, entry, tosca.Options{})
	if err != nil {
		return nil, fmt.Errorf("load nsd %s: %w", entry, err)
	}
	return FromTemplate(st)
}

// FromTemplate builds the NSD model of a loaded service template. The error
// joins every inconsistency found (see tosca.Errors).
func FromTemplate(st *tosca.ServiceTemplate) (*NSD, error) {
	b := &builder{st: st, topo: st.Topology}
	d := b.nsd()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return d, nil
}

type builder struct {
	st   *tosca.ServiceTemplate
	topo *tosca.TopologyTemplate
	errs []error
}

func (b *builder) fail(pos tosca.Pos, path, format string, args ...any) {
	b.errs = append(b.errs, tosca.NewError(tosca.CodeInconsistent, pos, path, format, args...))
}

func (b *builder) prop(n *tosca.NodeTemplate, name string) *tosca.Value {
	if n == nil {
		return nil
	}
	return b.resolve(n, n.Properties[name])
}

func (b *builder) resolve(n *tosca.NodeTemplate, v *tosca.Value) *tosca.Value {
	if v == nil {
		return nil
	}
	out, err := b.topo.Resolve(v, n)
	if err != nil {
		return nil
	}
	return out
}

// nsNode is the node substituted by the topology, or else the only node of
// an NS type.
func (b *builder) nsNode() *tosca.NodeTemplate {
	nodes := b.topo.NodesOfType(typeNS)
	if sm := b.topo.SubstitutionMappings; sm != nil && sm.Type != nil {
		for _, n := range nodes {
			if n.Type == sm.Type {
				return n
			}
		}
	}
	if len(nodes) == 1 {
		return nodes[0]
	}
	return nil
}

func (b *builder) nsd() *NSD {
	if b.topo == nil {
		b.fail(tosca.Pos{File: b.st.Entry}, "topology_template", "the NSD has no topology template")
		return nil
	}
	ns := b.nsNode()
	if ns == nil {
		b.fail(b.topo.Pos, "topology_template.node_templates", "no node of type %s is the NS (substitute it in substitution_mappings)", typeNS)
		return nil
	}
	d := &NSD{
		ID:                       str(b.prop(ns, "descriptor_id")),
		Designer:                 str(b.prop(ns, "designer")),
		Version:                  str(b.prop(ns, "version")),
		Name:                     str(b.prop(ns, "name")),
		InvariantID:              str(b.prop(ns, "invariant_id")),
		ExtInvariantID:           str(b.prop(ns, "ext_invariant_id")),
		FlavourID:                str(b.prop(ns, "flavour_id")),
		Priority:                 integer(b.prop(ns, "priority")),
		ServiceAvailabilityLevel: integer(b.prop(ns, "service_availability_level")),
		NodeType:                 ns.Type.Name,
		Profile:                  nsProfile(b.prop(ns, "ns_profile")),
		Template:                 b.st,
	}
	if sm := b.topo.SubstitutionMappings; sm != nil {
		d.ExtVirtualLinks = sm.Requirements
	}
	b.nodes(d, ns)
	d.index()
	b.forwardingGraphs(d)
	b.policies(d)
	return d
}

func (b *builder) nodes(d *NSD, ns *tosca.NodeTemplate) {
	for _, n := range b.topo.NodeTemplates {
		if n.Type == nil || n == ns {
			continue
		}
		switch t := n.Type; {
		case t.DerivesFrom(typeVNF):
			d.VNFs = append(d.VNFs, b.vnf(n))
		case t.DerivesFrom(typePNF):
			d.PNFs = append(d.PNFs, b.pnf(n))
		case t.DerivesFrom(typeNS):
			d.NestedNSs = append(d.NestedNSs, &NestedNS{
				ID: n.Name, NSDID: str(b.prop(n, "descriptor_id")), FlavourID: str(b.prop(n, "flavour_id")),
				Profile: nsProfile(b.prop(n, "ns_profile")), VirtualLinks: links(n),
				ScaleLevels: map[string]map[int]int{}, InstantiationLevels: map[string]int{},
			})
		case t.DerivesFrom(typeVL):
			d.VirtualLinks = append(d.VirtualLinks, b.virtualLink(n))
		case t.DerivesFrom(typeSap):
			d.SAPs = append(d.SAPs, &SAP{
				ID: n.Name, LayerProtocols: stringList(b.prop(n, "layer_protocols")), Description: str(b.prop(n, "description")),
				InternalVirtualLink: target(n, "internal_virtual_link"), ExternalVirtualLink: target(n, "external_virtual_link"),
			})
		case t.DerivesFrom(typeNFP):
			d.NFPs = append(d.NFPs, &NFP{ID: n.Name, Positions: targets(n, "nfp_position")})
		case t.DerivesFrom(typePosition):
			d.Positions = append(d.Positions, &NfpPosition{
				ID: n.Name, ForwardingBehaviour: str(b.prop(n, "forwarding_behaviour")),
				BehaviourInputs: stringMap(b.prop(n, "forwarding_behaviour_input_parameters")), Elements: targets(n, "element"),
			})
		case t.DerivesFrom(typeElement):
			e := &NfpPositionElement{ID: n.Name}
			for _, r := range n.Requirement("profile_element") {
				e.ProfileElements = append(e.ProfileElements, [2]string{r.Node, r.Capability})
			}
			d.Elements = append(d.Elements, e)
		case t.DerivesFrom(typeForwarding):
			d.Forwardings = append(d.Forwardings, &Forwarding{ID: n.Name, VirtualLink: target(n, "virtual_link")})
		}
	}
}

func (b *builder) vnf(n *tosca.NodeTemplate) *VNF {
	p := b.prop(n, "vnf_profile")
	return &VNF{
		ID:                n.Name,
		VNFDID:            str(b.prop(n, "descriptor_id")),
		FlavourID:         str(b.prop(n, "flavour_id")),
		Provider:          str(b.prop(n, "provider")),
		ProductName:       str(b.prop(n, "product_name")),
		SoftwareVersion:   str(b.prop(n, "software_version")),
		DescriptorVersion: str(b.prop(n, "descriptor_version")),
		VNFMInfo:          stringList(b.prop(n, "vnfm_info")),
		Profile: VnfProfile{
			InstantiationLevel:       str(p.Get("instantiation_level")),
			MinInstances:             integer(p.Get("min_number_of_instances")),
			MaxInstances:             integer(p.Get("max_number_of_instances")),
			ServiceAvailabilityLevel: integer(p.Get("service_availability_level")),
			TargetScaleLevels:        scaleLevels(p.Get("target_vnf_scale_level_info")),
		},
		VirtualLinks:        links(n),
		ScaleLevels:         map[string]map[int]int{},
		InstantiationLevels: map[string]int{},
	}
}

func (b *builder) pnf(n *tosca.NodeTemplate) *PNF {
	return &PNF{
		ID:                  n.Name,
		PNFDID:              str(b.prop(n, "descriptor_id")),
		Name:                str(b.prop(n, "name")),
		Provider:            str(b.prop(n, "provider")),
		Version:             str(b.prop(n, "version")),
		FunctionDescription: str(b.prop(n, "function_description")),
		InvariantID:         str(b.prop(n, "descriptor_invariant_id")),
		CountryCode:         str(b.prop(n, "geographical_location_info").Get("country_code")),
		VirtualLinks:        links(n),
	}
}

func (b *builder) virtualLink(n *tosca.NodeTemplate) *VirtualLink {
	ct, prof := b.prop(n, "connectivity_type"), b.prop(n, "vl_profile")
	qos := prof.Get("qos")
	vl := &VirtualLink{
		ID:                       n.Name,
		Description:              str(b.prop(n, "description")),
		LayerProtocols:           stringList(ct.Get("layer_protocols")),
		FlowPattern:              str(ct.Get("flow_pattern")),
		MaxBitrate:               bitrate(prof.Get("max_bitrate_requirements")),
		MinBitrate:               bitrate(prof.Get("min_bitrate_requirements")),
		Latency:                  duration(qos.Get("latency")),
		PacketDelayVariation:     duration(qos.Get("packet_delay_variation")),
		QoSPriority:              integer(qos.Get("priority")),
		ServiceAvailabilityLevel: integer(prof.Get("service_availability_level")),
		TestAccess:               stringList(b.prop(n, "test_access")),
		ScaleLevels:              map[string]map[int]Bitrate{},
		InstantiationLevels:      map[string]Bitrate{},
	}
	vl.PacketLossRatio, _ = qos.Get("packet_loss_ratio").Float()
	if pd, ok := prof.Get("virtual_link_protocol_data").Interface().([]any); ok {
		vl.Protocols = pd
	}
	return vl
}

// forwardingGraphs reads the VNFFG groups and checks each member NFP's
// positions and elements exist.
func (b *builder) forwardingGraphs(d *NSD) {
	for _, g := range b.topo.GroupsOfType(typeVNFFG) {
		fg := &VNFFG{ID: g.Name, Description: str(b.resolve(nil, g.Properties["description"])), Members: g.Members}
		for _, m := range g.Members {
			if d.nfps[m] != nil {
				fg.NFPs = append(fg.NFPs, m)
			}
		}
		if len(fg.NFPs) == 0 {
			b.fail(g.Pos, "topology_template.groups."+g.Name+".members", "VNFFG %q has no NFP member", g.Name)
		}
		d.VNFFGs = append(d.VNFFGs, fg)
	}
}

func nsProfile(v *tosca.Value) *NsProfile {
	if v == nil {
		return nil
	}
	return &NsProfile{
		InstantiationLevel: str(v.Get("ns_instantiation_level")),
		MinInstances:       integer(v.Get("min_number_of_instances")),
		MaxInstances:       integer(v.Get("max_number_of_instances")),
		TargetScaleLevels:  scaleLevels(v.Get("target_ns_scale_level")),
	}
}

func scaleLevels(v *tosca.Value) map[string]int {
	if v == nil || v.Kind != tosca.KindMap {
		return nil
	}
	out := make(map[string]int, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = integer(e.Value.Get("scale_level"))
	}
	return out
}

// links maps each requirement of a node to the node it targets.
func links(n *tosca.NodeTemplate) map[string]string {
	out := map[string]string{}
	for _, r := range n.Requirements {
		out[r.Name] = r.Node
	}
	return out
}

func targets(n *tosca.NodeTemplate, req string) []string {
	var out []string
	for _, r := range n.Requirement(req) {
		out = append(out, r.Node)
	}
	return out
}

func target(n *tosca.NodeTemplate, req string) string {
	if t := targets(n, req); len(t) > 0 {
		return t[0]
	}
	return ""
}

func str(v *tosca.Value) string { return v.String() }

func integer(v *tosca.Value) int {
	n, ok := v.Int()
	if !ok || n > math.MaxInt32 || n < math.MinInt32 {
		return 0
	}
	return int(n)
}

func stringList(v *tosca.Value) []string {
	if v == nil || v.Kind != tosca.KindList {
		return nil
	}
	out := make([]string, 0, len(v.List))
	for _, x := range v.List {
		out = append(out, x.String())
	}
	return out
}

func stringMap(v *tosca.Value) map[string]string {
	if v == nil || v.Kind != tosca.KindMap {
		return nil
	}
	out := make(map[string]string, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = e.Value.String()
	}
	return out
}

func bitrate(v *tosca.Value) Bitrate {
	root, _ := v.Get("root").Int()
	leaf, _ := v.Get("leaf").Int()
	return Bitrate{Root: root, Leaf: leaf}
}

func duration(v *tosca.Value) time.Duration {
	f, err := tosca.ParseScalarUnit(v, "scalar-unit.time")
	if err != nil || f*float64(time.Second) > math.MaxInt64 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// levelKey reads an integer scale level used as a map key.
func levelKey(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// index builds the lookups the policies use, so policies with many
// targets cost linear time.
func (d *NSD) index() {
	d.vnfs, d.nested = map[string]*VNF{}, map[string]*NestedNS{}
	d.links, d.nfps, d.levels = map[string]*VirtualLink{}, map[string]*NFP{}, map[string]bool{}
	for _, v := range d.VNFs {
		d.vnfs[v.ID] = v
	}
	for _, n := range d.NestedNSs {
		d.nested[n.ID] = n
	}
	for _, vl := range d.VirtualLinks {
		d.links[vl.ID] = vl
	}
	for _, p := range d.NFPs {
		d.nfps[p.ID] = p
	}
}
