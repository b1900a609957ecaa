package openstack

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"golang.org/x/sync/errgroup"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// TestConcurrentImageUploads has several drivers upload one new image at once, as VNFs of
// one package deploying together do: every upload succeeds with an active image of that
// content, though Glance refuses all but one of the uploads that share a queued image.
func TestConcurrentImageUploads(t *testing.T) {
	t.Parallel()
	a := testenv.OpenStack(t)
	conn := vim.Connection{VIMType: vim.VIMTypeOpenStack, Endpoint: a.AuthURL, OpenStack: &vim.OpenStackAuth{
		Username: a.Username, Password: vim.NewSecret(a.Password), ProjectName: a.ProjectName,
		UserDomain: a.UserDomainName, ProjectDomain: a.ProjectDomainName, Region: a.RegionName}}
	const drivers = 4
	ds := make([]*Driver, drivers)
	for i := range ds {
		d, err := New(t.Context(), conn, Options{PollInterval: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ds[i] = d
	}
	data := make([]byte, 4<<20)
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)
	name := "cadenza-" + hex.EncodeToString(sum[:8])
	t.Cleanup(func() {
		all, _ := ds[0].imagesNamed(context.Background(), name)
		for _, img := range all {
			_ = images.Delete(context.Background(), ds[0].image, img.ID).ExtractErr()
		}
	})

	ids := make([]string, drivers)
	var g errgroup.Group
	for i, d := range ds {
		g.Go(func() (err error) {
			ids[i], err = d.uploadImage(t.Context(), data, &vim.Compute{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("concurrent uploads: %v", err)
	}
	for i, id := range ids {
		img, err := images.Get(t.Context(), ds[0].image, id).Extract()
		if err != nil {
			t.Fatalf("upload %d: image %s: %v", i, id, err)
		}
		if img.Status != images.ImageStatusActive || img.Name != name {
			t.Errorf("upload %d: image %s is %s called %q, want active %q", i, id, img.Status, img.Name, name)
		}
	}
}
