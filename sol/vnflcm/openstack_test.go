package vnflcm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/orchestration/v1/stacks"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/openstack"
)

// The VNF of virtual machines: three Vdu.Compute VDUs on two internal
// virtual links, an external CP, a scaling aspect and an anti-affinity rule.
const (
	vmVNF  = "../../testdata/packages/vnf-openstack"
	vmVNFD = "6f1d2c3b-4a59-4e8f-9b7a-1c2d3e4f5a60"
)

// TestOpenStackLifecycleV2 runs the VM VNF through /vnflcm/v2 on the real
// OpenStack: instantiate, scale out, heal one VNFC, scale in, terminate,
// with the servers, ports, networks and server group checked through the
// OpenStack APIs after each step and nothing of the VNF left at the end.
func TestOpenStackLifecycleV2(t *testing.T) {
	t.Parallel()
	a := testenv.OpenStack(t)
	conn := vim.Connection{VIMID: "openstack", VIMType: vim.VIMTypeOpenStackETSIV3, Endpoint: a.AuthURL,
		OpenStack: &vim.OpenStackAuth{Username: a.Username, Password: vim.NewSecret(a.Password),
			ProjectName: a.ProjectName, UserDomain: a.UserDomainName, ProjectDomain: a.ProjectDomainName, Region: a.RegionName}}
	drv, err := openstack.New(t.Context(), conn, openstack.Options{ReadyTimeout: 5 * time.Minute, PollInterval: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := newCloud(t, a)
	b := setupWith(t, drv, catalogSource(t))
	b.onboard(t, vmVNF)

	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v2/vnf_instances", `{"vnfdId":"`+vmVNFD+`"}`), http.StatusCreated, "")
	id := decode(t, r.body)["id"].(string)
	path := "/vnflcm/v2/vnf_instances/" + id
	t.Cleanup(func() { c.removeStack(id) })

	b.slowTask(t, path+"/instantiate", `{"flavourId":"default"}`)
	c.wantServers(t, id, map[string]int{"web": 1, "app": 1, "db": 1})
	c.wantApart(t, id, "app", "db")
	c.wantNetworks(t, id, 2)
	c.wantPorts(t, id, 4) // web, app twice, db: one per VduCp on an internal link
	b.wantVNFCs(t, path, 3)

	scale := func(typ string) {
		b.slowTask(t, path+"/scale", `{"type":"`+typ+`","aspectId":"web_aspect","numberOfSteps":1}`)
	}
	scale("SCALE_OUT")
	c.wantServers(t, id, map[string]int{"web": 2, "app": 1, "db": 1})
	c.wantPorts(t, id, 5)
	b.wantVNFCs(t, path, 4)

	victim := b.vnfcIDs(t, path)[0]
	before := c.serverIDs(t, id)
	b.slowTask(t, path+"/heal", `{"vnfcInstanceId":["`+victim+`"]}`)
	after := c.serverIDs(t, id)
	if after[victim] == "" || after[victim] == before[victim] {
		t.Errorf("vnfc %s: server %q before heal, %q after; want a new server", victim, before[victim], after[victim])
	}
	for name, sid := range before {
		if name != victim && after[name] != sid {
			t.Errorf("heal of %s replaced %s too", victim, name)
		}
	}
	b.wantVNFCs(t, path, 4)

	scale("SCALE_IN")
	c.wantServers(t, id, map[string]int{"web": 1, "app": 1, "db": 1})
	c.wantPorts(t, id, 4)

	b.slowTask(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`)
	c.wantNothingLeft(t, id)
	b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")
}

// slowTask posts a task and waits for its completion as long as a VIM of
// virtual machines may take.
func (b *testBundle) slowTask(t *testing.T, path, body string) {
	t.Helper()
	r := b.want(t, b.do(t, http.MethodPost, path, body), http.StatusAccepted, "")
	loc := r.header.Get("Location")
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		r := b.want(t, b.do(t, http.MethodGet, loc, ""), http.StatusOK, "")
		var op map[string]any
		if err := json.Unmarshal(r.body, &op); err != nil {
			t.Fatal(err)
		}
		st := lcm.OpState(op["operationState"].(string))
		if st == lcm.Completed {
			return
		}
		if st.Final() || st == lcm.FailedTemp || time.Now().After(deadline) {
			t.Fatalf("%s is %s: %s", loc, st, r.body)
		}
	}
}

// cloud looks at the test cloud through its APIs, without the driver.
type cloud struct {
	compute, network, heat *gophercloud.ServiceClient
}

func newCloud(t *testing.T, a testenv.OpenStackAuth) *cloud {
	t.Helper()
	p, err := gcos.AuthenticatedClient(t.Context(), gophercloud.AuthOptions{IdentityEndpoint: a.AuthURL,
		Username: a.Username, Password: a.Password, DomainName: a.UserDomainName, AllowReauth: true,
		Scope: &gophercloud.AuthScope{ProjectName: a.ProjectName, DomainName: a.ProjectDomainName}})
	if err != nil {
		t.Fatal(err)
	}
	eo := gophercloud.EndpointOpts{Region: a.RegionName}
	c := &cloud{}
	if c.compute, err = gcos.NewComputeV2(p, eo); err == nil {
		if c.network, err = gcos.NewNetworkV2(p, eo); err == nil {
			c.heat, err = gcos.NewOrchestrationV1(p, eo)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cloud) servers(t *testing.T, id string) []servers.Server {
	t.Helper()
	pages, err := servers.List(c.compute, servers.ListOpts{Name: "^" + regexp.QuoteMeta("vnf-"+id+"-")}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, err := servers.ExtractServers(pages)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// serverIDs maps the VNF's server names to their IDs.
func (c *cloud) serverIDs(t *testing.T, id string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range c.servers(t, id) {
		out[s.Name] = s.ID
	}
	return out
}

// wantServers checks the number of ACTIVE servers of each VDU.
func (c *cloud) wantServers(t *testing.T, id string, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, s := range c.servers(t, id) {
		if s.Status != "ACTIVE" {
			t.Errorf("server %s is %s", s.Name, s.Status)
		}
		got[s.Metadata["cadenza_vdu"]]++
	}
	for vdu, n := range want {
		if got[vdu] != n {
			t.Errorf("vdu %s: %d servers, want %d (all: %v)", vdu, got[vdu], n, got)
		}
	}
}

// wantApart checks that the servers of two VDUs run on different hosts and
// share one anti-affinity server group.
func (c *cloud) wantApart(t *testing.T, id, vduA, vduB string) {
	t.Helper()
	hosts := map[string]string{}
	for _, s := range c.servers(t, id) {
		hosts[s.Metadata["cadenza_vdu"]] = s.Host
	}
	if hosts[vduA] == "" || hosts[vduA] == hosts[vduB] {
		t.Errorf("%s on %q and %s on %q: want two hosts", vduA, hosts[vduA], vduB, hosts[vduB])
	}
	groups := c.serverGroups(t, id)
	if len(groups) != 1 || !slices.Contains(groups[0].Policies, "anti-affinity") || len(groups[0].Members) != 2 {
		t.Errorf("server groups %+v, want one anti-affinity group of two", groups)
	}
}

func (c *cloud) serverGroups(t *testing.T, id string) []servergroups.ServerGroup {
	t.Helper()
	pages, err := servergroups.List(c.compute, nil).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all, err := servergroups.ExtractServerGroups(pages)
	if err != nil {
		t.Fatal(err)
	}
	var out []servergroups.ServerGroup
	for _, g := range all {
		if strings.HasPrefix(g.Name, "vnf-"+id) {
			out = append(out, g)
		}
	}
	return out
}

func (c *cloud) networkNames(t *testing.T, id string) []string {
	t.Helper()
	pages, err := networks.List(c.network, networks.ListOpts{Tags: "vnf-" + id}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, err := networks.ExtractNetworks(pages)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range list {
		out = append(out, n.Name)
	}
	sort.Strings(out)
	return out
}

func (c *cloud) wantNetworks(t *testing.T, id string, n int) {
	t.Helper()
	if got := c.networkNames(t, id); len(got) != n {
		t.Errorf("networks %v, want %d", got, n)
	}
}

func (c *cloud) portNames(t *testing.T, id string) []string {
	t.Helper()
	pages, err := ports.List(c.network, ports.ListOpts{Tags: "vnf-" + id}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, err := ports.ExtractPorts(pages)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range list {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

func (c *cloud) wantPorts(t *testing.T, id string, n int) {
	t.Helper()
	if got := c.portNames(t, id); len(got) != n {
		t.Errorf("ports %v, want %d", got, n)
	}
}

// removeStack deletes what a failed run left, by its stack.
func (c *cloud) removeStack(id string) {
	ctx := context.Background()
	if s, err := stacks.Find(ctx, c.heat, "vnf-"+id).Extract(); err == nil {
		_ = stacks.Delete(ctx, c.heat, s.Name, s.ID).ExtractErr()
	}
}

// wantNothingLeft checks that no stack, server, port, network or server
// group of the VNF remains.
func (c *cloud) wantNothingLeft(t *testing.T, id string) {
	t.Helper()
	if s, err := stacks.Find(context.Background(), c.heat, "vnf-"+id).Extract(); err == nil && s.Status != "DELETE_COMPLETE" {
		t.Errorf("stack %s left (%s)", s.Name, s.Status)
	}
	if left := c.servers(t, id); len(left) > 0 {
		t.Errorf("%d servers left", len(left))
	}
	if left := c.portNames(t, id); len(left) > 0 {
		t.Errorf("ports left: %v", left)
	}
	if left := c.networkNames(t, id); len(left) > 0 {
		t.Errorf("networks left: %v", left)
	}
	if left := c.serverGroups(t, id); len(left) > 0 {
		t.Errorf("server groups left: %+v", left)
	}
}
