package nsd_test

import (
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/nsd"
	"github.com/cadenza-mano/cadenza/internal/catalog/tosca/toscaoracle"
)

// topKeys are the parts of a topology summary compared for every
// descriptor.
var topKeys = []string{"node_templates", "policies", "groups"}

// TestOracleNSD checks that what OpenStack tosca-parser reads from the
// sample NSD — node templates with their types, properties, capabilities
// and requirements, policies and groups — agrees with the engine, and that
// the NSD model's scaling aspects, instantiation levels, per-VNF and
// per-link level mappings, VNFFGs and rules are those of tosca-parser's
// policies and groups.
func TestOracleNSD(t *testing.T) {
	t.Parallel()
	o := toscaoracle.Find(t)
	const dir, entry = "testdata/sample_ns", "Definitions/sample_nsd.yaml"
	fixes := []toscaoracle.Fix{
		toscaoracle.TOSCA13,
		toscaoracle.CapabilityShortNotation, // cadenza.vnf.Firewall's left_forwarding...
		toscaoracle.RangeInRange,            // http_rule's destination_port_range
		toscaoracle.ScalarGreaterThan,       // WAN_VL's qos latency (Qos in v4.4.1)
		toscaoracle.SubstitutionInputs,      // cadenza.ns.Sample's designer, version...
	}
	d, err := nsd.Load(t.Context(), os.DirFS(dir), entry)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	theirs := o.Parse(t, o.WithLocalETSIFiles(t, dir, entry, "v4.4.1"), entry, fixes...)
	theirs.Accepted(t, fixes...)
	toscaoracle.Compare(t, "nsd", theirs.TopLevel, toscaoracle.Topology(d.Template.Topology), topKeys)
	toscaoracle.Compare(t, "nsd model", theirNSDViews(t, theirs.TopLevel), ourNSDViews(d), nsdViewKeys)
	t.Logf("%d node templates, %d policies, %d groups", len(d.Template.Topology.NodeTemplates),
		len(d.Template.Topology.Policies), len(d.Template.Topology.Groups))
}

// TestOraclePNFD does the same for the sample PNFD.
func TestOraclePNFD(t *testing.T) {
	t.Parallel()
	o := toscaoracle.Find(t)
	const dir, entry = "testdata/sample_pnf", "Definitions/pnfd.yaml"
	fixes := []toscaoracle.Fix{
		toscaoracle.TOSCA13,
		toscaoracle.SubstitutionInputs, // tosca.nodes.nfv.PNF's descriptor_id, provider...
	}
	d, err := nsd.LoadPNFD(t.Context(), os.DirFS(dir), entry)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	theirs := o.Parse(t, o.WithLocalETSIFiles(t, dir, entry, "v4.4.1"), entry, fixes...)
	theirs.Accepted(t, fixes...)
	toscaoracle.Compare(t, "pnfd", theirs.TopLevel, toscaoracle.Topology(d.Template.Topology), topKeys)
	toscaoracle.Compare(t, "pnfd model", theirPNFDViews(t, theirs.TopLevel), ourPNFDViews(d), pnfdViewKeys)
	t.Logf("%d node templates, %d policies", len(d.Template.Topology.NodeTemplates), len(d.Template.Topology.Policies))
}

var nsdViewKeys = []string{"aspects", "levels", "vnf_scale_levels", "vnf_levels", "vl_scale_levels", "vl_levels", "vnffgs", "placement", "security"}

// policy is one of tosca-parser's policies.
type policy struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Targets    []string       `json:"targets"`
	Properties map[string]any `json:"properties"`
}

func policiesOf(t *testing.T, top map[string]any) []policy {
	t.Helper()
	var ps []policy
	list, _ := toscaoracle.Normalize(t, top["policies"]).([]any)
	for _, p := range list {
		m := p.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		var targets []string
		for _, x := range asList(m["targets"]) {
			targets = append(targets, x.(string))
		}
		ps = append(ps, policy{Name: m["name"].(string), Type: m["type"].(string), Targets: targets, Properties: props})
	}
	return ps
}

func asList(v any) []any { l, _ := v.([]any); return l }

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// theirNSDViews reads from tosca-parser's policies and groups what the
// NSD model reads from the template's.
func theirNSDViews(t *testing.T, top map[string]any) map[string]any {
	t.Helper()
	v := map[string]any{
		"aspects": map[string]any{}, "levels": map[string]any{}, "vnf_scale_levels": map[string]any{},
		"vnf_levels": map[string]any{}, "vl_scale_levels": map[string]any{}, "vl_levels": map[string]any{},
		"vnffgs": map[string]any{}, "placement": map[string]any{}, "security": map[string]any{},
	}
	perTarget := func(key string, targets []string, value any) {
		for _, target := range targets {
			v[key].(map[string]any)[target] = value
		}
	}
	for _, p := range policiesOf(t, top) {
		switch p.Type {
		case "tosca.policies.nfv.NsScalingAspects":
			for id, a := range asMap(p.Properties["aspects"]) {
				levels := map[string]any{}
				for n, l := range asMap(asMap(a)["ns_scale_levels"]) {
					levels[n] = asMap(l)["description"]
				}
				v["aspects"].(map[string]any)[id] = map[string]any{"name": asMap(a)["name"], "description": asMap(a)["description"], "levels": levels}
			}
		case "tosca.policies.nfv.NsInstantiationLevels":
			levels := map[string]any{}
			for id, l := range asMap(p.Properties["ns_levels"]) {
				levels[id] = asMap(l)["description"]
			}
			v["levels"] = map[string]any{"default": p.Properties["default_level"], "levels": levels}
		case "tosca.policies.nfv.VnfToLevelMapping":
			perTarget("vnf_scale_levels", p.Targets, map[string]any{p.Properties["aspect"].(string): p.Properties["number_of_instances"]})
		case "tosca.policies.nfv.VnfToInstantiationLevelMapping":
			perTarget("vnf_levels", p.Targets, p.Properties["number_of_instances"])
		case "tosca.policies.nfv.VirtualLinkToLevelMapping":
			perTarget("vl_scale_levels", p.Targets, map[string]any{p.Properties["aspect"].(string): p.Properties["bit_rate_requirements"]})
		case "tosca.policies.nfv.VirtualLinkToInstantiationLevelMapping":
			perTarget("vl_levels", p.Targets, p.Properties["bit_rate_requirements"])
		case "tosca.policies.nfv.NsAffinityRule", "tosca.policies.nfv.NsAntiAffinityRule":
			v["placement"].(map[string]any)[p.Name] = map[string]any{
				"affinity": p.Type == "tosca.policies.nfv.NsAffinityRule", "scope": p.Properties["scope"], "targets": p.Targets,
			}
		case "tosca.policies.nfv.NsSecurityGroupRule":
			v["security"].(map[string]any)[p.Name] = securityView(p)
		}
	}
	for _, g := range asList(toscaoracle.Normalize(t, top["groups"])) {
		if gm := asMap(g); gm["type"] == "tosca.groups.nfv.VNFFG" {
			v["vnffgs"].(map[string]any)[gm["name"].(string)] = gm["members"]
		}
	}
	return v
}

// securityView keeps what a security group rule sets in the sample (the
// model also fills in the type's defaults, which tosca-parser leaves out
// of policy properties).
func securityView(p policy) map[string]any {
	return map[string]any{"protocol": p.Properties["protocol"], "port_range_min": p.Properties["port_range_min"],
		"port_range_max": p.Properties["port_range_max"], "targets": p.Targets}
}

func bitrate(b nsd.Bitrate) map[string]any {
	m := map[string]any{"root": b.Root}
	if b.Leaf != 0 {
		m["leaf"] = b.Leaf
	}
	return m
}

// ourNSDViews gives the same views from the NSD model.
func ourNSDViews(d *nsd.NSD) map[string]any {
	aspects := map[string]any{}
	for _, a := range d.ScalingAspects {
		aspects[a.ID] = map[string]any{"name": a.Name, "description": a.Description, "levels": a.Levels}
	}
	levels := map[string]any{}
	if len(d.InstantiationLevels) > 0 {
		ls := map[string]any{}
		for _, l := range d.InstantiationLevels {
			ls[l.ID] = l.Description
		}
		levels = map[string]any{"default": d.DefaultInstantiationLevel, "levels": ls}
	}
	vnfScale, vnfLevels := map[string]any{}, map[string]any{}
	for _, v := range d.VNFs {
		if len(v.ScaleLevels) > 0 {
			vnfScale[v.ID] = v.ScaleLevels
		}
		if len(v.InstantiationLevels) > 0 {
			vnfLevels[v.ID] = v.InstantiationLevels
		}
	}
	vlScale, vlLevels := map[string]any{}, map[string]any{}
	for _, vl := range d.VirtualLinks {
		if len(vl.ScaleLevels) > 0 {
			m := map[string]any{}
			for aspect, byLevel := range vl.ScaleLevels {
				lm := map[string]any{}
				for n, b := range byLevel {
					lm[strconv.Itoa(n)] = bitrate(b)
				}
				m[aspect] = lm
			}
			vlScale[vl.ID] = m
		}
		if len(vl.InstantiationLevels) > 0 {
			m := map[string]any{}
			for l, b := range vl.InstantiationLevels {
				m[l] = bitrate(b)
			}
			vlLevels[vl.ID] = m
		}
	}
	vnffgs := map[string]any{}
	for _, g := range d.VNFFGs {
		vnffgs[g.ID] = g.Members
	}
	placement := map[string]any{}
	for _, r := range d.PlacementRules {
		placement[r.ID] = map[string]any{"affinity": r.Affinity, "scope": r.Scope, "targets": r.Targets}
	}
	security := map[string]any{}
	for _, r := range d.SecurityGroupRules {
		security[r.ID] = map[string]any{"protocol": r.Protocol, "port_range_min": r.PortRangeMin, "port_range_max": r.PortRangeMax, "targets": r.Targets}
	}
	return map[string]any{
		"aspects": aspects, "levels": levels, "vnf_scale_levels": vnfScale, "vnf_levels": vnfLevels,
		"vl_scale_levels": vlScale, "vl_levels": vlLevels, "vnffgs": vnffgs, "placement": placement, "security": security,
	}
}

var pnfdViewKeys = []string{"pnf", "ext_cps", "security"}

// theirPNFDViews reads from tosca-parser's nodes and policies what the
// PNFD model reads.
func theirPNFDViews(t *testing.T, top map[string]any) map[string]any {
	t.Helper()
	pnf, cps := map[string]any{}, map[string]any{}
	nodes := asMap(toscaoracle.Normalize(t, top["node_templates"]))
	for name, n := range nodes {
		chain := asList(asMap(n)["type_chain"])
		props := asMap(asMap(n)["properties"])
		switch {
		case slices.Contains(chain, any("tosca.nodes.nfv.PNF")):
			pnf = map[string]any{
				"id": props["descriptor_id"], "name": props["name"], "provider": props["provider"], "version": props["version"],
				"function_description": props["function_description"], "invariant_id": props["descriptor_invariant_id"],
				"country_code": asMap(props["geographical_location_info"])["country_code"],
			}
		case slices.Contains(chain, any("tosca.nodes.nfv.PnfExtCp")):
			cps[name] = props["layer_protocols"]
		}
	}
	security := map[string]any{}
	for _, p := range policiesOf(t, top) {
		if p.Type == "tosca.policies.nfv.PnfSecurityGroupRule" {
			security[p.Name] = securityView(p)
		}
	}
	return map[string]any{"pnf": pnf, "ext_cps": cps, "security": security}
}

func ourPNFDViews(d *nsd.PNFD) map[string]any {
	country := ""
	if d.Location != nil {
		country = d.Location.CountryCode
	}
	pnf := map[string]any{
		"id": d.ID, "name": d.Name, "provider": d.Provider, "version": d.Version,
		"function_description": d.FunctionDescription, "invariant_id": d.InvariantID, "country_code": country,
	}
	cps := map[string]any{}
	for _, c := range d.ExtCPs {
		cps[c.ID] = c.LayerProtocols
	}
	security := map[string]any{}
	for _, r := range d.SecurityGroupRules {
		security[r.ID] = map[string]any{"protocol": r.Protocol, "port_range_min": r.PortRangeMin, "port_range_max": r.PortRangeMax, "targets": r.Targets}
	}
	return map[string]any{"pnf": pnf, "ext_cps": cps, "security": security}
}
