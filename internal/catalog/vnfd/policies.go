package vnfd

import (
	"slices"
	"sort"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// Policy types the model reads.
const (
	polScalingAspects    = "tosca.policies.nfv.ScalingAspects"
	polInstLevels        = "tosca.policies.nfv.InstantiationLevels"
	polVduInitialDelta   = "tosca.policies.nfv.VduInitialDelta"
	polVduDeltas         = "tosca.policies.nfv.VduScalingAspectDeltas"
	polVduLevels         = "tosca.policies.nfv.VduInstantiationLevels"
	polVLInitialDelta    = "tosca.policies.nfv.VirtualLinkBitrateInitialDelta"
	polVLDeltas          = "tosca.policies.nfv.VirtualLinkBitrateScalingAspectDeltas"
	polVLLevels          = "tosca.policies.nfv.VirtualLinkInstantiationLevels"
	polAffinity          = "tosca.policies.nfv.AffinityRule"
	polAntiAffinity      = "tosca.policies.nfv.AntiAffinityRule"
	polSecurityGroupRule = "tosca.policies.nfv.SecurityGroupRule"
)

func policyPath(p *tosca.Policy, elems ...string) string {
	out := "topology_template.policies." + p.Name
	for _, e := range elems {
		out += "." + e
	}
	return out
}

// policies reads the flavour's scaling, instantiation level, placement and
// security policies and checks they agree with each other.
func (b *builder) policies(r reader, f *Flavour) {
	t := f.Topology
	b.scalingAspects(r, f, t.PoliciesOfType(polScalingAspects))
	b.instantiationLevels(r, f, t.PoliciesOfType(polInstLevels))
	for _, p := range t.PoliciesOfType(polVduInitialDelta) {
		n := integer(r.resolve(nil, p.Properties["initial_delta"]).Get("number_of_instances"))
		for _, v := range b.vduTargets(f, p) {
			v.InitialInstances = n
		}
	}
	for _, p := range t.PoliciesOfType(polVduDeltas) {
		aspect, deltas := b.aspectDeltas(r, f, p)
		for _, v := range b.vduTargets(f, p) {
			v.ScalingDeltas[aspect] = map[string]int{}
			for _, e := range deltas.Map {
				v.ScalingDeltas[aspect][e.Key] = integer(e.Value.Get("number_of_instances"))
			}
		}
	}
	for _, p := range t.PoliciesOfType(polVduLevels) {
		levels := b.levelRefs(r, f, p)
		for _, v := range b.vduTargets(f, p) {
			for _, e := range levels.Map {
				v.InstantiationLevels[e.Key] = integer(e.Value.Get("number_of_instances"))
			}
		}
	}
	b.linkPolicies(r, f)
	b.placement(r, f)
	for _, p := range t.PoliciesOfType(polSecurityGroupRule) {
		get := func(k string) *tosca.Value { return r.resolve(nil, p.Properties[k]) }
		f.SecurityGroupRules = append(f.SecurityGroupRules, &SecurityGroupRule{
			ID: p.Name, Description: str(get("description")), Direction: str(get("direction")),
			EtherType: str(get("ether_type")), Protocol: str(get("protocol")),
			PortRangeMin: integer(get("port_range_min")), PortRangeMax: integer(get("port_range_max")),
			Targets: p.Targets,
		})
	}
}

func (b *builder) scalingAspects(r reader, f *Flavour, ps []*tosca.Policy) {
	f.aspects = map[string]*ScalingAspect{}
	for _, p := range ps {
		aspects := r.resolve(nil, p.Properties["aspects"])
		if aspects == nil {
			continue
		}
		for _, e := range aspects.Map {
			if f.ScalingAspect(e.Key) != nil {
				b.fail(e.KeyPos, policyPath(p, "properties.aspects", e.Key), "scaling aspect %q defined twice", e.Key)
				continue
			}
			a := &ScalingAspect{
				ID: e.Key, Name: str(e.Value.Get("name")), Description: str(e.Value.Get("description")),
				MaxScaleLevel: integer(e.Value.Get("max_scale_level")), StepDeltas: stringList(e.Value.Get("step_deltas")),
			}
			f.ScalingAspects = append(f.ScalingAspects, a)
			f.aspects[a.ID] = a
		}
	}
}

func (b *builder) instantiationLevels(r reader, f *Flavour, ps []*tosca.Policy) {
	f.levels = map[string]*InstantiationLevel{}
	for _, p := range ps {
		levels := r.resolve(nil, p.Properties["levels"])
		if levels == nil {
			continue
		}
		for _, e := range levels.Map {
			l := &InstantiationLevel{ID: e.Key, Description: str(e.Value.Get("description")), ScaleLevels: map[string]int{}}
			if si := e.Value.Get("scale_info"); si != nil {
				for _, s := range si.Map {
					l.ScaleLevels[s.Key] = integer(s.Value.Get("scale_level"))
					b.checkScaleLevel(f, p, e.Key, s)
				}
			}
			f.InstantiationLevels = append(f.InstantiationLevels, l)
			f.levels[l.ID] = l
		}
		f.DefaultInstantiationLevel = str(r.resolve(nil, p.Properties["default_level"]))
		if d := f.DefaultInstantiationLevel; d != "" && f.InstantiationLevel(d) == nil {
			b.fail(p.Pos, policyPath(p, "properties.default_level"), "default level %q is not an instantiation level", d)
		}
	}
	sort.Slice(f.InstantiationLevels, func(i, j int) bool { return f.InstantiationLevels[i].ID < f.InstantiationLevels[j].ID })
}

func (b *builder) checkScaleLevel(f *Flavour, p *tosca.Policy, level string, s tosca.Entry) {
	a := f.ScalingAspect(s.Key)
	switch {
	case a == nil:
		b.fail(s.KeyPos, policyPath(p, "properties.levels", level, "scale_info", s.Key), "no scaling aspect %q", s.Key)
	case integer(s.Value.Get("scale_level")) > a.MaxScaleLevel:
		b.fail(s.KeyPos, policyPath(p, "properties.levels", level, "scale_info", s.Key),
			"scale level %d exceeds max_scale_level %d of aspect %q", integer(s.Value.Get("scale_level")), a.MaxScaleLevel, s.Key)
	}
}

// aspectDeltas reads the aspect and deltas of a scaling-delta policy,
// checking the aspect exists and lists the deltas among its step_deltas.
func (b *builder) aspectDeltas(r reader, f *Flavour, p *tosca.Policy) (string, *tosca.Value) {
	aspect := str(r.resolve(nil, p.Properties["aspect"]))
	deltas := r.resolve(nil, p.Properties["deltas"])
	if deltas == nil {
		deltas = &tosca.Value{Kind: tosca.KindMap}
	}
	a := f.ScalingAspect(aspect)
	if a == nil {
		b.fail(p.Pos, policyPath(p, "properties.aspect"), "no scaling aspect %q", aspect)
		return aspect, deltas
	}
	for _, e := range deltas.Map {
		if len(a.StepDeltas) > 0 && !slices.Contains(a.StepDeltas, e.Key) {
			b.fail(e.KeyPos, policyPath(p, "properties.deltas", e.Key), "delta %q is not a step delta of aspect %q", e.Key, aspect)
		}
	}
	return aspect, deltas
}

// levelRefs reads the levels of a per-VDU or per-link level policy,
// checking each is an instantiation level of the flavour.
func (b *builder) levelRefs(r reader, f *Flavour, p *tosca.Policy) *tosca.Value {
	levels := r.resolve(nil, p.Properties["levels"])
	if levels == nil {
		return &tosca.Value{Kind: tosca.KindMap}
	}
	for _, e := range levels.Map {
		if f.InstantiationLevel(e.Key) == nil {
			b.fail(e.KeyPos, policyPath(p, "properties.levels", e.Key), "%q is not an instantiation level", e.Key)
		}
	}
	return levels
}

func (b *builder) vduTargets(f *Flavour, p *tosca.Policy) []*VDU {
	var out []*VDU
	for _, name := range p.Targets {
		if v := f.VDU(name); v != nil {
			out = append(out, v)
		}
	}
	return out
}

func (b *builder) linkTargets(f *Flavour, p *tosca.Policy) []*VirtualLink {
	var out []*VirtualLink
	for _, name := range p.Targets {
		if v := f.VirtualLink(name); v != nil {
			out = append(out, v)
		}
	}
	return out
}

func (b *builder) linkPolicies(r reader, f *Flavour) {
	t := f.Topology
	for _, p := range t.PoliciesOfType(polVLInitialDelta) {
		br := bitrateOf(r.resolve(nil, p.Properties["initial_delta"]).Get("bitrate_requirements"))
		for _, vl := range b.linkTargets(f, p) {
			vl.InitialBitrate = &br
		}
	}
	for _, p := range t.PoliciesOfType(polVLDeltas) {
		aspect, deltas := b.aspectDeltas(r, f, p)
		for _, vl := range b.linkTargets(f, p) {
			vl.ScalingDeltas[aspect] = map[string]Bitrate{}
			for _, e := range deltas.Map {
				vl.ScalingDeltas[aspect][e.Key] = bitrateOf(e.Value.Get("bitrate_requirements"))
			}
		}
	}
	for _, p := range t.PoliciesOfType(polVLLevels) {
		levels := b.levelRefs(r, f, p)
		for _, vl := range b.linkTargets(f, p) {
			for _, e := range levels.Map {
				vl.InstantiationLevels[e.Key] = bitrateOf(e.Value.Get("bitrate_requirements"))
			}
		}
	}
}

func (b *builder) placement(r reader, f *Flavour) {
	for _, p := range f.Topology.Policies {
		if p.Type == nil {
			continue
		}
		affinity := p.Type.DerivesFrom(polAffinity)
		if !affinity && !p.Type.DerivesFrom(polAntiAffinity) {
			continue
		}
		f.PlacementRules = append(f.PlacementRules, &PlacementRule{
			ID: p.Name, Affinity: affinity, Scope: str(r.resolve(nil, p.Properties["scope"])), Targets: p.Targets,
		})
	}
}
