package lcm

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// ParamManifests is the additionalParams key naming the Kubernetes manifest
// files of the package to deploy, in order (as ETSI-aligned VNFMs use it).
const ParamManifests = "lcm-kubernetes-def-files"

// ParamNamespace is the additionalParams key naming the namespace to deploy
// into; without it the driver makes one for the VNF.
const ParamNamespace = "namespace"

// InitialLevels returns the scale level of every aspect of fl at the
// instantiation level levelID ("" takes the flavour's default level; with
// none, every aspect starts at 0).
func InitialLevels(fl *vnfd.Flavour, levelID string) (map[string]int, error) {
	levels := make(map[string]int, len(fl.ScalingAspects))
	for _, a := range fl.ScalingAspects {
		levels[a.ID] = 0
	}
	if levelID == "" {
		levelID = fl.DefaultInstantiationLevel
	}
	if levelID == "" {
		return levels, nil
	}
	il := fl.InstantiationLevel(levelID)
	if il == nil {
		return nil, fmt.Errorf("flavour %s has no instantiation level %q: %w", fl.ID, levelID, ErrInvalid)
	}
	for aspect, l := range il.ScaleLevels {
		if _, ok := levels[aspect]; ok {
			levels[aspect] = l
		}
	}
	return levels, nil
}

// VDUCount is the number of instances of v at the given aspect scale
// levels: its initial delta plus, per aspect, the delta of every step up
// to the aspect's level, bounded by its vdu_profile.
func VDUCount(fl *vnfd.Flavour, v *vnfd.VDU, levels map[string]int) int {
	n := max(v.InitialInstances, 0)
	for aspectID, deltas := range v.ScalingDeltas {
		a := fl.ScalingAspect(aspectID)
		if a == nil || len(a.StepDeltas) == 0 {
			continue
		}
		for step := 1; step <= levels[aspectID]; step++ {
			n += deltas[a.StepDeltas[min(step, len(a.StepDeltas))-1]]
		}
	}
	if v.MaxInstances > 0 {
		n = min(n, v.MaxInstances)
	}
	return max(n, v.MinInstances)
}

// Counts returns the number of instances of every VDU at levels.
func Counts(fl *vnfd.Flavour, levels map[string]int) map[string]int {
	out := make(map[string]int, len(fl.VDUs))
	for _, v := range fl.VDUs {
		out[v.ID] = VDUCount(fl, v, levels)
	}
	return out
}

// ScaleLevels returns the aspect levels after req, or ErrInvalid when the
// aspect is unknown or the new level leaves 0..max_scale_level.
func ScaleLevels(fl *vnfd.Flavour, current map[string]int, req ScaleRequest) (map[string]int, error) {
	a := fl.ScalingAspect(req.AspectID)
	if a == nil {
		return nil, fmt.Errorf("flavour %s has no scaling aspect %q: %w", fl.ID, req.AspectID, ErrInvalid)
	}
	steps := max(req.NumberOfSteps, 1)
	if req.Type == ScaleIn {
		steps = -steps
	} else if req.Type != ScaleOut {
		return nil, fmt.Errorf("scale type %q: %w", req.Type, ErrInvalid)
	}
	level := current[a.ID] + steps
	if level < 0 || level > a.MaxScaleLevel {
		return nil, fmt.Errorf("aspect %s would go from level %d to %d, outside 0..%d: %w",
			a.ID, current[a.ID], level, a.MaxScaleLevel, ErrInvalid)
	}
	out := maps.Clone(current)
	if out == nil {
		out = map[string]int{}
	}
	out[a.ID] = level
	return out, nil
}

// TargetLevels returns the aspect levels req asks for: those of an
// instantiation level, or the current ones overridden per aspect.
func TargetLevels(fl *vnfd.Flavour, current map[string]int, req ScaleToLevelRequest) (map[string]int, error) {
	if req.InstantiationLevelID != "" {
		return InitialLevels(fl, req.InstantiationLevelID)
	}
	if len(req.ScaleLevels) == 0 {
		return nil, fmt.Errorf("neither instantiationLevelId nor scaleInfo given: %w", ErrInvalid)
	}
	out := maps.Clone(current)
	if out == nil {
		out = map[string]int{}
	}
	for id, l := range req.ScaleLevels {
		a := fl.ScalingAspect(id)
		if a == nil {
			return nil, fmt.Errorf("flavour %s has no scaling aspect %q: %w", fl.ID, id, ErrInvalid)
		}
		if l < 0 || l > a.MaxScaleLevel {
			return nil, fmt.Errorf("aspect %s level %d outside 0..%d: %w", id, l, a.MaxScaleLevel, ErrInvalid)
		}
		out[id] = l
	}
	return out, nil
}

// PlanInput is what a Spec is planned from.
type PlanInput struct {
	VNFInstanceID string
	Flavour       *vnfd.Flavour
	Levels        map[string]int
	// Package is the package content, for artifacts.
	Package          fs.FS
	AdditionalParams map[string]any
	// ExtVirtualLinks are the request's extVirtualLinks (SOL 003 ExtVirtualLinkData, as
	// JSON): the existing networks the external CPs attach to.
	ExtVirtualLinks json.RawMessage
	// Zones confine each VDU's instances, by VDU ID (from the grant).
	Zones map[string][]string
	// VIMAssets are the VIM's flavours and images granted for the VDUs.
	VIMAssets *VIMAssets
}

// Plan builds the Spec of a VNF from its flavour and aspect levels. It is
// pure: the same input gives the same Spec.
func Plan(in PlanInput) (*vim.Spec, error) {
	fl := in.Flavour
	spec := &vim.Spec{VNFInstanceID: in.VNFInstanceID}
	if ns, ok := in.AdditionalParams[ParamNamespace].(string); ok {
		spec.Namespace = ns
	}
	counts := Counts(fl, in.Levels)
	for _, v := range fl.VDUs {
		vdu := planVDU(fl, v, counts[v.ID])
		vdu.Zones = slices.Clone(in.Zones[v.ID])
		if a := in.VIMAssets; a != nil && vdu.Compute != nil {
			vdu.Compute.VIMFlavourID, vdu.Compute.VIMImageID = a.Flavours[v.ID], a.Images[v.ID]
		}
		spec.VDUs = append(spec.VDUs, vdu)
	}
	spec.ConnectionPoints = planCPs(fl)
	links, err := planLinks(fl, in.ExtVirtualLinks, spec.ConnectionPoints)
	if err != nil {
		return nil, err
	}
	spec.VirtualLinks = links
	spec.PlacementRules = vim.PlacementRulesOf(fl)
	spec.SecurityGroupRules = vim.SecurityGroupRulesOf(fl)
	spec.Package = in.Package
	spec.Storages = planStorages(fl)
	if a := in.VIMAssets; a != nil {
		for i, st := range spec.Storages {
			spec.Storages[i].VIMImageID = a.Images[st.ID]
		}
	}
	art, err := planArtifacts(fl, in)
	if err != nil {
		return nil, err
	}
	spec.Artifacts = art
	return spec, nil
}

func planVDU(fl *vnfd.Flavour, v *vnfd.VDU, n int) vim.VDU {
	out := vim.VDU{ID: v.ID, Name: v.MCIOName, Replicas: n, Storages: slices.Clone(v.Storages),
		MinReplicas: v.MinInstances, MaxReplicas: v.MaxInstances}
	if v.Kind == vnfd.VDUCompute {
		out.Compute = planCompute(v)
	}
	for _, id := range v.Containers {
		for _, c := range fl.Containers {
			if c.ID == id {
				out.Containers = append(out.Containers, planContainer(c))
			}
		}
	}
	return out
}

func planCompute(v *vnfd.VDU) *vim.Compute {
	c := &vim.Compute{}
	if vc := v.VirtualCompute; vc != nil {
		c.VirtualCPUs, c.MemoryBytes = vc.NumVirtualCPU, vc.VirtualMemBytes
		if len(vc.LocalStorageBytes) > 0 {
			c.DiskBytes = vc.LocalStorageBytes[0]
		}
	}
	if img := v.SwImage; img != nil {
		c.Image, c.DiskFormat, c.ContainerFormat = imageRef(img), img.DiskFormat, img.ContainerFormat
		if img.Artifact != nil {
			c.ImageFile = img.Artifact.Path
		}
	}
	return c
}

func planContainer(c *vnfd.OsContainer) vim.Container {
	out := vim.Container{Name: c.Name,
		Requests: vim.Resources{MilliCPU: int64(c.RequestedCPU), MemoryBytes: c.RequestedMemoryBytes,
			EphemeralBytes: c.RequestedEphemeralBytes},
		Limits: vim.Resources{MilliCPU: int64(c.CPULimit), MemoryBytes: c.MemoryLimitBytes,
			EphemeralBytes: c.EphemeralLimitBytes}}
	if out.Name == "" {
		out.Name = c.ID
	}
	if c.SwImage != nil {
		out.Image = imageRef(c.SwImage)
	}
	return out
}

// imageRef is the image a VIM pulls: the artifact's file (a registry
// reference for containers), else the image's name and version.
func imageRef(img *vnfd.SwImage) string {
	if img.Artifact != nil && img.Artifact.File != "" {
		return img.Artifact.File
	}
	if img.Version != "" {
		return img.Name + ":" + img.Version
	}
	return img.Name
}

func planCPs(fl *vnfd.Flavour) []vim.ConnectionPoint {
	var out []vim.ConnectionPoint
	for _, cp := range fl.VduCPs {
		if cp.VDU != "" {
			// A VduCp on no internal link is exposed as an external CP.
			out = append(out, vim.ConnectionPoint{ID: cp.ID, VDUs: []string{cp.VDU}, External: cp.VirtualLink == "",
				VirtualLink: cp.VirtualLink})
		}
	}
	for _, cp := range fl.VirtualCPs {
		out = append(out, vim.ConnectionPoint{ID: cp.ID, VDUs: slices.Clone(cp.Targets)})
	}
	return out
}

// extVirtualLink is what Plan reads of a SOL 003 ExtVirtualLinkData.
type extVirtualLink struct {
	ID         string `json:"id"`
	ResourceID string `json:"resourceId"`
	ExtCPs     []struct {
		CPDID string `json:"cpdId"`
	} `json:"extCps"`
}

// planLinks lists the flavour's internal virtual links and the request's external ones, and
// attaches the external CPs the request names to theirs.
func planLinks(fl *vnfd.Flavour, raw json.RawMessage, cps []vim.ConnectionPoint) ([]vim.VirtualLink, error) {
	var out []vim.VirtualLink
	for _, vl := range fl.VirtualLinks {
		l := vim.VirtualLink{ID: vl.ID}
		for _, p := range vl.Protocols {
			if p.CIDR != "" {
				l.CIDR = p.CIDR
				break
			}
		}
		out = append(out, l)
	}
	var ext []extVirtualLink
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ext); err != nil {
			return nil, fmt.Errorf("extVirtualLinks: %v: %w", err, ErrInvalid)
		}
	}
	for _, e := range ext {
		if e.ID == "" || e.ResourceID == "" {
			return nil, fmt.Errorf("extVirtualLinks: every link needs an id and a resourceId: %w", ErrInvalid)
		}
		out = append(out, vim.VirtualLink{ID: e.ID, Network: e.ResourceID})
		for _, ec := range e.ExtCPs {
			for i := range cps {
				if cps[i].ID == ec.CPDID && cps[i].External {
					cps[i].VirtualLink = e.ID
				}
			}
		}
	}
	return out, nil
}

func planStorages(fl *vnfd.Flavour) []vim.Storage {
	kinds := map[vnfd.StorageKind]vim.StorageKind{vnfd.BlockStorage: vim.BlockStorage,
		vnfd.FileStorage: vim.FileStorage, vnfd.ObjectStorage: vim.ObjectStorage}
	var out []vim.Storage
	for _, s := range fl.Storages {
		st := vim.Storage{ID: s.ID, Kind: kinds[s.Kind], SizeBytes: s.SizeBytes, PerVNFC: s.PerVNFCInstance}
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

// planArtifacts chooses where the resources come from: the manifests the
// request names, a Helm chart of the flavour's MCIOPs, or (nil) the VDUs.
func planArtifacts(fl *vnfd.Flavour, in PlanInput) (*vim.Artifacts, error) {
	if raw, ok := in.AdditionalParams[ParamManifests]; ok {
		files, err := stringList(raw)
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("additionalParams.%s must be a list of file paths: %w", ParamManifests, ErrInvalid)
		}
		for _, f := range files {
			if !fs.ValidPath(f) {
				return nil, fmt.Errorf("additionalParams.%s: %q is not a path in the package: %w", ParamManifests, f, ErrInvalid)
			}
		}
		return &vim.Artifacts{Package: in.Package, Manifests: files}, nil
	}
	for _, m := range fl.MCIOPs {
		for _, name := range slices.Sorted(maps.Keys(m.Artifacts)) {
			if a := m.Artifacts[name]; a.Kind == vnfd.ArtifactHelmChart && a.Path != "" {
				return &vim.Artifacts{Package: in.Package, HelmChart: a.Path}, nil
			}
		}
	}
	return nil, nil
}

func stringList(v any) ([]string, error) {
	switch l := v.(type) {
	case []string:
		return l, nil
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%v is not a string", e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%T is not a list", v)
}
