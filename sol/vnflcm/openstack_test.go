package vnflcm_test

import (
	"context"
	"encoding/json"
	"maps"
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
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/gophercloud/gophercloud/v2/openstack/orchestration/v1/stacks"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vim/openstack"
)

// The VNF of virtual machines: three Vdu.Compute VDUs on two internal
// virtual links, an external CP, a scaling aspect, an anti-affinity rule
// and security group rules on three CPs.
const (
	vmVNF  = "../../testdata/packages/vnf-openstack"
	vmVNFD = "6f1d2c3b-4a59-4e8f-9b7a-1c2d3e4f5a60"
)

// TestOpenStackLifecycleV2 runs the VM VNF through /vnflcm/v2 on the real
// OpenStack: instantiate on an external network, scale out, heal one VNFC,
// scale in, stop and start, change the external connectivity to a second
// network, terminate. The servers, ports, networks, server group and security groups
// are checked through the OpenStack APIs after each step, the external CP's
// port on the network its link names, and nothing of the VNF is left at the
// end.
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
	netA, netB := c.extNetwork(t, "vnf-test-ext-a-"+id, "172.30.1.0/24"), c.extNetwork(t, "vnf-test-ext-b-"+id, "172.30.2.0/24")
	t.Cleanup(func() { c.removeStack(id) })
	extLinks := func(network string) string {
		return `[{"id":"ext","resourceId":"` + network + `","extCps":[{"cpdId":"web_ext_cp","cpConfig":{"c1":{"cpProtocolData":[{"layerProtocol":"IP_OVER_ETHERNET"}]}}}]}]`
	}

	b.slowTask(t, path+"/instantiate", `{"flavourId":"default","extVirtualLinks":`+extLinks(netA)+`}`)
	c.wantServers(t, id, map[string]int{"web": 1, "app": 1, "db": 1})
	c.wantApart(t, id, "app", "db")
	c.wantNetworks(t, id, 2)
	c.wantPorts(t, id, 5) // web twice, app twice, db: one per VduCp, the external one on netA
	c.wantExtPorts(t, id, netA, 1)
	c.wantSecurityGroups(t, id)
	b.wantVNFCs(t, path, 3)
	b.wantExtCPAddresses(t, path, "172.30.1.")

	scale := func(typ string) {
		b.slowTask(t, path+"/scale", `{"type":"`+typ+`","aspectId":"web_aspect","numberOfSteps":1}`)
	}
	scale("SCALE_OUT")
	c.wantServers(t, id, map[string]int{"web": 2, "app": 1, "db": 1})
	c.wantPorts(t, id, 7)
	c.wantExtPorts(t, id, netA, 2)
	c.wantSecurityGroups(t, id)
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
	c.wantExtPorts(t, id, netA, 2)
	b.wantVNFCs(t, path, 4)

	scale("SCALE_IN")
	c.wantServers(t, id, map[string]int{"web": 1, "app": 1, "db": 1})
	c.wantPorts(t, id, 5)
	c.wantExtPorts(t, id, netA, 1)

	// A stop powers the servers off and keeps them; a start powers the same ones on.
	kept := c.serverIDs(t, id)
	b.slowTask(t, path+"/operate", `{"changeStateTo":"STOPPED","stopType":"FORCEFUL"}`)
	c.wantKept(t, id, kept, "SHUTOFF")
	b.wantVNFCs(t, path, 3)
	b.wantState(t, path, "STOPPED")
	b.slowTask(t, path+"/operate", `{"changeStateTo":"STARTED"}`)
	c.wantKept(t, id, kept, "ACTIVE")
	b.wantVNFCs(t, path, 3)
	b.wantState(t, path, "STARTED")

	// The link keeps its id and names netB: the external CP's port moves there.
	b.slowTask(t, path+"/change_ext_conn", `{"extVirtualLinks":`+extLinks(netB)+`}`)
	c.wantServers(t, id, map[string]int{"web": 1, "app": 1, "db": 1})
	c.wantPorts(t, id, 5)
	c.wantExtPorts(t, id, netB, 1)
	if left := c.portsOn(t, netA); len(left) > 0 {
		t.Errorf("ports left on the old external network: %v", left)
	}
	c.wantSecurityGroups(t, id)
	b.wantExtCPAddresses(t, path, "172.30.2.")

	b.slowTask(t, path+"/terminate", `{"terminationType":"FORCEFUL"}`)
	c.wantNothingLeft(t, id)
	b.want(t, b.do(t, http.MethodDelete, path, ""), http.StatusNoContent, "")
	for _, n := range []string{netA, netB} {
		if err := c.removeNetwork(n); err != nil {
			t.Errorf("remove external network %s: %v", n, err)
		}
	}
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

// wantExtCPAddresses checks that the instance reports web_ext_cp with
// addresses, all starting with prefix (the subnet of its network).
func (b *testBundle) wantExtCPAddresses(t *testing.T, path, prefix string) {
	t.Helper()
	var inst struct {
		Info struct {
			ExtCPs []struct {
				CpdID    string `json:"cpdId"`
				Protocol []struct {
					IP *struct {
						IPAddresses []struct {
							Addresses []string `json:"addresses"`
						} `json:"ipAddresses"`
					} `json:"ipOverEthernet"`
				} `json:"cpProtocolInfo"`
			} `json:"extCpInfo"`
		} `json:"instantiatedVnfInfo"`
	}
	body := b.do(t, http.MethodGet, path, "").body
	if err := json.Unmarshal(body, &inst); err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, cp := range inst.Info.ExtCPs {
		for _, p := range cp.Protocol {
			if cp.CpdID == "web_ext_cp" && p.IP != nil {
				for _, a := range p.IP.IPAddresses {
					addrs = append(addrs, a.Addresses...)
				}
			}
		}
	}
	if len(addrs) == 0 || slices.ContainsFunc(addrs, func(a string) bool { return !strings.HasPrefix(a, prefix) }) {
		t.Errorf("web_ext_cp addresses %v, want some, all in %s0/24: %s", addrs, prefix, body)
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

// wantKept checks that the VNF has exactly the servers of kept (name to id), each in status.
func (c *cloud) wantKept(t *testing.T, id string, kept map[string]string, status string) {
	t.Helper()
	got := map[string]string{}
	for _, s := range c.servers(t, id) {
		got[s.Name] = s.ID
		if s.Status != status {
			t.Errorf("server %s is %s, want %s", s.Name, s.Status, status)
		}
	}
	if !maps.Equal(got, kept) {
		t.Errorf("servers %v, want the kept %v", got, kept)
	}
}

// wantState checks the instance's vnfState.
func (b *testBundle) wantState(t *testing.T, path, state string) {
	t.Helper()
	full := decode(t, b.do(t, http.MethodGet, path+"?fields=instantiatedVnfInfo", "").body)
	if got := full["instantiatedVnfInfo"].(map[string]any)["vnfState"]; got != state {
		t.Errorf("vnfState %v, want %s", got, state)
	}
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

// extNetwork makes a network with a subnet for the VNF's external link,
// removed with the test (a port needs an address to take security groups).
func (c *cloud) extNetwork(t *testing.T, name, cidr string) string {
	t.Helper()
	n, err := networks.Create(t.Context(), c.network, networks.CreateOpts{Name: name}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.removeNetwork(n.ID) })
	dhcp := false
	if _, err := subnets.Create(t.Context(), c.network, subnets.CreateOpts{NetworkID: n.ID, Name: name, CIDR: cidr,
		IPVersion: gophercloud.IPv4, EnableDHCP: &dhcp}).Extract(); err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// removeNetwork deletes a network the test made; gone already is fine.
func (c *cloud) removeNetwork(id string) error {
	err := networks.Delete(context.Background(), c.network, id).ExtractErr()
	if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return nil
	}
	return err
}

func (c *cloud) listPorts(t *testing.T, opts ports.ListOpts) []ports.Port {
	t.Helper()
	pages, err := ports.List(c.network, opts).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, err := ports.ExtractPorts(pages)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// portsOn names the ports on a network, whoever made them.
func (c *cloud) portsOn(t *testing.T, network string) []string {
	t.Helper()
	var out []string
	for _, p := range c.listPorts(t, ports.ListOpts{NetworkID: network}) {
		out = append(out, p.Name)
	}
	return out
}

// wantExtPorts checks that the external CP web_ext_cp has n ports, all on
// network, each with an address there, and that no other port of the VNF
// is on it.
func (c *cloud) wantExtPorts(t *testing.T, id, network string, n int) {
	t.Helper()
	ext := c.listPorts(t, ports.ListOpts{Tags: "vnf-" + id + ",cp=web_ext_cp"})
	if len(ext) != n {
		t.Errorf("%d ports of web_ext_cp, want %d", len(ext), n)
	}
	for _, p := range ext {
		t.Logf("neutron: port %s on network %s, addresses %v, security groups %v", p.Name, p.NetworkID, p.FixedIPs, p.SecurityGroups)
		if p.NetworkID != network || len(p.FixedIPs) == 0 {
			t.Errorf("port %s on network %s with addresses %v, want on %s with one", p.Name, p.NetworkID, p.FixedIPs, network)
		}
	}
	if on := c.listPorts(t, ports.ListOpts{Tags: "vnf-" + id, NetworkID: network}); len(on) != n {
		t.Errorf("%d ports of the VNF on the external network, want %d", len(on), n)
	}
}

// securityGroups lists the VNF's security groups, by name.
func (c *cloud) securityGroups(t *testing.T, id string) map[string]groups.SecGroup {
	t.Helper()
	pages, err := groups.List(c.network, groups.ListOpts{}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all, err := groups.ExtractGroups(pages)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]groups.SecGroup{}
	for _, g := range all {
		if strings.HasPrefix(g.Name, "vnf-"+id+"-") {
			out[strings.TrimPrefix(g.Name, "vnf-"+id+"-")] = g
		}
	}
	return out
}

// wantSecurityGroups checks the groups the VNFD's SecurityGroupRules give:
// web_ext_cp lets in TCP port 22, web_int_cp and app_cp any UDP; each
// port of those CPs has its group and only it, other ports keep the
// project's default.
func (c *cloud) wantSecurityGroups(t *testing.T, id string) {
	t.Helper()
	sgs := c.securityGroups(t, id)
	type rule struct {
		dir, ether, proto string
		lo, hi            int
	}
	want := map[string]rule{
		"web_ext_cp": {"ingress", "IPv4", "tcp", 22, 22},
		"web_int_cp": {"ingress", "IPv4", "udp", 0, 0},
		"app_cp":     {"ingress", "IPv4", "udp", 0, 0},
	}
	if len(sgs) != len(want) {
		t.Errorf("security groups %v, want one for each of %v", slices.Sorted(maps.Keys(sgs)), slices.Sorted(maps.Keys(want)))
	}
	for cp, w := range want {
		g, ok := sgs[cp]
		if !ok {
			t.Errorf("no security group for %s", cp)
			continue
		}
		var ingress []rule
		for _, r := range g.Rules {
			if r.Direction == "ingress" {
				ingress = append(ingress, rule{r.Direction, r.EtherType, r.Protocol, r.PortRangeMin, r.PortRangeMax})
			}
		}
		t.Logf("neutron: security group %s (%s): ingress rules %+v, %d rules in all", g.Name, g.ID, ingress, len(g.Rules))
		if len(ingress) != 1 || ingress[0] != w {
			t.Errorf("%s: ingress rules %+v, want %+v", cp, ingress, w)
		}
		for _, p := range c.listPorts(t, ports.ListOpts{Tags: "vnf-" + id + ",cp=" + cp}) {
			if !slices.Equal(p.SecurityGroups, []string{g.ID}) {
				t.Errorf("port %s has security groups %v, want [%s]", p.Name, p.SecurityGroups, g.ID)
			}
		}
	}
	for _, p := range c.listPorts(t, ports.ListOpts{Tags: "vnf-" + id + ",cp=db_cp"}) {
		for _, g := range sgs {
			if slices.Contains(p.SecurityGroups, g.ID) {
				t.Errorf("port %s of db_cp, which no rule names, has group %s", p.Name, g.Name)
			}
		}
	}
}

// removeStack deletes what a failed run left, by its stack.
func (c *cloud) removeStack(id string) {
	ctx := context.Background()
	if s, err := stacks.Find(ctx, c.heat, "vnf-"+id).Extract(); err == nil {
		_ = stacks.Delete(ctx, c.heat, s.Name, s.ID).ExtractErr()
	}
}

// wantNothingLeft checks that no stack, server, port, network, server
// group or security group of the VNF remains.
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
	if left := c.securityGroups(t, id); len(left) > 0 {
		t.Errorf("security groups left: %v", slices.Sorted(maps.Keys(left)))
	}
}
