package openstack

import (
	"strings"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// securityGroups adds, per connection point that security group rules name, an
// OS::Neutron::SecurityGroup holding exactly those rules, and returns the group resource of
// each such CP. Its ports get that group instead of the project's default one, so they let
// through only what the VNFD allows (and, as Neutron's groups do, any egress unless a rule
// is an egress one).
func securityGroups(resources map[string]any, name string, spec *vim.Spec) (map[string]string, error) {
	rules := map[string][]any{}
	for _, r := range spec.SecurityGroupRules {
		rule, err := neutronRule(r)
		if err != nil {
			return nil, err
		}
		for _, cp := range r.ConnectionPoints {
			rules[cp] = append(rules[cp], rule)
		}
	}
	out := map[string]string{}
	for _, cp := range spec.ConnectionPoints {
		if len(rules[cp.ID]) == 0 || out[cp.ID] != "" {
			continue
		}
		res := "sg_" + paramKey(cp.ID)
		resources[res] = map[string]any{"type": "OS::Neutron::SecurityGroup", "properties": map[string]any{
			"name": name + "-" + cp.ID, "description": "security group rules of " + cp.ID + " (" + vnfTag(spec.VNFInstanceID) + ")",
			"rules": rules[cp.ID]}}
		out[cp.ID] = res
	}
	return out, nil
}

// neutronRule maps a rule to a rule of OS::Neutron::SecurityGroup. Ports apply to the
// protocols that have them; SOL 001's whole range 0 to 65535 is every port, which Neutron
// writes as no range (it refuses port 0).
func neutronRule(r vim.SecurityGroupRule) (map[string]any, error) {
	dir := strings.ToLower(r.Direction)
	if dir != "ingress" && dir != "egress" {
		return nil, vim.Errorf(vim.ErrPermanent, "generate stack", "security group rule %s: direction %q", r.ID, r.Direction)
	}
	var ether string
	switch strings.ToLower(r.EtherType) {
	case "ipv4":
		ether = "IPv4"
	case "ipv6":
		ether = "IPv6"
	default:
		return nil, vim.Errorf(vim.ErrPermanent, "generate stack", "security group rule %s: ether type %q", r.ID, r.EtherType)
	}
	proto, ok := neutronProtocols[strings.ToLower(r.Protocol)]
	if !ok {
		return nil, vim.Errorf(vim.ErrPermanent, "generate stack", "security group rule %s: protocol %q has no Neutron name", r.ID, r.Protocol)
	}
	rule := map[string]any{"direction": dir, "ethertype": ether, "protocol": proto}
	lo, hi := max(r.PortRangeMin, 1), r.PortRangeMax
	if hi <= 0 || hi > 65535 {
		hi = 65535
	}
	if portProtocols[proto] && (lo > 1 || hi < 65535) {
		if lo > hi {
			return nil, vim.Errorf(vim.ErrPermanent, "generate stack", "security group rule %s: ports %d to %d", r.ID, r.PortRangeMin, r.PortRangeMax)
		}
		rule["port_range_min"], rule["port_range_max"] = lo, hi
	}
	return rule, nil
}

// neutronProtocols maps the SOL 001 protocol names that Neutron knows by name to its names.
var neutronProtocols = map[string]string{
	"ah": "ah", "dccp": "dccp", "egp": "egp", "esp": "esp", "gre": "gre", "hopopt": "hopopt",
	"icmp": "icmp", "igmp": "igmp", "ipip": "ipip", "ospf": "ospf", "pgm": "pgm", "rsvp": "rsvp",
	"sctp": "sctp", "tcp": "tcp", "udp": "udp", "vrrp": "vrrp", "udp_lite": "udplite",
	"ipv6_icmp": "ipv6-icmp", "ipv6_frag": "ipv6-frag", "ipv6_route": "ipv6-route",
	"ipv6_opts": "ipv6-opts", "ipv6_no_nxt": "ipv6-nonxt",
}

// portProtocols are the protocols whose rules match ports.
var portProtocols = map[string]bool{"tcp": true, "udp": true, "sctp": true, "dccp": true, "udplite": true}
