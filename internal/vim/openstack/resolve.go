package openstack

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

const (
	mib = 1 << 20
	gib = 1 << 30
)

// resolve finds or makes the flavour and image of every VDU. A flavour or image the grant
// gave (VIMFlavourID, VIMImageID) is used as it is, once checked to exist.
func (d *Driver) resolve(ctx context.Context, spec *vim.Spec) (resolved, error) {
	r := resolved{flavors: map[string]string{}, images: map[string]string{}, volumeImages: map[string]string{}}
	for _, v := range spec.VDUs {
		c := v.Compute
		if c == nil {
			return r, vim.Errorf(vim.ErrPermanent, "resolve vdu", "vdu %s is not a Vdu.Compute", v.ID)
		}
		fl, err := d.grantedFlavor(ctx, c.VIMFlavourID)
		if fl == "" && err == nil {
			fl, err = d.flavor(ctx, c)
		}
		if err != nil {
			return r, fmt.Errorf("vdu %s: %w", v.ID, err)
		}
		img, err := d.grantedImage(ctx, c.VIMImageID)
		if img == "" && err == nil {
			img, err = d.imageOf(ctx, spec.Package, c)
		}
		if err != nil {
			return r, fmt.Errorf("vdu %s: %w", v.ID, err)
		}
		r.flavors[v.ID], r.images[v.ID] = fl, img
	}
	return r, d.resolveVolumeImages(ctx, spec, r)
}

// grantedFlavor checks that the flavour the grant gave exists and returns it; "" when none
// was given.
func (d *Driver) grantedFlavor(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	_, err := flavors.Get(ctx, d.compute, id).Extract()
	if isNotFound(err) {
		return "", vim.Errorf(vim.ErrPermanent, "granted flavour", "flavour %s of the grant does not exist in nova", id)
	}
	if err != nil {
		return "", classify("get granted flavour "+id, err)
	}
	return id, nil
}

// grantedImage checks that the image the grant gave exists and is active and returns it; ""
// when none was given.
func (d *Driver) grantedImage(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	img, err := images.Get(ctx, d.image, id).Extract()
	if isNotFound(err) {
		return "", vim.Errorf(vim.ErrPermanent, "granted image", "image %s of the grant does not exist in glance", id)
	}
	if err != nil {
		return "", classify("get granted image "+id, err)
	}
	if img.Status != images.ImageStatusActive {
		return "", vim.Errorf(vim.ErrPermanent, "granted image", "image %s of the grant is %s in glance, not active", id, img.Status)
	}
	return id, nil
}

// size is a flavour's size in Nova's units.
type size struct{ vcpus, ramMiB, diskGiB int }

func sizeOf(c *vim.Compute) size {
	return size{
		vcpus:   max(c.VirtualCPUs, 1),
		ramMiB:  int(max((c.MemoryBytes+mib-1)/mib, 64)),
		diskGiB: int((c.DiskBytes + gib - 1) / gib),
	}
}

// flavor returns the ID of a public flavour of exactly the VDU's size, creating one when
// there is none. Two drivers creating the same size at once both succeed (Nova names need
// not be unique), and later lookups take either.
func (d *Driver) flavor(ctx context.Context, c *vim.Compute) (string, error) {
	want := sizeOf(c)
	id, err := d.findFlavor(ctx, want)
	if err != nil || id != "" {
		return id, err
	}
	disk := want.diskGiB
	f, err := flavors.Create(ctx, d.compute, flavors.CreateOpts{
		Name:  fmt.Sprintf("cadenza-%dc-%dm-%dg", want.vcpus, want.ramMiB, want.diskGiB),
		VCPUs: want.vcpus, RAM: want.ramMiB, Disk: &disk,
	}).Extract()
	if err != nil {
		if id, ferr := d.findFlavor(ctx, want); ferr == nil && id != "" {
			return id, nil // made by another driver meanwhile
		}
		return "", classify("create flavor", err)
	}
	d.log.Info("created flavor", "flavor", f.ID, "vcpus", want.vcpus, "ramMiB", want.ramMiB, "diskGiB", want.diskGiB)
	return f.ID, nil
}

func (d *Driver) findFlavor(ctx context.Context, want size) (string, error) {
	pages, err := flavors.ListDetail(d.compute, flavors.ListOpts{AccessType: flavors.PublicAccess}).AllPages(ctx)
	if err != nil {
		return "", classify("list flavors", err)
	}
	all, err := flavors.ExtractFlavors(pages)
	if err != nil {
		return "", classify("list flavors", err)
	}
	best := ""
	for _, f := range all {
		if f.VCPUs == want.vcpus && f.RAM == want.ramMiB && f.Disk == want.diskGiB && f.Ephemeral == 0 {
			best = min(cmp.Or(best, f.ID), f.ID) // the same choice in every process
		}
	}
	return best, nil
}

// imageOf returns the Glance image of the VDU: the package's image file, uploaded once per
// content (named cadenza-<sha256 prefix>), or an image already in Glance by name.
func (d *Driver) imageOf(ctx context.Context, pkg fs.FS, c *vim.Compute) (string, error) {
	if c.ImageFile != "" && pkg != nil {
		data, err := fs.ReadFile(pkg, c.ImageFile)
		if err != nil {
			return "", vim.Errorf(vim.ErrPermanent, "read image", "%s: %v", c.ImageFile, err)
		}
		return d.uploadImage(ctx, data, c)
	}
	name, _, _ := strings.Cut(c.Image, ":")
	if name == "" {
		return "", vim.Errorf(vim.ErrPermanent, "find image", "no software image given")
	}
	img, err := d.findImage(ctx, name)
	if err != nil {
		return "", err
	}
	if img == nil || img.Status != images.ImageStatusActive {
		return "", vim.Errorf(vim.ErrPermanent, "find image", "no active image %q in glance and none in the package", name)
	}
	return img.ID, nil
}

// findImage returns the oldest active image called name, else the oldest of any status, or
// nil.
func (d *Driver) findImage(ctx context.Context, name string) (*images.Image, error) {
	all, err := d.imagesNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	var first *images.Image
	for i := range all {
		if all[i].Status == images.ImageStatusActive {
			return &all[i], nil
		}
		if first == nil {
			first = &all[i]
		}
	}
	return first, nil
}

// imagesNamed lists the images called name, oldest first.
func (d *Driver) imagesNamed(ctx context.Context, name string) ([]images.Image, error) {
	pages, err := images.List(d.image, images.ListOpts{Name: name, Sort: "created_at:asc"}).AllPages(ctx)
	if err != nil {
		return nil, classify("list images", err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil {
		return nil, classify("list images", err)
	}
	return all, nil
}

// uploadImage makes the image of data unless an active one exists; an image left queued by
// an interrupted upload gets its data now.
func (d *Driver) uploadImage(ctx context.Context, data []byte, c *vim.Compute) (string, error) {
	sum := sha256.Sum256(data)
	name := "cadenza-" + hex.EncodeToString(sum[:8])
	img, err := d.findImage(ctx, name)
	if err != nil {
		return "", err
	}
	if img != nil && img.Status == images.ImageStatusActive {
		return img.ID, nil
	}
	if img == nil || img.Status != images.ImageStatusQueued {
		img, err = images.Create(ctx, d.image, images.CreateOpts{Name: name,
			DiskFormat: cmp.Or(strings.ToLower(c.DiskFormat), "raw"), ContainerFormat: cmp.Or(strings.ToLower(c.ContainerFormat), "bare"),
			Visibility: ptr(images.ImageVisibilityShared), Tags: []string{"cadenza"}}).Extract()
		if err != nil {
			return "", classify("create image "+name, err)
		}
	}
	if err := imagedata.Upload(ctx, d.image, img.ID, bytes.NewReader(data)).ExtractErr(); err != nil {
		if id, ok := d.uploadedMeanwhile(ctx, name); ok {
			return id, nil
		}
		return "", classify("upload image "+name, err)
	}
	d.log.Info("uploaded image", "image", img.ID, "name", name, "bytes", len(data))
	return img.ID, nil
}

// uploadedMeanwhile waits for another upload of the image called name, after this one
// failed: two VNFs of one package deploying at once may find the same queued image and
// send it their data together, and Glance then refuses the one that finishes second
// (409, or 410 "could not be found after upload") while the other is still saving. It
// returns the image once active, or false when none is active or saving, or after
// imageSaveWait.
func (d *Driver) uploadedMeanwhile(ctx context.Context, name string) (string, bool) {
	deadline := time.Now().Add(imageSaveWait)
	for {
		all, err := d.imagesNamed(ctx, name)
		if err != nil {
			return "", false
		}
		saving := false
		for _, img := range all {
			if img.Status == images.ImageStatusActive {
				return img.ID, true
			}
			saving = saving || img.Status == images.ImageStatusSaving
		}
		if !saving || time.Now().After(deadline) {
			return "", false
		}
		select {
		case <-ctx.Done():
			return "", false
		case <-time.After(time.Second):
		}
	}
}

// imageSaveWait bounds how long a driver waits for another's upload of an image.
const imageSaveWait = 2 * time.Minute

func ptr[T any](v T) *T { return &v }
