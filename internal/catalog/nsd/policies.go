package nsd

import (
	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

func policyPath(p *tosca.Policy, elems ...string) string {
	out := "topology_template.policies." + p.Name
	for _, e := range elems {
		out += "." + e
	}
	return out
}

// policies reads the NS scaling, level, placement, security and monitoring
// policies and checks the mappings refer to defined aspects and levels.
func (b *builder) policies(d *NSD) {
	b.aspects(d)
	b.levels(d)
	for _, p := range b.topo.Policies {
		if p.Type == nil {
			continue
		}
		switch t := p.Type; {
		case t.DerivesFrom(polVnfToLevel), t.DerivesFrom(polNsToLevel):
			b.toLevel(d, p)
		case t.DerivesFrom(polVLToLevel):
			b.linkToLevel(d, p)
		case t.DerivesFrom(polVnfToIL), t.DerivesFrom(polNsToIL):
			b.toInstantiationLevel(d, p)
		case t.DerivesFrom(polVLToIL):
			b.linkToInstantiationLevel(d, p)
		case t.DerivesFrom(polNfpRule):
			b.nfpRule(d, p)
		case t.DerivesFrom(polAffinity), t.DerivesFrom(polAntiAffinity):
			d.PlacementRules = append(d.PlacementRules, &PlacementRule{
				ID: p.Name, Affinity: t.DerivesFrom(polAffinity), Scope: str(b.resolve(nil, p.Properties["scope"])), Targets: p.Targets,
			})
		case t.DerivesFrom(polSecurity):
			d.SecurityGroupRules = append(d.SecurityGroupRules, b.securityRule(p))
		case t.DerivesFrom(polNsMonitor), t.DerivesFrom(polVnfMonitor):
			b.monitoring(d, p)
		}
	}
}

func (b *builder) aspects(d *NSD) {
	d.aspects = map[string]*ScalingAspect{}
	for _, p := range b.topo.PoliciesOfType(polAspects) {
		v := b.resolve(nil, p.Properties["aspects"])
		if v == nil {
			continue
		}
		for _, e := range v.Map {
			a := &ScalingAspect{ID: e.Key, Name: str(e.Value.Get("name")), Description: str(e.Value.Get("description")), Levels: map[int]string{}}
			if lv := e.Value.Get("ns_scale_levels"); lv != nil {
				for _, l := range lv.Map {
					if n, ok := levelKey(l.Key); ok {
						a.Levels[n] = str(l.Value.Get("description"))
					}
				}
			}
			d.ScalingAspects = append(d.ScalingAspects, a)
			d.aspects[a.ID] = a
		}
	}
}

func (b *builder) levels(d *NSD) {
	for _, p := range b.topo.PoliciesOfType(polLevels) {
		v := b.resolve(nil, p.Properties["ns_levels"])
		if v == nil {
			continue
		}
		for _, e := range v.Map {
			d.InstantiationLevels = append(d.InstantiationLevels, &InstantiationLevel{ID: e.Key, Description: str(e.Value.Get("description"))})
			d.levels[e.Key] = true
		}
		d.DefaultInstantiationLevel = str(b.resolve(nil, p.Properties["default_level"]))
		if l := d.DefaultInstantiationLevel; l != "" && !hasLevel(d, l) {
			b.fail(p.Pos, policyPath(p, "properties.default_level"), "default level %q is not an NS instantiation level", l)
		}
	}
}

func hasLevel(d *NSD, id string) bool { return d.levels[id] }

// aspectLevels reads an aspect-keyed level map, checking the aspect and
// its levels exist.
func (b *builder) aspectLevels(d *NSD, p *tosca.Policy, prop string) (string, map[int]*tosca.Value) {
	aspect := str(b.resolve(nil, p.Properties["aspect"]))
	a := d.ScalingAspect(aspect)
	if a == nil {
		b.fail(p.Pos, policyPath(p, "properties.aspect"), "no NS scaling aspect %q", aspect)
	}
	out := map[int]*tosca.Value{}
	v := b.resolve(nil, p.Properties[prop])
	if v == nil {
		return aspect, out
	}
	for _, e := range v.Map {
		n, ok := levelKey(e.Key)
		if !ok {
			continue
		}
		if _, defined := a.levels()[n]; a != nil && !defined {
			b.fail(e.KeyPos, policyPath(p, "properties", prop, e.Key), "aspect %q has no scale level %d", aspect, n)
		}
		out[n] = e.Value
	}
	return aspect, out
}

func (a *ScalingAspect) levels() map[int]string {
	if a == nil {
		return nil
	}
	return a.Levels
}

func (b *builder) toLevel(d *NSD, p *tosca.Policy) {
	aspect, levels := b.aspectLevels(d, p, "number_of_instances")
	for _, t := range p.Targets {
		m := map[int]int{}
		for n, v := range levels {
			m[n] = integer(v)
		}
		if v := d.VNF(t); v != nil {
			v.ScaleLevels[aspect] = m
		}
		if ns := d.nested[t]; ns != nil {
			ns.ScaleLevels[aspect] = m
		}
	}
}

func (b *builder) linkToLevel(d *NSD, p *tosca.Policy) {
	aspect, levels := b.aspectLevels(d, p, "bit_rate_requirements")
	for _, t := range p.Targets {
		if vl := d.VirtualLink(t); vl != nil {
			m := map[int]Bitrate{}
			for n, v := range levels {
				m[n] = bitrate(v)
			}
			vl.ScaleLevels[aspect] = m
		}
	}
}

// levelMap reads a level-keyed map, checking each level exists.
func (b *builder) levelMap(d *NSD, p *tosca.Policy, prop string) []tosca.Entry {
	v := b.resolve(nil, p.Properties[prop])
	if v == nil {
		return nil
	}
	for _, e := range v.Map {
		if !hasLevel(d, e.Key) {
			b.fail(e.KeyPos, policyPath(p, "properties", prop, e.Key), "%q is not an NS instantiation level", e.Key)
		}
	}
	return v.Map
}

func (b *builder) toInstantiationLevel(d *NSD, p *tosca.Policy) {
	entries := b.levelMap(d, p, "number_of_instances")
	for _, t := range p.Targets {
		for _, e := range entries {
			if v := d.VNF(t); v != nil {
				v.InstantiationLevels[e.Key] = integer(e.Value)
			}
			if ns := d.nested[t]; ns != nil {
				ns.InstantiationLevels[e.Key] = integer(e.Value)
			}
		}
	}
}

func (b *builder) linkToInstantiationLevel(d *NSD, p *tosca.Policy) {
	entries := b.levelMap(d, p, "bit_rate_requirements")
	for _, t := range p.Targets {
		if vl := d.VirtualLink(t); vl != nil {
			for _, e := range entries {
				vl.InstantiationLevels[e.Key] = bitrate(e.Value)
			}
		}
	}
}

func (b *builder) nfpRule(d *NSD, p *tosca.Policy) {
	get := func(k string) *tosca.Value { return b.resolve(nil, p.Properties[k]) }
	r := &NfpRule{
		ID: p.Name, EtherType: str(get("ether_type")), Protocol: str(get("protocol")), DSCP: str(get("dscp")),
		SourcePortRange: portRange(get("source_port_range")), DestinationPortRange: portRange(get("destination_port_range")),
		SourceIPAddressPrefix: str(get("source_ip_address_prefix")), DestinationIPAddressPrefix: str(get("destination_ip_address_prefix")),
		VLANTags: stringList(get("vlan_tag")), Targets: p.Targets,
	}
	for _, t := range p.Targets {
		if f := d.nfps[t]; f != nil {
			f.Rules = append(f.Rules, r)
		}
	}
}

func portRange(v *tosca.Value) [2]int {
	if v == nil || v.Kind != tosca.KindList || len(v.List) != 2 {
		return [2]int{}
	}
	return [2]int{integer(v.List[0]), integer(v.List[1])}
}

func (b *builder) monitoring(d *NSD, p *tosca.Policy) {
	m := &Monitoring{ID: p.Name, Targets: p.Targets, Parameters: map[string]MonitoringParameter{}}
	for _, prop := range []string{"ns_monitoring_parameters", "vnf_monitoring_parameters"} {
		v := b.resolve(nil, p.Properties[prop])
		if v == nil {
			continue
		}
		for _, e := range v.Map {
			m.Parameters[e.Key] = MonitoringParameter{
				Name: str(e.Value.Get("name")), PerformanceMetric: str(e.Value.Get("performance_metric")),
				CollectionPeriod: duration(e.Value.Get("collection_period")),
			}
		}
	}
	d.Monitoring = append(d.Monitoring, m)
}
