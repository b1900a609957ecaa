package grant

import (
	"errors"
	"fmt"
	"slices"
)

// ErrInvalid is wrapped by every error about a request that cannot be
// decided as it is.
var ErrInvalid = errors.New("invalid grant request")

// operations are SOL 003 GrantedLcmOperationType's values.
var operations = []string{"INSTANTIATE", "SCALE", "SCALE_TO_LEVEL", "CHANGE_FLAVOUR", "TERMINATE",
	"HEAL", "OPERATE", "CHANGE_EXT_CONN", "CHANGE_VNFPKG", "CREATE_SNAPSHOT", "REVERT_TO_SNAPSHOT"}

var resourceTypes = []string{Compute, VL, Storage, LinkPort}

// Validate reports every problem of r with its path, wrapping ErrInvalid.
func (r *Request) Validate() error { return Invalid(r.Problems()...) }

// Invalid joins problems into one error wrapping ErrInvalid; nil for none.
func Invalid(problems ...error) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(problems...))
}

// Problems lists every problem of r with its path.
func (r *Request) Problems() []error {
	var errs []error
	req := func(path, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s: required", path))
		}
	}
	req("vnfInstanceId", r.VNFInstanceID)
	req("vnfLcmOpOccId", r.VNFLcmOpOccID)
	req("vnfdId", r.VNFDID)
	req("_links.vnfLcmOpOcc.href", r.OpOccHref)
	req("_links.vnfInstance.href", r.InstanceHref)
	if !slices.Contains(operations, r.Operation) {
		errs = append(errs, fmt.Errorf("operation: %q is not an LCM operation that is granted", r.Operation))
	}
	ids := map[string]bool{}
	for _, l := range []struct {
		name string
		defs []ResourceDefinition
	}{{"addResources", r.AddResources}, {"tempResources", r.TempResources},
		{"removeResources", r.RemoveResources}, {"updateResources", r.UpdateResources}} {
		for i, d := range l.defs {
			path := fmt.Sprintf("%s[%d]", l.name, i)
			req(path+".id", d.ID)
			if !slices.Contains(resourceTypes, d.Type) {
				errs = append(errs, fmt.Errorf("%s.type: %q is not one of %v", path, d.Type, resourceTypes))
			}
			if d.ID != "" && ids[d.ID] {
				errs = append(errs, fmt.Errorf("%s.id: %q is used twice in the request", path, d.ID))
			}
			ids[d.ID] = true
		}
	}
	for i, pc := range r.PlacementConstraints {
		errs = append(errs, pc.validate(fmt.Sprintf("placementConstraints[%d]", i), ids)...)
	}
	return errs
}

func (pc *PlacementConstraint) validate(path string, ids map[string]bool) []error {
	var errs []error
	if pc.AffinityOrAntiAffinity != "AFFINITY" && pc.AffinityOrAntiAffinity != "ANTI_AFFINITY" {
		errs = append(errs, fmt.Errorf("%s.affinityOrAntiAffinity: %q is not AFFINITY or ANTI_AFFINITY", path, pc.AffinityOrAntiAffinity))
	}
	if !slices.Contains([]string{"NFVI_POP", "ZONE", "ZONE_GROUP", "NFVI_NODE"}, pc.Scope) {
		errs = append(errs, fmt.Errorf("%s.scope: %q is not a placement scope", path, pc.Scope))
	}
	if len(pc.ResourceIDs) < 2 {
		errs = append(errs, fmt.Errorf("%s.resource: at least 2 resources", path))
	}
	return errs
}
