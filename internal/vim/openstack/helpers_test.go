package openstack_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/orchestration/v1/stacks"

	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/openstack"
)

// zones are the availability zones of the test cloud's fake compute hosts.
var zones = []string{"az-1", "az-2"}

// connection is the test cloud as a VIM connection.
func connection(t *testing.T) vim.Connection {
	t.Helper()
	a := testenv.OpenStack(t)
	return vim.Connection{VIMID: "test-openstack", VIMType: vim.VIMTypeOpenStackETSIV3, Endpoint: a.AuthURL,
		OpenStack: &vim.OpenStackAuth{Username: a.Username, Password: vim.NewSecret(a.Password),
			ProjectName: a.ProjectName, UserDomain: a.UserDomainName, ProjectDomain: a.ProjectDomainName,
			Region: a.RegionName}}
}

func newDriver(t *testing.T, c vim.Connection) vim.Driver {
	t.Helper()
	d, err := openstack.New(t.Context(), c, openstack.Options{PollInterval: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("new driver: %v", err)
	}
	return d
}

// tinyImage is a software image file: Glance stores any bytes, and the fake virt driver
// boots nothing.
var tinyImage = fstest.MapFS{"Files/images/tiny.img": {Data: []byte("cadenza test image\n")}}

// vmSpec is two Vdu.Compute VDUs on one internal virtual link.
func vmSpec(_ *testing.T, id string) *vim.Spec {
	compute := func() *vim.Compute {
		return &vim.Compute{VirtualCPUs: 1, MemoryBytes: 64 << 20, DiskBytes: 1 << 30,
			Image: "tiny", ImageFile: "Files/images/tiny.img", DiskFormat: "raw", ContainerFormat: "bare"}
	}
	return &vim.Spec{VNFInstanceID: id, Package: tinyImage,
		VDUs:         []vim.VDU{{ID: "VDU1", Replicas: 1, Compute: compute()}, {ID: "VDU2", Replicas: 1, Compute: compute()}},
		VirtualLinks: []vim.VirtualLink{{ID: "internalVL1"}},
		ConnectionPoints: []vim.ConnectionPoint{{ID: "VDU1_CP1", VDUs: []string{"VDU1"}, VirtualLink: "internalVL1"},
			{ID: "VDU2_CP1", VDUs: []string{"VDU2"}, VirtualLink: "internalVL1"}}}
}

// clients are gophercloud clients of the test cloud, for looking at it without the driver.
type clients struct {
	compute, network, heat, image, volume *gophercloud.ServiceClient
}

var (
	clientsOnce sync.Once
	sharedCl    *clients
	clientsErr  error
)

func cloud(t *testing.T) *clients {
	t.Helper()
	a := testenv.OpenStack(t)
	clientsOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		p, err := gcos.AuthenticatedClient(ctx, gophercloud.AuthOptions{IdentityEndpoint: a.AuthURL,
			Username: a.Username, Password: a.Password, DomainName: a.UserDomainName, AllowReauth: true,
			Scope: &gophercloud.AuthScope{ProjectName: a.ProjectName, DomainName: a.ProjectDomainName}})
		if err != nil {
			clientsErr = err
			return
		}
		eo := gophercloud.EndpointOpts{Region: a.RegionName}
		c := &clients{}
		if c.compute, err = gcos.NewComputeV2(p, eo); err == nil {
			if c.network, err = gcos.NewNetworkV2(p, eo); err == nil {
				if c.heat, err = gcos.NewOrchestrationV1(p, eo); err == nil {
					c.image, err = gcos.NewImageV2(p, eo)
				}
			}
		}
		if err == nil {
			if v, verr := gcos.NewBlockStorageV3(p, eo); verr == nil {
				c.volume = v // else nil: a cloud without block storage has no volumes to find
			}
		}
		sharedCl, clientsErr = c, err
	})
	if clientsErr != nil {
		t.Fatalf("openstack clients: %v", clientsErr)
	}
	return sharedCl
}

// leftovers lists what the cloud holds of a VNF instance: its stack, servers, ports,
// networks, server groups, security groups and volumes.
// deleteAtEnd names spec's VNF for d and, when the test ends, deletes it and checks that
// nothing of it is left on the cloud.
func deleteAtEnd(t *testing.T, d vim.Driver, spec *vim.Spec) vim.Handle {
	t.Helper()
	h, err := d.NewHandle(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := d.Delete(ctx, h); err != nil {
			t.Errorf("delete: %v", err)
		}
		if left := leftovers(ctx, t, spec.VNFInstanceID); len(left) > 0 {
			t.Errorf("left after delete: %v", left)
		}
	})
	return h
}

func leftovers(ctx context.Context, t *testing.T, vnfID string) []string {
	t.Helper()
	c := cloud(t)
	prefix := "vnf-" + vnfID
	var out []string
	if s, err := stacks.Find(ctx, c.heat, prefix).Extract(); err == nil && s.Status != "DELETE_COMPLETE" {
		out = append(out, "stack "+s.Name+" "+s.Status)
	} else if err != nil && !gophercloud.ResponseCodeIs(err, 404) {
		t.Errorf("find stack: %v", err)
	}
	add := func(kind, name string) { out = append(out, kind+" "+name) }
	if pages, err := servers.List(c.compute, servers.ListOpts{Name: "^" + regexp.QuoteMeta(prefix)}).AllPages(ctx); err != nil {
		t.Errorf("list servers: %v", err)
	} else if list, err := servers.ExtractServers(pages); err == nil {
		for _, s := range list {
			add("server", s.Name)
		}
	}
	if pages, err := ports.List(c.network, ports.ListOpts{Tags: prefix}).AllPages(ctx); err != nil {
		t.Errorf("list ports: %v", err)
	} else if list, err := ports.ExtractPorts(pages); err == nil {
		for _, p := range list {
			add("port", p.Name)
		}
	}
	if pages, err := networks.List(c.network, networks.ListOpts{Tags: prefix}).AllPages(ctx); err != nil {
		t.Errorf("list networks: %v", err)
	} else if list, err := networks.ExtractNetworks(pages); err == nil {
		for _, n := range list {
			add("network", n.Name)
		}
	}
	if pages, err := servergroups.List(c.compute, nil).AllPages(ctx); err != nil {
		t.Errorf("list server groups: %v", err)
	} else if list, err := servergroups.ExtractServerGroups(pages); err == nil {
		for _, g := range list {
			if len(g.Name) >= len(prefix) && g.Name[:len(prefix)] == prefix {
				add("server group", g.Name)
			}
		}
	}
	vols, err := vnfVolumes(ctx, c, vnfID)
	if err != nil {
		t.Errorf("list volumes: %v", err)
	}
	for _, v := range vols {
		add("volume", v.Name+" "+v.Status)
	}
	if pages, err := groups.List(c.network, groups.ListOpts{}).AllPages(ctx); err != nil {
		t.Errorf("list security groups: %v", err)
	} else if list, err := groups.ExtractGroups(pages); err == nil {
		for _, g := range list {
			if strings.HasPrefix(g.Name, prefix+"-") {
				add("security group", g.Name)
			}
		}
	}
	return out
}

// vnfVolumes lists the volumes named after the VNF's servers (all of the project's volumes,
// filtered here rather than by the metadata the driver sets); none on a cloud without block
// storage.
func vnfVolumes(ctx context.Context, c *clients, vnfID string) ([]volumes.Volume, error) {
	if c.volume == nil {
		return nil, nil
	}
	pages, err := volumes.List(c.volume, volumes.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	all, err := volumes.ExtractVolumes(pages)
	if err != nil {
		return nil, err
	}
	var out []volumes.Volume
	for _, v := range all {
		if strings.HasPrefix(v.Name, "vnf-"+vnfID+"-") {
			out = append(out, v)
		}
	}
	return out, nil
}
