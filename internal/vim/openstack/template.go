package openstack

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Template parameters. Counts are parameters, not template text, so Scale and Operate are a
// stack PATCH that leaves the template alone.
const (
	paramStopped        = "stopped"
	paramReplicasPrefix = "replicas_"
	paramDesiredPrefix  = "desired_"
	heatVersion         = "2018-08-31"
	// metaVNF and metaVDU are the server metadata keys Observe reads.
	metaVNF = "cadenza_vnf"
	metaVDU = "cadenza_vdu"
)

// resolved are the VIM objects a stack refers to by ID, found or made before it: the flavour
// and image of each Compute VDU, by VDU ID, and the image of each storage that has one, by
// storage ID.
type resolved struct {
	flavors      map[string]string
	images       map[string]string
	volumeImages map[string]string
}

// stackBody is a generated stack: its template, the nested templates it names, and its
// parameters.
type stackBody struct {
	template map[string]any
	files    map[string]string
	params   map[string]any
}

// paramKey makes a VDU ID safe inside a parameter or resource name.
func paramKey(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, id)
}

// stackName is the stack (and server name prefix) of a VNF instance.
func stackName(vnfInstanceID string) string { return "vnf-" + vnfInstanceID }

// vnfTag tags the ports and networks of a VNF instance.
func vnfTag(vnfInstanceID string) string { return "vnf-" + vnfInstanceID }

// buildStack generates the stack of spec. held, non-nil for a stopped VNF, holds the group
// sizes to keep instead of the spec's counts (its servers stay, powered off; a VDU it lacks
// gets none until the start). It is pure: the same spec, objects and held sizes give the same
// stack, so a repeated update changes nothing.
func buildStack(spec *vim.Spec, r resolved, held map[string]int) (*stackBody, error) {
	name := stackName(spec.VNFInstanceID)
	params := map[string]any{}
	paramDefs := map[string]any{paramStopped: map[string]any{"type": "number", "default": 0}}
	resources := map[string]any{}
	links := map[string]vim.VirtualLink{}
	for i, vl := range spec.VirtualLinks {
		links[vl.ID] = vl
		if vl.Network != "" {
			continue
		}
		addNetwork(resources, name, spec.VNFInstanceID, vl, i)
	}
	groups := serverGroups(resources, name, spec.PlacementRules)
	sgs, err := securityGroups(resources, name, spec)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, v := range spec.VDUs {
		if v.Compute == nil {
			return nil, vim.Errorf(vim.ErrPermanent, "generate stack", "vdu %s is not a Vdu.Compute", v.ID)
		}
		key := paramKey(v.ID)
		n := v.Replicas
		if held != nil {
			n = held[key]
		}
		params[paramReplicasPrefix+key], params[paramDesiredPrefix+key] = n, v.Replicas
		paramDefs[paramReplicasPrefix+key] = map[string]any{"type": "number", "default": 0}
		paramDefs[paramDesiredPrefix+key] = map[string]any{"type": "number", "default": 0}
		file := "vdu-" + key + ".yaml"
		nested, props, err := vduTemplate(spec, v, r, links, groups[v.ID], sgs)
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(nested)
		if err != nil {
			return nil, fmt.Errorf("marshal template of vdu %s: %w", v.ID, err)
		}
		files[file] = string(raw)
		props["index"] = "%index%"
		group := map[string]any{"type": "OS::Heat::ResourceGroup", "properties": map[string]any{
			"count":        map[string]any{"get_param": paramReplicasPrefix + key},
			"resource_def": map[string]any{"type": file, "properties": props},
		}}
		if deps := subnetsOf(spec, v.ID, links); len(deps) > 0 {
			group["depends_on"] = deps // a port made before its subnet gets no address
		}
		resources["vdu_"+key] = group
	}
	if held != nil {
		params[paramStopped] = 1
	} else {
		params[paramStopped] = 0
	}
	tpl := map[string]any{"heat_template_version": heatVersion,
		"description": "VNF instance " + spec.VNFInstanceID + ", generated from its VNFD",
		"parameters":  paramDefs, "resources": resources}
	return &stackBody{template: tpl, files: files, params: params}, nil
}

// addNetwork adds the network and subnet of an internal virtual link.
func addNetwork(resources map[string]any, name, vnfID string, vl vim.VirtualLink, i int) {
	key := paramKey(vl.ID)
	cidr := vl.CIDR
	if cidr == "" {
		cidr = "10." + strconv.Itoa(100+i/256) + "." + strconv.Itoa(i%256) + ".0/24"
	}
	resources["net_"+key] = map[string]any{"type": "OS::Neutron::Net", "properties": map[string]any{
		"name": name + "-" + vl.ID, "tags": []string{vnfTag(vnfID)}}}
	resources["subnet_"+key] = map[string]any{"type": "OS::Neutron::Subnet", "properties": map[string]any{
		"name": name + "-" + vl.ID, "network": map[string]any{"get_resource": "net_" + key},
		"cidr": cidr, "enable_dhcp": false, "tags": []string{vnfTag(vnfID)}}}
}

// serverGroups adds a server group per node-scope placement rule and returns the group
// resource of each VDU. Nova takes one group per server, so a VDU joins its first rule's.
func serverGroups(resources map[string]any, name string, rules []vim.PlacementRule) map[string]string {
	out := map[string]string{}
	for _, r := range rules {
		if r.Scope != vim.ScopeNode {
			continue
		}
		policy := "anti-affinity"
		if r.Affinity {
			policy = "affinity"
		}
		res := "group_" + paramKey(r.ID)
		resources[res] = map[string]any{"type": "OS::Nova::ServerGroup", "properties": map[string]any{
			"name": name + "-" + r.ID, "policies": []string{policy}}}
		for _, v := range r.VDUs {
			if _, ok := out[v]; !ok {
				out[v] = res
			}
		}
	}
	return out
}

// vduTemplate is the nested template of one instance of v (its server, ports and volumes),
// and the properties the group passes to it: the networks, server group and security groups
// made in the parent.
func vduTemplate(spec *vim.Spec, v vim.VDU, r resolved, links map[string]vim.VirtualLink, group string,
	sgs map[string]string) (map[string]any, map[string]any, error) {
	name := stackName(spec.VNFInstanceID)
	params := map[string]any{"index": map[string]any{"type": "string"}}
	props := map[string]any{}
	resources := map[string]any{}
	var nics []any
	for _, cp := range spec.ConnectionPoints {
		if cp.VirtualLink == "" || !contains(cp.VDUs, v.ID) {
			continue
		}
		vl, ok := links[cp.VirtualLink]
		if !ok {
			return nil, nil, vim.Errorf(vim.ErrPermanent, "generate stack", "cp %s: virtual link %q not in the spec", cp.ID, cp.VirtualLink)
		}
		var network any = vl.Network
		if vl.Network == "" {
			p := "net_" + paramKey(vl.ID)
			params[p] = map[string]any{"type": "string"}
			props[p] = map[string]any{"get_resource": p}
			network = map[string]any{"get_param": p}
		}
		port := "port_" + paramKey(cp.ID)
		portProps := map[string]any{
			"network": network, "tags": []string{vnfTag(spec.VNFInstanceID), "cp=" + cp.ID},
			"name": map[string]any{"list_join": []any{"-", []any{name, v.ID, map[string]any{"get_param": "index"}, cp.ID}}},
		}
		if sg := sgs[cp.ID]; sg != "" {
			params[sg] = map[string]any{"type": "string"}
			props[sg] = map[string]any{"get_resource": sg}
			portProps["security_groups"] = []any{map[string]any{"get_param": sg}}
		}
		resources[port] = map[string]any{"type": "OS::Neutron::Port", "properties": portProps}
		nics = append(nics, map[string]any{"port": map[string]any{"get_resource": port}})
	}
	if len(nics) == 0 {
		nics = []any{map[string]any{"allocate_network": "none"}}
	}
	stores, err := vduStorages(spec, v)
	if err != nil {
		return nil, nil, err
	}
	serverName := []any{name, v.ID, map[string]any{"get_param": "index"}}
	server := map[string]any{
		"name":     map[string]any{"list_join": []any{"-", serverName}},
		"flavor":   r.flavors[v.ID],
		"image":    r.images[v.ID],
		"networks": nics, "user_data_format": "RAW", "config_drive": false,
		"metadata": map[string]any{metaVNF: spec.VNFInstanceID, metaVDU: v.ID},
	}
	if z := memberZone(v.Zones); z != nil {
		server["availability_zone"] = z
	}
	if group != "" {
		params["group"] = map[string]any{"type": "string"}
		props["group"] = map[string]any{"get_resource": group}
		server["scheduler_hints"] = map[string]any{"group": map[string]any{"get_param": "group"}}
	}
	resources["server"] = map[string]any{"type": "OS::Nova::Server", "properties": server}
	addVolumes(resources, spec, v, stores, r, serverName)
	tpl := map[string]any{"heat_template_version": heatVersion, "parameters": params, "resources": resources}
	return tpl, props, nil
}

// memberZone is the availability zone of a VDU's member: its one zone, or with several the
// zones in turn by the member's index (member i in zone i mod n), so the VDU's instances
// spread over them. A member keeps its zone when healed (same index) and scaling in removes
// the highest indices, so the spread stays even. nil: no zone.
func memberZone(zones []string) any {
	switch len(zones) {
	case 0:
		return nil
	case 1:
		return zones[0]
	}
	return map[string]any{"yaql": map[string]any{
		"expression": "$.data.zones[int($.data.index) mod len($.data.zones)]",
		"data":       map[string]any{"zones": zones, "index": map[string]any{"get_param": "index"}},
	}}
}

// subnetsOf lists the subnet resources of the internal links the VDU's CPs attach to.
func subnetsOf(spec *vim.Spec, vduID string, links map[string]vim.VirtualLink) []string {
	seen := map[string]bool{}
	var out []string
	for _, cp := range spec.ConnectionPoints {
		vl, ok := links[cp.VirtualLink]
		if !ok || vl.Network != "" || !contains(cp.VDUs, vduID) || seen[vl.ID] {
			continue
		}
		seen[vl.ID] = true
		out = append(out, "subnet_"+paramKey(vl.ID))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
