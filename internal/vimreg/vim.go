package vimreg

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// VIM is one VIM the NFVO may grant. Its JSON form is the registry file's
// entry and, without AccessInfo, the stored document.
type VIM struct {
	// ID is the VIM's identifier (SOL 003 vimId).
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// VIMType is SOL 003 vimType, e.g. "kubernetes" or
	// "ETSINFV.OPENSTACK_KEYSTONE.V_3".
	VIMType       string            `json:"vimType"`
	InterfaceInfo map[string]string `json:"interfaceInfo,omitempty"`
	// AccessInfo holds the credentials. It is never marshalled: the file
	// reader fills it from the file's accessInfo, the registry from the
	// sealed copy.
	AccessInfo map[string]string `json:"-"`
	Extra      map[string]any    `json:"extra,omitempty"`
	// Zones are the resource zones of the VIM that grants place
	// resources in (e.g. Kubernetes topology zones, OpenStack
	// availability zones), in order of preference.
	Zones []string `json:"zones,omitempty"`
	// Default marks the VIM granted when a request names none the
	// registry knows. At most one VIM is the default.
	Default bool `json:"default,omitempty"`
	// Quota bounds what grants may place on the VIM; nil: unbounded.
	Quota *Quota `json:"quota,omitempty"`
	// Flavours are the VIM's compute flavours the NFVO manages for VNFs
	// (SOL 003 Grant.vimAssets.computeResourceFlavours): each key names a
	// virtual compute descriptor of a VNFD, its VDU's id, for every VNF
	// package ("web") or for one ("<vnfdId>/web", which wins); the value is
	// the VIM's flavour id.
	Flavours map[string]string `json:"flavours,omitempty"`
	// Images are the VIM's software images the NFVO manages for VNFs
	// (vimAssets.softwareImages), keyed like Flavours by the VNFD's
	// software image id: the VDU or virtual storage that carries the
	// sw_image artifact. The value is the VIM's image id.
	Images map[string]string `json:"images,omitempty"`
}

// Asset returns the VIM's id of the asset the VNFD vnfdID names descID
// in assets (Flavours or Images): the entry for that VNFD, else the one
// for every VNFD; "" when there is none.
func Asset(assets map[string]string, vnfdID, descID string) string {
	if id, ok := assets[vnfdID+"/"+descID]; ok {
		return id
	}
	return assets[descID]
}

// Quota bounds the resources granted on one VIM, by SOL 003 resource
// type; 0 leaves a type unbounded.
type Quota struct {
	Compute     int `json:"compute,omitempty"`
	Storage     int `json:"storage,omitempty"`
	VirtualLink int `json:"virtualLink,omitempty"`
	LinkPort    int `json:"linkPort,omitempty"`
}

// Validate reports every problem of v with its path.
func (v *VIM) Validate(path string) error {
	var errs []error
	if v.ID == "" {
		errs = append(errs, fmt.Errorf("%s.id: required", path))
	}
	if v.VIMType == "" {
		errs = append(errs, fmt.Errorf("%s.vimType: required", path))
	}
	if q := v.Quota; q != nil && (q.Compute < 0 || q.Storage < 0 || q.VirtualLink < 0 || q.LinkPort < 0) {
		errs = append(errs, fmt.Errorf("%s.quota: limits must not be negative", path))
	}
	errs = append(errs, validateAssets(path+".flavours", v.Flavours)...)
	errs = append(errs, validateAssets(path+".images", v.Images)...)
	return errors.Join(errs...)
}

// validateAssets checks that every key is a descriptor id, optionally
// after a VNFD id and a slash, and every value a VIM id.
func validateAssets(path string, assets map[string]string) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(assets)) {
		vnfd, desc, scoped := strings.Cut(k, "/")
		if desc == "" && !scoped {
			desc = vnfd
		}
		if desc == "" || (scoped && vnfd == "") || strings.Contains(desc, "/") {
			errs = append(errs, fmt.Errorf("%s: key %q is not a descriptor id or <vnfdId>/<descriptor id>", path, k))
		}
		if strings.TrimSpace(assets[k]) == "" {
			errs = append(errs, fmt.Errorf("%s.%s: the VIM's id is required", path, k))
		}
	}
	return errs
}

// validateSet checks each VIM and that ids are unique and at most one is
// the default.
func validateSet(vims []VIM) error {
	var errs []error
	seen := map[string]bool{}
	defaults := 0
	for i := range vims {
		path := fmt.Sprintf("vims[%d]", i)
		if err := vims[i].Validate(path); err != nil {
			errs = append(errs, err)
		}
		if seen[vims[i].ID] {
			errs = append(errs, fmt.Errorf("%s.id: %q appears twice", path, vims[i].ID))
		}
		seen[vims[i].ID] = true
		if vims[i].Default {
			defaults++
		}
	}
	if defaults > 1 {
		errs = append(errs, fmt.Errorf("vims: %d VIMs are marked default, at most one may be", defaults))
	}
	return errors.Join(errs...)
}
