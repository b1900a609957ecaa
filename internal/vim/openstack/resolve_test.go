package openstack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// fakeCloud answers the Nova flavour and Glance image reads resolve makes for granted
// assets, and records every other request, which resolve must not make for them.
type fakeCloud struct {
	mu         sync.Mutex
	unexpected []string
}

func (f *fakeCloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.Method + " " + r.URL.Path {
	case "GET /compute/flavors/f-granted":
		_, _ = w.Write([]byte(`{"flavor":{"id":"f-granted","name":"granted","vcpus":1,"ram":64,"disk":1}}`))
	case "GET /image/v2/images/i-active":
		_, _ = w.Write([]byte(`{"id":"i-active","name":"granted","status":"active"}`))
	case "GET /image/v2/images/i-queued":
		_, _ = w.Write([]byte(`{"id":"i-queued","name":"granted","status":"queued"}`))
	case "GET /compute/flavors/f-gone", "GET /image/v2/images/i-gone":
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"itemNotFound":{"code":404,"message":"not found"}}`))
	default:
		f.mu.Lock()
		f.unexpected = append(f.unexpected, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// TestResolveGranted: a flavour and an image the grant gave are used as they are, without
// looking for or making the VDU's own; one that does not exist, or an image that is not
// active, is ErrPermanent naming it.
func TestResolveGranted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, flavour, image string
		wantErr              string // "" for success
	}{
		{name: "both granted", flavour: "f-granted", image: "i-active"},
		{name: "image not active", flavour: "f-granted", image: "i-queued", wantErr: "i-queued of the grant is queued"},
		{name: "image gone", flavour: "f-granted", image: "i-gone", wantErr: "image i-gone of the grant does not exist"},
		{name: "flavour gone", flavour: "f-gone", image: "i-active", wantErr: "flavour f-gone of the grant does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fc := &fakeCloud{}
			srv := httptest.NewServer(fc)
			t.Cleanup(srv.Close)
			client := func(path string) *gophercloud.ServiceClient {
				return &gophercloud.ServiceClient{ProviderClient: &gophercloud.ProviderClient{HTTPClient: *srv.Client()},
					Endpoint: srv.URL + path}
			}
			d := &Driver{compute: client("/compute/"), image: client("/image/v2/"), log: slog.New(slog.DiscardHandler)}
			spec := &vim.Spec{VNFInstanceID: "inst-1", Package: fstest.MapFS{"img": {Data: []byte("x")}},
				VDUs: []vim.VDU{{ID: "VDU1", Replicas: 1, Compute: &vim.Compute{VirtualCPUs: 1, Image: "tiny", ImageFile: "img",
					VIMFlavourID: tt.flavour, VIMImageID: tt.image}}}}
			r, err := d.resolve(context.Background(), spec)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("resolve: %v", err)
			case tt.wantErr != "" && (!errors.Is(err, vim.ErrPermanent) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("resolve: %v, want ErrPermanent with %q", err, tt.wantErr)
			case tt.wantErr == "" && (r.flavors["VDU1"] != tt.flavour || r.images["VDU1"] != tt.image):
				t.Errorf("flavour %q image %q, want the granted %q %q", r.flavors["VDU1"], r.images["VDU1"], tt.flavour, tt.image)
			}
			if len(fc.unexpected) > 0 {
				t.Errorf("resolve made other calls for granted assets: %v", fc.unexpected)
			}
			if tt.wantErr == "" {
				b, err := buildStack(spec, r, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{`"flavor":"f-granted"`, `"image":"i-active"`} {
					if !strings.Contains(b.files["vdu-VDU1.yaml"], want) {
						t.Errorf("template lacks %s: %s", want, b.files["vdu-VDU1.yaml"])
					}
				}
			}
		})
	}
}

// TestDeployStorageWithoutVolumeService: on a cloud without block storage, the driver claims
// no storage and a spec with storage fails with ErrPermanent before any call to the cloud.
func TestDeployStorageWithoutVolumeService(t *testing.T) {
	t.Parallel()
	d := &Driver{}
	if d.Capabilities().Storage {
		t.Error("storage claimed without a block storage service")
	}
	spec := testSpec()
	spec.Storages = []vim.Storage{{ID: "root", Kind: vim.BlockStorage, SizeBytes: 1 << 30}}
	spec.VDUs[1].Storages = []string{"root"}
	h, err := d.NewHandle(spec)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Deploy(context.Background(), h, spec)
	if !errors.Is(err, vim.ErrPermanent) || !strings.Contains(err.Error(), "no block storage service") {
		t.Errorf("deploy: %v, want ErrPermanent saying the vim has no block storage service", err)
	}
}
