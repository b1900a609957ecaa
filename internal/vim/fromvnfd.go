package vim

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// Params are what SpecFromVNFD needs besides the VNFD: the instance, where it goes, and the
// instantiate request's choices.
type Params struct {
	VNFInstanceID string
	// Namespace to deploy into; empty lets the driver create one.
	Namespace string
	// Package is the package content, for manifests and charts.
	Package fs.FS
	// Manifests are the package's Kubernetes manifests to deploy (the instantiate request's
	// additionalParams lcm-kubernetes-def-files); empty: a Helm chart of the flavour's MCIOPs,
	// if any, else the VDUs.
	Manifests []string
	// HelmValues override the chart's values.
	HelmValues map[string]any
	// Zones by VDU ID, from the grant.
	Zones map[string][]string
}

// SpecFromVNFD builds the spec of a VNF from its VNFD: flavourID's VDUs with the number of
// instances of the instantiation level (the flavour's default when empty) and of the scale
// levels in scale (aspect ID to level, overriding the level's), its storages, connection
// points and placement rules. It is pure; every problem is reported, joined.
func SpecFromVNFD(d *vnfd.VNFD, flavourID, instantiationLevelID string, scale map[string]int, p Params) (*Spec, error) {
	f := d.Flavour(flavourID)
	if f == nil {
		return nil, fmt.Errorf("flavour %q: %w", flavourID, ErrNotFound)
	}
	levels, err := scaleLevels(f, instantiationLevelID, scale)
	if err != nil {
		return nil, err
	}
	s := &Spec{VNFInstanceID: p.VNFInstanceID, Namespace: p.Namespace}
	var errs []error
	for _, v := range f.VDUs {
		vdu, err := vduFrom(f, v, levels, p)
		errs = append(errs, err)
		s.VDUs = append(s.VDUs, vdu)
	}
	s.Storages = storagesFrom(f)
	s.ConnectionPoints = cpsFrom(f)
	for _, vl := range f.VirtualLinks {
		s.VirtualLinks = append(s.VirtualLinks, VirtualLink{ID: vl.ID})
	}
	s.PlacementRules = PlacementRulesOf(f)
	s.SecurityGroupRules = SecurityGroupRulesOf(f)
	s.Package = p.Package
	s.Artifacts = artifactsFrom(f, p)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// levelState is the scale level of every aspect, and whether the instantiation level alone
// decided it (then VduInstantiationLevels counts apply).
type levelState struct {
	levelID  string
	aspects  map[string]int
	override map[string]bool
}

func scaleLevels(f *vnfd.Flavour, levelID string, scale map[string]int) (*levelState, error) {
	if levelID == "" {
		levelID = f.DefaultInstantiationLevel
	}
	st := &levelState{levelID: levelID, aspects: map[string]int{}, override: map[string]bool{}}
	var errs []error
	if levelID != "" {
		l := f.InstantiationLevel(levelID)
		if l == nil {
			errs = append(errs, fmt.Errorf("instantiation level %q: %w", levelID, ErrNotFound))
		} else {
			for a, n := range l.ScaleLevels {
				st.aspects[a] = n
			}
		}
	}
	for _, a := range sortedKeys(scale) {
		asp := f.ScalingAspect(a)
		switch n := scale[a]; {
		case asp == nil:
			errs = append(errs, fmt.Errorf("scale aspect %q: %w", a, ErrNotFound))
		case n < 0 || n > asp.MaxScaleLevel:
			errs = append(errs, fmt.Errorf("scale aspect %q: level %d not in 0..%d: %w", a, n, asp.MaxScaleLevel, ErrPermanent))
		default:
			st.aspects[a], st.override[a] = n, true
		}
	}
	return st, errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Replicas is the number of instances of a VDU at the given levels: the VDU's count for the
// instantiation level when it has one and no aspect of it was scaled, else its initial delta
// plus, per aspect, the deltas of each step up to the aspect's level (the last step delta
// repeating), bounded by vdu_profile.
func Replicas(f *vnfd.Flavour, v *vnfd.VDU, levelID string, aspects map[string]int, scaled map[string]bool) int {
	n, fromLevel := v.InstantiationLevels[levelID]
	for a := range v.ScalingDeltas {
		if scaled[a] {
			fromLevel = false
		}
	}
	if !fromLevel {
		n = v.InitialInstances
		for _, a := range sortedKeys(v.ScalingDeltas) {
			n += stepsDelta(f.ScalingAspect(a), v.ScalingDeltas[a], aspects[a])
		}
	}
	if v.MaxInstances > 0 && n > v.MaxInstances {
		n = v.MaxInstances
	}
	return max(n, v.MinInstances, 0)
}

func stepsDelta(a *vnfd.ScalingAspect, deltas map[string]int, level int) int {
	if a == nil || len(a.StepDeltas) == 0 {
		return 0
	}
	n := 0
	for i := range level {
		n += deltas[a.StepDeltas[min(i, len(a.StepDeltas)-1)]]
	}
	return n
}

func vduFrom(f *vnfd.Flavour, v *vnfd.VDU, l *levelState, p Params) (VDU, error) {
	out := VDU{
		ID: v.ID, Name: v.MCIOName, Storages: v.Storages, Zones: p.Zones[v.ID],
		MinReplicas: v.MinInstances, MaxReplicas: v.MaxInstances,
		Replicas: Replicas(f, v, l.levelID, l.aspects, l.override),
	}
	if v.Kind == vnfd.VDUCompute {
		c := &Compute{Image: imageRef(v.SwImage)}
		if img := v.SwImage; img != nil {
			c.DiskFormat, c.ContainerFormat = img.DiskFormat, img.ContainerFormat
			if img.Artifact != nil {
				c.ImageFile = img.Artifact.Path
			}
		}
		if vc := v.VirtualCompute; vc != nil {
			c.VirtualCPUs, c.MemoryBytes = vc.NumVirtualCPU, vc.VirtualMemBytes
			if len(vc.LocalStorageBytes) > 0 {
				c.DiskBytes = vc.LocalStorageBytes[0]
			}
		}
		out.Compute = c
		return out, nil
	}
	var errs []error
	for _, id := range v.Containers {
		c := container(f, id)
		if c == nil {
			errs = append(errs, fmt.Errorf("vdu %s: container %q: %w", v.ID, id, ErrNotFound))
			continue
		}
		out.Containers = append(out.Containers, *c)
	}
	return out, errors.Join(errs...)
}

func container(f *vnfd.Flavour, id string) *Container {
	for _, c := range f.Containers {
		if c.ID != id {
			continue
		}
		name := c.Name
		if name == "" {
			name = c.ID
		}
		return &Container{
			Name: name, Image: imageRef(c.SwImage),
			Requests: Resources{MilliCPU: int64(c.RequestedCPU), MemoryBytes: c.RequestedMemoryBytes, EphemeralBytes: c.RequestedEphemeralBytes},
			Limits:   Resources{MilliCPU: int64(c.CPULimit), MemoryBytes: c.MemoryLimitBytes, EphemeralBytes: c.EphemeralLimitBytes},
		}
	}
	return nil
}

// imageRef is what a VIM pulls: the sw_image artifact's file (a registry reference for
// containers), else the image name and version.
func imageRef(img *vnfd.SwImage) string {
	switch {
	case img == nil:
		return ""
	case img.Artifact != nil && img.Artifact.File != "":
		return img.Artifact.File
	case img.Version != "":
		return img.Name + ":" + img.Version
	}
	return img.Name
}

func storagesFrom(f *vnfd.Flavour) []Storage {
	var out []Storage
	for _, s := range f.Storages {
		kind := BlockStorage
		switch s.Kind {
		case vnfd.FileStorage:
			kind = FileStorage
		case vnfd.ObjectStorage:
			kind = ObjectStorage
		}
		st := Storage{ID: s.ID, Kind: kind, SizeBytes: s.SizeBytes, PerVNFC: s.PerVNFCInstance}
		if img := s.SwImage; img != nil {
			st.Image, st.DiskFormat, st.ContainerFormat = imageRef(img), img.DiskFormat, img.ContainerFormat
			if img.Artifact != nil {
				st.ImageFile = img.Artifact.Path
			}
		}
		out = append(out, st)
	}
	return out
}

// cpsFrom maps VduCps (external when bound to no internal link) and VirtualCps.
func cpsFrom(f *vnfd.Flavour) []ConnectionPoint {
	var out []ConnectionPoint
	for _, cp := range f.VduCPs {
		out = append(out, ConnectionPoint{ID: cp.ID, VDUs: []string{cp.VDU}, External: cp.VirtualLink == "",
			VirtualLink: cp.VirtualLink})
	}
	for _, cp := range f.VirtualCPs {
		out = append(out, ConnectionPoint{ID: cp.ID, VDUs: cp.Targets})
	}
	return out
}

// PlacementRulesOf maps the flavour's placement rules, expanding placement groups and MCIOPs
// to their VDUs.
func PlacementRulesOf(f *vnfd.Flavour) []PlacementRule {
	var out []PlacementRule
	for _, r := range f.PlacementRules {
		var vdus []string
		for _, t := range r.Targets {
			vdus = append(vdus, targetVDUs(f, t)...)
		}
		if len(vdus) == 0 {
			continue
		}
		out = append(out, PlacementRule{ID: r.ID, Affinity: r.Affinity, Scope: scopeOf(r.Scope), VDUs: vdus})
	}
	return out
}

// SecurityGroupRulesOf maps the flavour's security group rules with SOL 001's defaults for
// what they leave out (ingress, ipv4, tcp, ports 0 to 65535). A rule's VduCp targets are its
// connection points; a VnfExtCp target stands for the VduCps on the VnfExtCp's internal
// virtual link, where its traffic enters the VNF. Rules that reach no CP are left out.
func SecurityGroupRulesOf(f *vnfd.Flavour) []SecurityGroupRule {
	var out []SecurityGroupRule
	for _, r := range f.SecurityGroupRules {
		var cps []string
		for _, t := range r.Targets {
			cps = append(cps, targetCPs(f, t)...)
		}
		if len(cps) == 0 {
			continue
		}
		sg := SecurityGroupRule{ID: r.ID, Direction: r.Direction, EtherType: r.EtherType, Protocol: r.Protocol,
			PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax, ConnectionPoints: cps}
		if sg.Direction == "" {
			sg.Direction = "ingress"
		}
		if sg.EtherType == "" {
			sg.EtherType = "ipv4"
		}
		if sg.Protocol == "" {
			sg.Protocol = "tcp"
		}
		if sg.PortRangeMin == 0 && sg.PortRangeMax == 0 {
			sg.PortRangeMax = 65535
		}
		out = append(out, sg)
	}
	return out
}

func targetCPs(f *vnfd.Flavour, target string) []string {
	for _, cp := range f.VduCPs {
		if cp.ID == target {
			return []string{target}
		}
	}
	var out []string
	for _, e := range f.ExtCPs {
		if e.ID != target || e.InternalVirtualLink == "" {
			continue
		}
		for _, cp := range f.VduCPs {
			if cp.VirtualLink == e.InternalVirtualLink {
				out = append(out, cp.ID)
			}
		}
	}
	return out
}

func targetVDUs(f *vnfd.Flavour, target string) []string {
	if f.VDU(target) != nil {
		return []string{target}
	}
	for _, g := range f.PlacementGroups {
		if g.ID == target {
			var out []string
			for _, m := range g.Members {
				out = append(out, targetVDUs(f, m)...)
			}
			return out
		}
	}
	for _, m := range f.MCIOPs {
		if m.ID == target {
			return m.AssociatedVDUs
		}
	}
	return nil
}

// scopeOf maps SOL 001 placement scopes: zones and NFVI-PoPs to ScopeZone, nodes to ScopeNode.
func scopeOf(s string) Scope {
	switch s {
	case "zone", "zone_group", "nfvi_pop":
		return ScopeZone
	}
	return ScopeNode
}

// artifactsFrom picks the package's manifests when the request names them, else the first
// Helm chart of the flavour's MCIOPs; nil when the VDUs are the source.
func artifactsFrom(f *vnfd.Flavour, p Params) *Artifacts {
	if len(p.Manifests) > 0 {
		return &Artifacts{Package: p.Package, Manifests: p.Manifests}
	}
	for _, m := range f.MCIOPs {
		for _, name := range sortedKeys(m.Artifacts) {
			if a := m.Artifacts[name]; a.Kind == vnfd.ArtifactHelmChart && a.Path != "" {
				return &Artifacts{Package: p.Package, HelmChart: a.Path, HelmValues: p.HelmValues}
			}
		}
	}
	return nil
}
