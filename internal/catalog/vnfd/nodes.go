package vnfd

import (
	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// nodes sorts the node templates of a flavour into the model, in document
// order.
func (b *builder) nodes(r reader, f *Flavour) {
	for _, n := range f.Topology.NodeTemplates {
		if n.Type == nil {
			continue
		}
		t := n.Type
		switch {
		case t.DerivesFrom(typeCompute):
			f.VDUs = append(f.VDUs, computeVDU(r, f.File, n))
		case t.DerivesFrom(typeOSCDU):
			f.VDUs = append(f.VDUs, containerVDU(r, f.File, n))
		case t.DerivesFrom(typeOsContainer):
			f.Containers = append(f.Containers, osContainer(r, f.File, n))
		case t.DerivesFrom(typeBlockStorage), t.DerivesFrom(typeObjectStorage), t.DerivesFrom(typeFileStorage):
			f.Storages = append(f.Storages, storage(r, n))
		case t.DerivesFrom(typeVduCp):
			f.VduCPs = append(f.VduCPs, vduCP(r, n))
		case t.DerivesFrom(typeVirtualCp):
			f.VirtualCPs = append(f.VirtualCPs, virtualCP(r, n))
		case t.DerivesFrom(typeExtCp):
			f.ExtCPs = append(f.ExtCPs, extCP(r, n))
		case t.DerivesFrom(typeVirtualLink):
			f.VirtualLinks = append(f.VirtualLinks, virtualLink(r, n))
		case t.DerivesFrom(typeMciop):
			f.MCIOPs = append(f.MCIOPs, &MCIOP{ID: n.Name, AssociatedVDUs: targets(n, "associatedVdu"), Artifacts: artifacts(f.File, n)})
		}
	}
	f.vdus, f.links = map[string]*VDU{}, map[string]*VirtualLink{}
	for _, v := range f.VDUs {
		f.vdus[v.ID] = v
	}
	for _, vl := range f.VirtualLinks {
		f.links[vl.ID] = vl
	}
	for _, g := range f.Topology.GroupsOfType(typePlacementGroup) {
		f.PlacementGroups = append(f.PlacementGroups, &PlacementGroup{
			ID: g.Name, Description: str(r.resolve(nil, g.Properties["description"])), Members: g.Members,
		})
	}
	for _, v := range f.VDUs {
		if v.MinInstances > v.MaxInstances {
			b.fail(v.Pos, "vdu_profile", "VDU %s: min_number_of_instances %d exceeds max_number_of_instances %d", v.ID, v.MinInstances, v.MaxInstances)
		}
	}
}

// targets lists the nodes a node's requirements of one name point at.
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

func vduCommon(r reader, file string, n *tosca.NodeTemplate, kind VDUKind) *VDU {
	profile := r.prop(n, "vdu_profile")
	return &VDU{
		ID: n.Name, Kind: kind, Pos: n.Pos,
		Name:                 str(r.prop(n, "name")),
		Description:          str(r.prop(n, "description")),
		MinInstances:         integer(profile.Get("min_number_of_instances")),
		MaxInstances:         integer(profile.Get("max_number_of_instances")),
		InitialInstances:     1,
		ScalingDeltas:        map[string]map[string]int{},
		InstantiationLevels:  map[string]int{},
		Storages:             targets(n, "virtual_storage"),
		Artifacts:            artifacts(file, n),
		NFVIConstraints:      nfviConstraints(r.prop(n, "nfvi_constraints")),
		MonitoringParameters: monitoring(r.prop(n, "monitoring_parameters")),
	}
}

func computeVDU(r reader, file string, n *tosca.NodeTemplate) *VDU {
	v := vduCommon(r, file, n, VDUCompute)
	if c := n.Capabilities["virtual_compute"]; c != nil {
		v.VirtualCompute = virtualCompute(r, n, c)
	}
	v.SwImage = swImage(r, n, v.Artifacts)
	v.BootData = bootData(r.prop(n, "boot_data"))
	if bo := r.prop(n, "boot_order"); bo != nil && bo.Kind == tosca.KindList {
		v.BootOrder = stringList(bo)
	}
	return v
}

func containerVDU(r reader, file string, n *tosca.NodeTemplate) *VDU {
	v := vduCommon(r, file, n, VDUOsContainerDeployableUnit)
	v.Containers = targets(n, "container")
	v.MCIOConstraintParams = stringList(r.prop(n, "mcio_constraint_params"))
	id := r.prop(n, "mcio_identification_data")
	v.MCIOName, v.MCIOType = str(id.Get("name")), str(id.Get("type"))
	return v
}

// nfviConstraints reads the v3+ map form and the v2 list form (as keys
// with empty values).
func nfviConstraints(v *tosca.Value) map[string]string {
	if v == nil {
		return nil
	}
	if v.Kind == tosca.KindList {
		out := map[string]string{}
		for _, s := range stringList(v) {
			out[s] = ""
		}
		return out
	}
	return stringMap(v)
}

// monitoring reads monitoring parameters in the v3+ map and v2 list forms.
func monitoring(v *tosca.Value) []MonitoringParameter {
	if v == nil {
		return nil
	}
	one := func(id string, p *tosca.Value) MonitoringParameter {
		return MonitoringParameter{
			ID: id, Name: str(p.Get("name")), PerformanceMetric: str(p.Get("performance_metric")),
			CollectionPeriod: durationOf(p.Get("collection_period")),
		}
	}
	var out []MonitoringParameter
	switch v.Kind {
	case tosca.KindList:
		for _, p := range v.List {
			out = append(out, one("", p))
		}
	case tosca.KindMap:
		for _, e := range v.Map {
			out = append(out, one(e.Key, e.Value))
		}
	}
	return out
}

func virtualCompute(r reader, n *tosca.NodeTemplate, c *tosca.CapabilityAssignment) *VirtualCompute {
	get := func(name string) *tosca.Value { return r.resolve(n, c.Properties[name]) }
	cpu, mem := get("virtual_cpu"), get("virtual_memory")
	vc := &VirtualCompute{
		NumVirtualCPU:                   integer(cpu.Get("num_virtual_cpu")),
		CPUArchitecture:                 str(cpu.Get("cpu_architecture")),
		VirtualCPUClockHz:               hertzOf(cpu.Get("virtual_cpu_clock")),
		CPUOversubscription:             str(cpu.Get("virtual_cpu_oversubscription_policy")),
		CPUPinningPolicy:                str(cpu.Get("virtual_cpu_pinning").Get("virtual_cpu_pinning_policy")),
		CPUPinningRules:                 stringList(cpu.Get("virtual_cpu_pinning").Get("virtual_cpu_pinning_rule")),
		VirtualMemBytes:                 bytesOf(mem.Get("virtual_mem_size")),
		MemOversubscription:             str(mem.Get("virtual_mem_oversubscription_policy")),
		NUMAEnabled:                     boolean(mem.Get("numa_enabled")),
		ComputeRequirements:             stringMap(get("compute_requirements")),
		LogicalNode:                     rawMap(get("logical_node")),
		RequestedAdditionalCapabilities: rawMap(get("requested_additional_capabilities")),
	}
	if ls := get("virtual_local_storage"); ls != nil {
		for _, s := range ls.List {
			vc.LocalStorageBytes = append(vc.LocalStorageBytes, bytesOf(s.Get("size_of_storage")))
		}
	}
	return vc
}

// swImage reads the image of a VDU, storage or container: the sw_image
// artifact's properties (SOL 001 v3+) or the sw_image_data property (v2).
func swImage(r reader, n *tosca.NodeTemplate, arts map[string]*Artifact) *SwImage {
	var img *SwImage
	if data := r.prop(n, "sw_image_data"); data != nil {
		img = swImageFrom(data)
	}
	a := arts["sw_image"]
	if a == nil {
		for _, x := range arts {
			if x.Kind == ArtifactSwImage {
				a = x
				break
			}
		}
	}
	if a == nil {
		return img
	}
	if img == nil {
		img = swImageFrom(tosca.FromGo(a.Properties, n.Pos))
	}
	img.Artifact = a
	return img
}

func swImageFrom(v *tosca.Value) *SwImage {
	return &SwImage{
		Name:                                str(v.Get("name")),
		Version:                             str(v.Get("version")),
		Provider:                            str(v.Get("provider")),
		ContainerFormat:                     str(v.Get("container_format")),
		DiskFormat:                          str(v.Get("disk_format")),
		MinDiskBytes:                        bytesOf(v.Get("min_disk")),
		MinRAMBytes:                         bytesOf(v.Get("min_ram")),
		SizeBytes:                           bytesOf(v.Get("size")),
		OperatingSystem:                     str(v.Get("operating_system")),
		ChecksumAlgorithm:                   str(v.Get("checksum").Get("algorithm")),
		ChecksumHash:                        str(v.Get("checksum").Get("hash")),
		SupportedVirtualisationEnvironments: stringList(v.Get("supported_virtualisation_environments")),
	}
}

func bootData(v *tosca.Value) *BootData {
	switch {
	case v == nil:
		return nil
	case v.Kind != tosca.KindMap:
		return &BootData{Text: v.String()}
	}
	cf := v.Get("content_or_file_data")
	vs := v.Get("vim_specific_properties")
	return &BootData{
		KVP:             stringMap(v.Get("kvp_data").Get("data")),
		Content:         str(cf.Get("content")),
		SourcePath:      str(cf.Get("source_path")),
		DestinationPath: str(cf.Get("destination_path")),
		ContentData:     stringMap(cf.Get("data")),
		VIMType:         str(vs.Get("vim_type")),
		VIMProperties:   stringMap(vs.Get("properties")),
	}
}

func osContainer(r reader, file string, n *tosca.NodeTemplate) *OsContainer {
	arts := artifacts(file, n)
	return &OsContainer{
		ID: n.Name, Artifacts: arts,
		Name:                    str(r.prop(n, "name")),
		Description:             str(r.prop(n, "description")),
		RequestedCPU:            integer(r.prop(n, "requested_cpu_resources")),
		CPULimit:                integer(r.prop(n, "cpu_resource_limit")),
		RequestedMemoryBytes:    bytesOf(r.prop(n, "requested_memory_resources")),
		MemoryLimitBytes:        bytesOf(r.prop(n, "memory_resource_limit")),
		RequestedEphemeralBytes: bytesOf(r.prop(n, "requested_ephemeral_storage_resources")),
		EphemeralLimitBytes:     bytesOf(r.prop(n, "ephemeral_storage_resource_limit")),
		SwImage:                 swImage(r, n, arts),
	}
}

func storage(r reader, n *tosca.NodeTemplate) *VirtualStorage {
	s := &VirtualStorage{ID: n.Name, PerVNFCInstance: boolean(r.prop(n, "per_vnfc_instance"))}
	switch {
	case n.Type.DerivesFrom(typeBlockStorage):
		d := r.prop(n, "virtual_block_storage_data")
		s.Kind, s.SizeBytes, s.RDMAEnabled = BlockStorage, bytesOf(d.Get("size_of_storage")), boolean(d.Get("rdma_enabled"))
	case n.Type.DerivesFrom(typeObjectStorage):
		s.Kind, s.SizeBytes = ObjectStorage, bytesOf(r.prop(n, "virtual_object_storage_data").Get("max_size_of_storage"))
	default:
		d := r.prop(n, "virtual_file_storage_data")
		s.Kind, s.SizeBytes, s.FileSystemProtocol = FileStorage, bytesOf(d.Get("size_of_storage")), str(d.Get("file_system_protocol"))
		s.VirtualLink = target(n, "virtual_link")
	}
	if data := r.prop(n, "sw_image_data"); data != nil {
		s.SwImage = swImageFrom(data)
	}
	return s
}

func cp(r reader, n *tosca.NodeTemplate) CP {
	c := CP{
		ID:             n.Name,
		LayerProtocols: stringList(r.prop(n, "layer_protocols")),
		Role:           str(r.prop(n, "role")),
		Description:    str(r.prop(n, "description")),
		TrunkMode:      boolean(r.prop(n, "trunk_mode")),
	}
	if p := r.prop(n, "protocol"); p != nil {
		c.Protocols, _ = p.Interface().([]any)
	}
	return c
}

func vduCP(r reader, n *tosca.NodeTemplate) *VduCP {
	c := &VduCP{
		CP: cp(r, n), VDU: target(n, "virtual_binding"), VirtualLink: target(n, "virtual_link"),
		VnicType: str(r.prop(n, "vnic_type")), BitrateRequirement: int64Of(r.prop(n, "bitrate_requirement")),
	}
	if o := r.prop(n, "order"); o != nil {
		order := integer(o)
		c.Order = &order
	}
	return c
}

func virtualCP(r reader, n *tosca.NodeTemplate) *VirtualCP {
	return &VirtualCP{CP: cp(r, n), Targets: targets(n, "target"), VirtualLink: target(n, "virtual_link")}
}

func extCP(r reader, n *tosca.NodeTemplate) *ExtCP {
	return &ExtCP{
		CP:                  cp(r, n),
		InternalVirtualLink: target(n, "internal_virtual_link"),
		ExternalVirtualLink: target(n, "external_virtual_link"),
	}
}

func virtualLink(r reader, n *tosca.NodeTemplate) *VirtualLink {
	ct, prof := r.prop(n, "connectivity_type"), r.prop(n, "vl_profile")
	vl := &VirtualLink{
		ID:                   n.Name,
		Description:          str(r.prop(n, "description")),
		LayerProtocols:       stringList(ct.Get("layer_protocols")),
		FlowPattern:          str(ct.Get("flow_pattern")),
		MaxBitrate:           bitrateOf(prof.Get("max_bitrate_requirements")),
		MinBitrate:           bitrateOf(prof.Get("min_bitrate_requirements")),
		TestAccess:           stringList(r.prop(n, "test_access")),
		ScalingDeltas:        map[string]map[string]Bitrate{},
		InstantiationLevels:  map[string]Bitrate{},
		MonitoringParameters: monitoring(r.prop(n, "monitoring_parameters")),
		ExternallyManaged:    str(r.prop(n, "externally_managed")),
	}
	if pd := prof.Get("virtual_link_protocol_data"); pd != nil {
		for _, p := range pd.List {
			vl.Protocols = append(vl.Protocols, linkProtocol(p))
		}
	}
	return vl
}

func linkProtocol(p *tosca.Value) VirtualLinkProtocol {
	l2, l3 := p.Get("l2_protocol_data"), p.Get("l3_protocol_data")
	out := VirtualLinkProtocol{
		LayerProtocol:   str(p.Get("associated_layer_protocol")),
		NetworkType:     str(l2.Get("network_type")),
		VLANTransparent: boolean(l2.Get("vlan_transparent")),
		MTU:             integer(l2.Get("mtu")),
		SegmentationID:  str(l2.Get("segmentation_id")),
		IPVersion:       str(l3.Get("ip_version")),
		CIDR:            str(l3.Get("cidr")),
		GatewayIP:       str(l3.Get("gateway_ip")),
		DHCPEnabled:     boolPtr(l3.Get("dhcp_enabled")),
		IPv6AddressMode: str(l3.Get("ipv6_address_mode")),
	}
	if pools := l3.Get("ip_allocation_pools"); pools != nil {
		for _, x := range pools.List {
			out.IPPools = append(out.IPPools, [2]string{str(x.Get("start_ip_address")), str(x.Get("end_ip_address"))})
		}
	}
	return out
}
