package nsd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

const (
	typePnfExtCp = "tosca.nodes.nfv.PnfExtCp"
	polPnfRule   = "tosca.policies.nfv.PnfSecurityGroupRule"
)

// PNFD is a PNF descriptor, onboarded beside NSDs.
type PNFD struct {
	// ID is descriptor_id, the pnfdId of SOL 005.
	ID                  string
	Name                string
	Provider            string
	Version             string
	FunctionDescription string
	InvariantID         string
	ExtInvariantID      string
	Location            *Location
	ExtCPs              []*PnfExtCP
	SecurityGroupRules  []*SecurityGroupRule
	// ExtVirtualLinks maps the PNF node type's requirements to the
	// [node, requirement] exposing them (substitution_mappings).
	ExtVirtualLinks map[string][2]string
	Template        *tosca.ServiceTemplate
}

// Location is the geographical location of a PNF.
type Location struct {
	CountryCode string
	// CivicAddress maps civic address element types to values.
	CivicAddress map[string]string
	Latitude     string
	Longitude    string
	Altitude     string
	AltitudeType string
}

// PnfExtCP is an external connection point of a PNF.
type PnfExtCP struct {
	ID                  string
	LayerProtocols      []string
	Role                string
	ExternalVirtualLink string
}

// LoadPNFD loads the PNFD at entry in fsys and builds its model.
func LoadPNFD(ctx context.Context, fsys fs.FS, entry string) (*PNFD, error) {
	st, err := tosca.Load(ctx, fsys, entry, tosca.Options{})
	if err != nil {
		return nil, fmt.Errorf("load pnfd %s: %w", entry, err)
	}
	return PNFDFromTemplate(st)
}

// PNFDFromTemplate builds the PNFD model of a loaded service template: the
// one PNF node of its topology with the PNF's external CPs and security
// group rules.
func PNFDFromTemplate(st *tosca.ServiceTemplate) (*PNFD, error) {
	b := &builder{st: st, topo: st.Topology}
	if b.topo == nil {
		return nil, errors.Join(tosca.NewError(tosca.CodeInconsistent, tosca.Pos{File: st.Entry}, "topology_template", "the PNFD has no topology template"))
	}
	pnfs := b.topo.NodesOfType(typePNF)
	if len(pnfs) != 1 {
		return nil, errors.Join(tosca.NewError(tosca.CodeInconsistent, b.topo.Pos, "topology_template.node_templates", "want one node of type %s, found %d", typePNF, len(pnfs)))
	}
	n := pnfs[0]
	d := &PNFD{
		ID:                  str(b.prop(n, "descriptor_id")),
		Name:                str(b.prop(n, "name")),
		Provider:            str(b.prop(n, "provider")),
		Version:             str(b.prop(n, "version")),
		FunctionDescription: str(b.prop(n, "function_description")),
		InvariantID:         str(b.prop(n, "descriptor_invariant_id")),
		ExtInvariantID:      str(b.prop(n, "ext_invariant_id")),
		Location:            location(b.prop(n, "geographical_location_info")),
		Template:            st,
	}
	if sm := b.topo.SubstitutionMappings; sm != nil {
		d.ExtVirtualLinks = sm.Requirements
	}
	for _, cp := range b.topo.NodesOfType(typePnfExtCp) {
		d.ExtCPs = append(d.ExtCPs, &PnfExtCP{
			ID: cp.Name, LayerProtocols: stringList(b.prop(cp, "layer_protocols")), Role: str(b.prop(cp, "role")),
			ExternalVirtualLink: target(cp, "external_virtual_link"),
		})
	}
	for _, p := range b.topo.PoliciesOfType(polPnfRule) {
		d.SecurityGroupRules = append(d.SecurityGroupRules, b.securityRule(p))
	}
	return d, nil
}

func (b *builder) securityRule(p *tosca.Policy) *SecurityGroupRule {
	get := func(k string) *tosca.Value { return b.resolve(nil, p.Properties[k]) }
	return &SecurityGroupRule{
		ID: p.Name, Direction: str(get("direction")), EtherType: str(get("ether_type")), Protocol: str(get("protocol")),
		PortRangeMin: integer(get("port_range_min")), PortRangeMax: integer(get("port_range_max")), Targets: p.Targets,
	}
}

func location(v *tosca.Value) *Location {
	if v == nil {
		return nil
	}
	gc := v.Get("geographic_coordinates")
	l := &Location{
		CountryCode: str(v.Get("country_code")), Latitude: str(gc.Get("latitude")), Longitude: str(gc.Get("longitude")),
		Altitude: str(gc.Get("altitude")), AltitudeType: str(gc.Get("altitude_type")),
	}
	if ca := v.Get("civic_address_element"); ca != nil && len(ca.List) > 0 {
		l.CivicAddress = map[string]string{}
		for _, e := range ca.List {
			l.CivicAddress[str(e.Get("ca_type"))] = str(e.Get("ca_value"))
		}
	}
	return l
}
