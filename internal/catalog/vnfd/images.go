package vnfd

import "sort"

// ImageRef is a software image and the node it is declared on, the shape
// of a SOL 005 VnfPkgInfo softwareImages entry.
type ImageRef struct {
	// ID is the VDU, storage or container node the image belongs to.
	ID      string
	Flavour string
	Image   *SwImage
}

// SoftwareImages lists the software images of every flavour: VDU, storage
// and container images, by flavour then node ID.
func (d *VNFD) SoftwareImages() []ImageRef {
	var out []ImageRef
	for _, f := range d.Flavours {
		for _, v := range f.VDUs {
			if v.SwImage != nil {
				out = append(out, ImageRef{ID: v.ID, Flavour: f.ID, Image: v.SwImage})
			}
		}
		for _, s := range f.Storages {
			if s.SwImage != nil {
				out = append(out, ImageRef{ID: s.ID, Flavour: f.ID, Image: s.SwImage})
			}
		}
		for _, c := range f.Containers {
			if c.SwImage != nil {
				out = append(out, ImageRef{ID: c.ID, Flavour: f.ID, Image: c.SwImage})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Flavour != out[j].Flavour {
			return out[i].Flavour < out[j].Flavour
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// PackageFiles lists the package paths of every artifact of every flavour
// (images, charts, manifests, scripts), sorted and without duplicates: the
// files onboarding must find in the CSAR.
func (d *VNFD) PackageFiles() []string {
	seen := map[string]bool{}
	add := func(arts map[string]*Artifact) {
		for _, a := range arts {
			if a.Path != "" {
				seen[a.Path] = true
			}
		}
	}
	for _, f := range d.Flavours {
		add(f.Artifacts)
		for _, v := range f.VDUs {
			add(v.Artifacts)
		}
		for _, c := range f.Containers {
			add(c.Artifacts)
		}
		for _, m := range f.MCIOPs {
			add(m.Artifacts)
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
