package openstack_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// TestGrantedAssets: a VDU granted a flavour and an image (vimAssets) boots with them, not
// with a flavour of its own size or the package's image, and its volume is made from the
// image granted for its storage; a granted image that is not active fails the deploy with
// ErrPermanent.
func TestGrantedAssets(t *testing.T) {
	t.Parallel()
	c := cloud(t)
	d := newDriver(t, connection(t))
	id := uuid.NewString()
	disk := 1
	fl, err := flavors.Create(t.Context(), c.compute, flavors.CreateOpts{Name: "cadenza-test-granted-" + id,
		VCPUs: 1, RAM: 96, Disk: &disk}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	active := testImage(t, "cadenza-test-granted-"+id, []byte("granted image\n"))
	queued := testImage(t, "cadenza-test-queued-"+id, nil)
	ctx := context.Background()
	t.Cleanup(func() {
		_ = flavors.Delete(ctx, c.compute, fl.ID).ExtractErr()
		_ = images.Delete(ctx, c.image, active).ExtractErr()
		_ = images.Delete(ctx, c.image, queued).ExtractErr()
	})

	spec := vmSpec(t, id)
	spec.VDUs, spec.ConnectionPoints = spec.VDUs[:1], spec.ConnectionPoints[:1]
	spec.VDUs[0].Compute.VIMFlavourID, spec.VDUs[0].Compute.VIMImageID = fl.ID, active
	spec.VDUs[0].Storages = []string{"VDU1_VOL"}
	spec.Storages = []vim.Storage{{ID: "VDU1_VOL", Kind: vim.BlockStorage, SizeBytes: 1 << 30, PerVNFC: true,
		Image: "not-in-the-package", VIMImageID: active}}
	h := deleteAtEnd(t, d, spec)
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatal(err)
	}
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.VNFCs) != 1 {
		t.Fatalf("vnfcs %+v, want one", st.VNFCs)
	}
	sv, err := servers.Get(t.Context(), c.compute, st.VNFCs[0].ResourceID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	// microversion 2.1 shows the flavour's id; later ones only its properties
	if sv.Flavor["id"] != fl.ID || sv.Image["id"] != active {
		t.Errorf("server flavour %v image %v, want the granted %s and %s", sv.Flavor["id"], sv.Image["id"], fl.ID, active)
	}
	vols, err := vnfVolumes(t.Context(), c, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(vols) != 1 || vols[0].VolumeImageMetadata["image_id"] != active {
		t.Errorf("volumes %+v, want one made from the granted image %s", vols, active)
	}

	spec.VDUs[0].Compute.VIMImageID = queued
	err = d.Deploy(t.Context(), h, spec)
	if !errors.Is(err, vim.ErrPermanent) || !strings.Contains(err.Error(), queued) {
		t.Errorf("deploy with a queued granted image: %v, want ErrPermanent naming it", err)
	}
}

// testImage makes a Glance image, active with data, queued without.
func testImage(t *testing.T, name string, data []byte) string {
	t.Helper()
	c := cloud(t)
	img, err := images.Create(t.Context(), c.image, images.CreateOpts{Name: name, DiskFormat: "raw", ContainerFormat: "bare"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if data != nil {
		if err := imagedata.Upload(t.Context(), c.image, img.ID, bytes.NewReader(data)).ExtractErr(); err != nil {
			t.Fatal(err)
		}
	}
	return img.ID
}
