package vnfd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// Node and policy types the model reads.
const (
	typeVNF            = "tosca.nodes.nfv.VNF"
	typeCompute        = "tosca.nodes.nfv.Vdu.Compute"
	typeOSCDU          = "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit"
	typeOsContainer    = "tosca.nodes.nfv.Vdu.OsContainer"
	typeBlockStorage   = "tosca.nodes.nfv.Vdu.VirtualBlockStorage"
	typeObjectStorage  = "tosca.nodes.nfv.Vdu.VirtualObjectStorage"
	typeFileStorage    = "tosca.nodes.nfv.Vdu.VirtualFileStorage"
	typeVduCp          = "tosca.nodes.nfv.VduCp"
	typeVirtualCp      = "tosca.nodes.nfv.VirtualCp"
	typeExtCp          = "tosca.nodes.nfv.VnfExtCp"
	typeVirtualLink    = "tosca.nodes.nfv.VnfVirtualLink"
	typeMciop          = "tosca.nodes.nfv.Mciop"
	typePlacementGroup = "tosca.groups.nfv.PlacementGroup"
)

// Load loads the VNFD at entry in fsys (a CSAR's contents) and builds its
// model.
func Load(ctx context.Context, fsys fs.FS, entry string) (*VNFD, error) {
	st, err := tosca.Load(ctx, fsys, entry, tosca.Options{})
	if err != nil {
		return nil, fmt.Errorf("load vnfd %s: %w", entry, err)
	}
	return FromTemplate(st)
}

// FromTemplate builds the VNFD model of a loaded service template. The
// error joins every inconsistency found (see tosca.Errors).
func FromTemplate(st *tosca.ServiceTemplate) (*VNFD, error) {
	b := &builder{st: st}
	d := b.vnfd()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return d, nil
}

type builder struct {
	st *tosca.ServiceTemplate
	// top is the topology holding the VNF node: the entry file's, or the
	// first loaded one when the entry file only imports.
	top  *tosca.TopologyTemplate
	errs []error
}

func (b *builder) fail(pos tosca.Pos, path, format string, args ...any) {
	b.errs = append(b.errs, tosca.NewError(tosca.CodeInconsistent, pos, path, format, args...))
}

func (b *builder) vnfd() *VNFD {
	top := b.st.Topology
	if top == nil && len(b.st.Topologies) > 0 {
		top = b.st.Topologies[0]
	}
	b.top = top
	if top == nil {
		b.fail(tosca.Pos{File: b.st.Entry}, "topology_template", "the VNFD has no topology template")
		return nil
	}
	vnfs := top.NodesOfType(typeVNF)
	if len(vnfs) != 1 {
		b.fail(top.Pos, "topology_template.node_templates", "want one node of type %s, found %d", typeVNF, len(vnfs))
		return nil
	}
	vnf := vnfs[0]
	r := reader{topo: top}
	d := &VNFD{
		ID:                          str(r.prop(vnf, "descriptor_id")),
		Provider:                    str(r.prop(vnf, "provider")),
		ProductName:                 str(r.prop(vnf, "product_name")),
		SoftwareVersion:             str(r.prop(vnf, "software_version")),
		DescriptorVersion:           str(r.prop(vnf, "descriptor_version")),
		ProductInfoName:             str(r.prop(vnf, "product_info_name")),
		ProductInfoDescription:      str(r.prop(vnf, "product_info_description")),
		VNFMInfo:                    stringList(r.prop(vnf, "vnfm_info")),
		LocalizationLanguages:       stringList(r.prop(vnf, "localization_languages")),
		DefaultLocalizationLanguage: str(r.prop(vnf, "default_localization_language")),
		LCMOperationsConfiguration:  lcmConfig(r.prop(vnf, "lcm_operations_configuration")),
		NodeType:                    vnf.Type.Name,
		TOSCAVersion:                b.st.Version,
		Template:                    b.st,
	}
	if d.ID == "" {
		b.fail(vnf.Pos, vnf.Path()+".properties.descriptor_id", "the VNF has no descriptor_id")
	}
	b.flavours(d, top, vnf)
	return d
}

// flavours reads one flavour per topology substituting the VNF node type;
// a VNFD without any keeps its only flavour in the entry topology.
func (b *builder) flavours(d *VNFD, top *tosca.TopologyTemplate, vnf *tosca.NodeTemplate) {
	topos := b.st.Substitutions(d.NodeType)
	if len(topos) == 0 {
		topos = []*tosca.TopologyTemplate{top}
	}
	seen := map[string]string{}
	for _, t := range topos {
		f := b.flavour(t, vnf)
		if f == nil {
			continue
		}
		if prev, ok := seen[f.ID]; ok {
			b.fail(t.Pos, "topology_template.substitution_mappings", "flavour %q is defined in %s and %s", f.ID, prev, t.File)
			continue
		}
		seen[f.ID] = t.File
		d.Flavours = append(d.Flavours, f)
	}
	sort.Slice(d.Flavours, func(i, j int) bool { return d.Flavours[i].ID < d.Flavours[j].ID })
}

func (b *builder) flavour(t *tosca.TopologyTemplate, topVNF *tosca.NodeTemplate) *Flavour {
	r := reader{topo: t}
	f := &Flavour{File: t.File, Topology: t, Interfaces: map[string]map[string]*Operation{}}
	vnf, vnfFile, vr := topVNF, b.top.File, reader{topo: b.top}
	if nodes := t.NodesOfType(typeVNF); len(nodes) > 0 {
		vnf, vnfFile, vr = nodes[0], t.File, r
	}
	if sm := t.SubstitutionMappings; sm != nil {
		f.ID = str(r.resolve(nil, sm.Properties["flavour_id"]))
		f.ExtVirtualLinks = sm.Requirements
	}
	if f.ID == "" {
		f.ID = str(vr.prop(vnf, "flavour_id"))
	}
	if f.ID == "" {
		b.fail(t.Pos, "topology_template", "deployment flavour in %s has no flavour_id", t.File)
		return nil
	}
	f.Description = str(vr.prop(vnf, "flavour_description"))
	f.Artifacts = artifacts(vnfFile, vnf)
	f.Interfaces = interfaces(vr, vnf, f.Artifacts)
	b.nodes(r, f)
	b.policies(r, f)
	return f
}

func lcmConfig(v *tosca.Value) *LCMOperationsConfiguration {
	if v == nil || v.Kind != tosca.KindMap {
		return nil
	}
	return &LCMOperationsConfiguration{
		InstantiateTargetScaleLevelsSupported: boolean(v.Get("instantiate").Get("target_scale_levels_supported")),
		ScaleByMoreThanOneStepSupported:       boolean(v.Get("scale").Get("scaling_by_more_than_one_step_supported")),
		ScaleToLevelArbitraryTargetLevels:     boolean(v.Get("scale_to_level").Get("arbitrary_target_levels_supported")),
		HealCauses:                            stringList(v.Get("heal").Get("causes")),
		MinGracefulTerminationTimeout:         durationOf(v.Get("terminate").Get("min_graceful_termination_timeout")),
		MaxRecommendedGracefulTermination:     durationOf(v.Get("terminate").Get("max_recommended_graceful_termination_timeout")),
		MinGracefulStopTimeout:                durationOf(v.Get("operate").Get("min_graceful_stop_timeout")),
		MaxRecommendedGracefulStopTimeout:     durationOf(v.Get("operate").Get("max_recommended_graceful_stop_timeout")),
		Raw:                                   rawMap(v),
	}
}
