package grant_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/sol/grant"
)

const validRequest = `{"vnfInstanceId":"i1","vnfLcmOpOccId":"o1","vnfdId":"d1","operation":"INSTANTIATE",
	"isAutomaticInvocation":false,"addResources":[{"id":"c1","type":"COMPUTE","vduId":"web"},
	{"id":"c2","type":"COMPUTE","vduId":"web"}],
	"placementConstraints":[{"affinityOrAntiAffinity":"ANTI_AFFINITY","scope":"ZONE",
	"resource":[{"idType":"GRANT","resourceId":"c1"},{"idType":"GRANT","resourceId":"c2"}]}],
	"_links":{"vnfLcmOpOcc":{"href":"/vnflcm/v1/vnf_lcm_op_occs/o1"},"vnfInstance":{"href":"/vnflcm/v1/vnf_instances/i1"}}}`

// TestAPI drives the grant API with raw HTTP: status codes, problem
// details, Location, zones for an anti-affinity group, idempotence.
func TestAPI(t *testing.T) {
	t.Parallel()
	n := startNFVO(t, backends[0].dsn(t), 0, edgeVIM(2))
	base := n.url + "/grant/v1"
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     []string
	}{
		{name: "api versions", method: "GET", path: "/api_versions", status: 200, want: []string{`"1.4.0"`}},
		{name: "malformed", method: "POST", path: "/grants", body: `{"vnfInstanceId":`, status: 400},
		{name: "missing fields", method: "POST", path: "/grants", body: `{"operation":"FLY","addResources":[{"id":"x","type":"GPU"}]}`,
			status: 400, want: []string{"vnfdId: required", "isAutomaticInvocation: required", `operation: \"FLY\"`,
				"addResources[0].type", "_links.vnfLcmOpOcc.href: required"}},
		{name: "unknown grant", method: "GET", path: "/grants/nope", status: 404},
		{name: "granted", method: "POST", path: "/grants", body: validRequest, status: 201,
			want: []string{`"zoneId":"zone-a"`, `"zoneId":"zone-b"`, `"vimConnections":[`, `"vimConnectionInfo":{"edge"`}},
		// The same operation occurrence again: the grant it has, with
		// the quota (2) not charged twice.
		{name: "repeated", method: "POST", path: "/grants", body: validRequest, status: 201},
		{name: "over quota", method: "POST", path: "/grants", body: strings.ReplaceAll(validRequest, `"o1"`, `"o2"`),
			status: 403, want: []string{"compute quota of VIM edge is 2: 2 in use, the request would make it 4"}},
	}
	var first string
	for _, tt := range tests {
		res, body := do(t, tt.method, base+tt.path, tt.body)
		if res.StatusCode != tt.status {
			t.Fatalf("%s: %d %s", tt.name, res.StatusCode, body)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s: body lacks %s: %s", tt.name, w, body)
			}
		}
		if res.Header.Get("Version") != "1.4.0" {
			t.Errorf("%s: Version %q", tt.name, res.Header.Get("Version"))
		}
		if tt.status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tt.name, res.Header.Get("Content-Type"))
		}
		if tt.status == 201 {
			schemas(t).grant(t, body)
			id := decode(t, body)["id"].(string)
			if res.Header.Get("Location") != "/grant/v1/grants/"+id || (first != "" && id != first) {
				t.Errorf("%s: Location %q, id %s, first %s", tt.name, res.Header.Get("Location"), id, first)
			}
			first = id
		}
	}
	schemas(t).grantRequest(t, []byte(validRequest))
}

// TestNoDefaultVIM: with no VIM the request names and no default, the
// NFVO refuses.
func TestNoDefaultVIM(t *testing.T) {
	t.Parallel()
	n := startNFVO(t, backends[0].dsn(t), 0, coreVIM)
	res, body := do(t, "POST", n.url+"/grant/v1/grants", validRequest)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "no default VIM is registered") {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
}

// BenchmarkGrantRoundTrip measures one grant from the VNFM's client
// through the NFVO's API and decision to the stored grant, on SQLite.
func BenchmarkGrantRoundTrip(b *testing.B) {
	n := startNFVO(b, backends[0].dsn(b), 0, edgeVIM(0))
	c, err := grant.NewClient(grant.ClientOptions{BaseURL: n.url})
	if err != nil {
		b.Fatal(err)
	}
	req := lcm.GrantRequest{VNFInstanceID: "i", VNFDID: "d", Operation: lcm.OpScale,
		AddResources: []lcm.GrantResource{{ID: "web-1", Type: lcm.ResourceCompute, VDUID: "web"}}}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req.OpOccID = "op-" + string(rune('a'+i%26)) + "-" + itoa(i)
		if _, err := c.Grant(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string {
	var buf [20]byte
	p := len(buf)
	for {
		p--
		buf[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[p:])
		}
	}
}
