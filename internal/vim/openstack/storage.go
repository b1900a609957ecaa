package openstack

import (
	"context"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Volume metadata keys Observe reads, besides metaVNF and metaVDU.
const (
	metaStorage = "cadenza_storage"
	metaVNFC    = "cadenza_vnfc"
)

// checkStorage fails with ErrPermanent when the spec asks for virtual storage and the cloud
// has no block storage service to make it with.
func (d *Driver) checkStorage(op string, spec *vim.Spec) error {
	if d.volume != nil {
		return nil
	}
	for _, v := range spec.VDUs {
		if len(v.Storages) > 0 {
			return vim.Errorf(vim.ErrPermanent, op, "vdu %s asks for virtual storage %s, and the vim has no block "+
				"storage service (volumev3 or block-storage in its keystone catalogue)", v.ID, strings.Join(v.Storages, ", "))
		}
	}
	return nil
}

// vduStorages are the storages v mounts, in its order. Each must be block storage: a Cinder
// volume is the only virtual storage the driver makes.
func vduStorages(spec *vim.Spec, v vim.VDU) ([]vim.Storage, error) {
	var out []vim.Storage
	for _, id := range v.Storages {
		i := storageIndex(spec, id)
		if i < 0 {
			return nil, vim.Errorf(vim.ErrPermanent, "generate stack", "vdu %s: storage %q not in the spec", v.ID, id)
		}
		if s := spec.Storages[i]; s.Kind != vim.BlockStorage {
			return nil, vim.Errorf(vim.ErrPermanent, "generate stack",
				"vdu %s: storage %s is %s storage; the openstack driver makes block storage (cinder volumes) only", v.ID, id, s.Kind)
		}
		out = append(out, spec.Storages[i])
	}
	return out, nil
}

func storageIndex(spec *vim.Spec, id string) int {
	for i := range spec.Storages {
		if spec.Storages[i].ID == id {
			return i
		}
	}
	return -1
}

// volumeGiB is a storage's size in Cinder's unit, rounded up, at least 1.
func volumeGiB(sizeBytes int64) int { return int(max((sizeBytes+gib-1)/gib, 1)) }

// addVolumes adds to a VNFC's nested template one volume per storage, named after the
// VNFC's server (serverName, a template expression) and attached to it. A volume thus lives
// and goes with its VNFC: a scale in or a stack delete removes it. Each VNFC gets its own
// volume even for a storage not marked per VNFC instance, as a volume attaches to one server.
func addVolumes(resources map[string]any, spec *vim.Spec, v vim.VDU, stores []vim.Storage, r resolved, serverName []any) {
	vnfc := map[string]any{"list_join": []any{"-", serverName}}
	for _, s := range stores {
		key := paramKey(s.ID)
		props := map[string]any{
			"name": map[string]any{"list_join": []any{"-", append(append([]any{}, serverName...), s.ID)}},
			"size": volumeGiB(s.SizeBytes),
			"metadata": map[string]any{metaVNF: spec.VNFInstanceID, metaVDU: v.ID, metaStorage: s.ID,
				metaVNFC: vnfc},
		}
		if img := r.volumeImages[s.ID]; img != "" {
			props["image"] = img
		}
		resources["volume_"+key] = map[string]any{"type": "OS::Cinder::Volume", "properties": props}
		resources["attach_"+key] = map[string]any{"type": "OS::Cinder::VolumeAttachment", "properties": map[string]any{
			"instance_uuid": map[string]any{"get_resource": "server"},
			"volume_id":     map[string]any{"get_resource": "volume_" + key},
		}}
	}
}

// observeVolumes reports the VNF's volumes (by metadata, one API call) as storages keyed
// "<storage>/<vnfc>".
func (d *Driver) observeVolumes(ctx context.Context, vnfID string, out *vim.State) error {
	if d.volume == nil {
		return nil
	}
	pages, err := volumes.List(d.volume, volumes.ListOpts{Metadata: map[string]string{metaVNF: vnfID}}).AllPages(ctx)
	if err != nil {
		return classify("list volumes", err)
	}
	all, err := volumes.ExtractVolumes(pages)
	if err != nil {
		return classify("list volumes", err)
	}
	for _, v := range all {
		id, vnfc := v.Metadata[metaStorage], v.Metadata[metaVNFC]
		if id == "" || vnfc == "" || v.Metadata[metaVNF] != vnfID || v.Status == "deleting" {
			continue
		}
		out.Storages[id+"/"+vnfc] = vim.StorageState{ResourceID: v.ID, SizeBytes: int64(v.Size) * gib,
			Bound: v.Status == "in-use" && len(v.Attachments) > 0}
	}
	return nil
}

// resolveVolumeImages finds or uploads the image of each block storage a VDU mounts that has
// one (sw_image_data), as for a VDU's image, or checks the one the grant gave.
func (d *Driver) resolveVolumeImages(ctx context.Context, spec *vim.Spec, r resolved) error {
	for _, s := range spec.Storages {
		if s.Kind != vim.BlockStorage || s.Image == "" && s.ImageFile == "" && s.VIMImageID == "" || !mounted(spec, s.ID) {
			continue
		}
		img, err := d.grantedImage(ctx, s.VIMImageID)
		if img == "" && err == nil {
			img, err = d.imageOf(ctx, spec.Package, &vim.Compute{Image: s.Image, ImageFile: s.ImageFile,
				DiskFormat: s.DiskFormat, ContainerFormat: s.ContainerFormat})
		}
		if err != nil {
			return fmt.Errorf("storage %s: %w", s.ID, err)
		}
		r.volumeImages[s.ID] = img
	}
	return nil
}

// mounted reports whether a VDU of the spec mounts the storage.
func mounted(spec *vim.Spec, id string) bool {
	for _, v := range spec.VDUs {
		if contains(v.Storages, id) {
			return true
		}
	}
	return false
}
