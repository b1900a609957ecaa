package grant_test

import (
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/vim"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
	"github.com/cadenza-mano/cadenza/sol/grant"
)

// coreVIM is a registered VIM that is not the default.
var coreVIM = vimreg.VIM{ID: "core", VIMType: vim.VIMTypeKubernetes,
	InterfaceInfo: map[string]string{"endpoint": "https://core.example:6443"},
	AccessInfo:    map[string]string{"bearer_token": "core-token"}}

// TestGrantedVIMRunsTheVNF: the NFVO grants at once (201), the instance
// takes the granted VIM with its credentials, the driver is made for it,
// and scale and terminate ask for their deltas.
func TestGrantedVIMRunsTheVNF(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			n := startNFVO(t, be.dsn(t), 0, edgeVIM(10), coreVIM)
			v := startVNFM(t, be.dsn(t), n.url)
			id, op := v.instantiate(t, "")
			if op.State != lcm.Completed || op.GrantID == "" {
				t.Fatalf("instantiate %s, grant %q, error %+v", op.State, op.GrantID, op.Error)
			}
			inst := v.instance(t, id)
			conn, ok := inst.VIMConnections["edge"]
			if !ok || len(inst.VIMConnections) != 1 || conn.VIMID != "edge" || conn.AccessInfo["bearer_token"] != vimToken ||
				conn.InterfaceInfo["endpoint"] != "https://edge.example:6443" {
				t.Fatalf("instance vimConnectionInfo %+v", inst.VIMConnections)
			}
			asked := v.askedFor()
			if len(asked) == 0 || asked[0] == nil || asked[0].VIMID != "edge" || asked[0].BearerToken.Reveal() != vimToken {
				t.Fatalf("driver factory asked for %v", asked)
			}
			v.wait(t)(v.svc.Scale(t.Context(), id, lcm.ScaleRequest{Type: lcm.ScaleOut, AspectID: "web_aspect", NumberOfSteps: 1}, nil))
			v.wait(t)(v.svc.Terminate(t.Context(), id, lcm.TerminateRequest{Type: lcm.Forceful}, nil))

			posts := checkExchanges(t, v, n)
			if len(posts) != 3 {
				t.Fatalf("%d grant requests, want 3", len(posts))
			}
			wantOps := []struct {
				op          string
				add, remove int
			}{{"INSTANTIATE", 1, 0}, {"SCALE", 1, 0}, {"TERMINATE", 0, 2}}
			for i, w := range wantOps {
				req := decode(t, posts[i].req)
				add, _ := req["addResources"].([]any)
				remove, _ := req["removeResources"].([]any)
				if req["operation"] != w.op || countType(add, "COMPUTE") != w.add || countType(remove, "COMPUTE") != w.remove {
					t.Errorf("grant request %d: %s add %d remove %d, want %+v", i, req["operation"], len(add), len(remove), w)
				}
			}
			// The grant, read back, is the same VIM.
			res, body := get(t, n.url+"/grant/v1/grants/"+op.GrantID)
			if res.StatusCode != 200 || !strings.Contains(string(body), `"vimId":"edge"`) {
				t.Fatalf("GET grant: %d %s", res.StatusCode, body)
			}
			schemas(t).grant(t, body)
		})
	}
}

// TestDeferredGrant: a request over --grant-defer-above is answered 202;
// the client polls the Location until the job has decided.
func TestDeferredGrant(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			n := startNFVO(t, be.dsn(t), 2, edgeVIM(10))
			v := startVNFM(t, be.dsn(t), n.url)
			id, op := v.instantiate(t, "level_2")
			if op.State != lcm.Completed {
				t.Fatalf("instantiate %s, error %+v", op.State, op.Error)
			}
			if c := v.instance(t, id).VIMConnections["edge"]; c.AccessInfo["bearer_token"] != vimToken {
				t.Fatalf("instance vimConnectionInfo %+v", v.instance(t, id).VIMConnections)
			}
			ex := v.rec.exchanges()
			if len(ex) < 2 || ex[0].method != "POST" || ex[0].status != http.StatusAccepted {
				t.Fatalf("exchanges %+v", summary(ex))
			}
			last := ex[len(ex)-1]
			if last.method != "GET" || last.status != http.StatusOK {
				t.Fatalf("last exchange %s %s %d", last.method, last.path, last.status)
			}
			checkExchanges(t, v, n)
		})
	}
}

// TestRejectedGrant: over the VIM's quota the NFVO refuses, at once or
// after deferring, and the operation fails with its reason.
func TestRejectedGrant(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		for _, mode := range []struct {
			name       string
			deferAbove int
		}{{"at once", 0}, {"deferred", 1}} {
			t.Run(be.name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				n := startNFVO(t, be.dsn(t), mode.deferAbove, edgeVIM(2))
				v := startVNFM(t, be.dsn(t), n.url)
				id, op := v.instantiate(t, "level_2")
				if op.State != lcm.FailedTemp || op.Error == nil || op.Error.Status != http.StatusForbidden ||
					!strings.Contains(op.Error.Detail, "compute quota of VIM edge is 2: 0 in use, the request would make it 3") {
					t.Fatalf("instantiate %s, error %+v", op.State, op.Error)
				}
				if len(v.askedFor()) != 0 || len(v.instance(t, id).VIMConnections) != 0 {
					t.Fatal("a refused operation reached a VIM")
				}
				checkExchanges(t, v, n)
				noSecret(t, "op occ error", op.Error.Detail)
				// With the quota raised, a retry asks again and is granted.
				if err := n.reg.Put(t.Context(), []vimreg.VIM{edgeVIM(10)}); err != nil {
					t.Fatal(err)
				}
				if op := v.wait(t)(v.svc.Retry(t.Context(), op.ID)); op.State != lcm.Completed || op.GrantID == "" {
					t.Fatalf("retry %s, grant %q, error %+v", op.State, op.GrantID, op.Error)
				}
				if a := v.askedFor(); len(a) == 0 || a[0].BearerToken.Reveal() != vimToken {
					t.Fatalf("driver asked for %v after the retry", a)
				}
			})
		}
	}
}

// TestVNFMNamesVIM: a VIM the instantiation names, if registered, is the
// one granted, under the connection id the request gave.
func TestVNFMNamesVIM(t *testing.T) {
	t.Parallel()
	n := startNFVO(t, backends[0].dsn(t), 0, edgeVIM(10), coreVIM)
	v := startVNFM(t, backends[0].dsn(t), n.url)
	inst, err := v.svc.Create(t.Context(), lcm.CreateRequest{VNFDID: manifestsVNFD})
	if err != nil {
		t.Fatal(err)
	}
	op := v.wait(t)(v.svc.Instantiate(t.Context(), inst.ID, lcm.InstantiateRequest{FlavourID: "default",
		AdditionalParams: manifests, VIMConnections: map[string]lcm.VIMConnectionInfo{
			"mine": {ID: "mine", VIMID: "core", VIMType: vim.VIMTypeKubernetes}}}, nil))
	if op.State != lcm.Completed {
		t.Fatalf("instantiate %s %+v", op.State, op.Error)
	}
	c := v.instance(t, inst.ID).VIMConnections["mine"]
	if c.VIMID != "core" || c.AccessInfo["bearer_token"] != "core-token" {
		t.Fatalf("instance vimConnectionInfo %+v", v.instance(t, inst.ID).VIMConnections)
	}
	if a := v.askedFor(); a[0].VIMID != "core" {
		t.Fatalf("driver asked for %v", a[0])
	}
}

// TestGrantedVIMAssets: the NFVO's registry maps the VDU the request
// adds to a flavour (the VNFD's own entry winning) and an image; the
// grant carries them as vimAssets, valid by the SOL 003 schema, and the
// VNFM keeps them on the operation and the instance. A grant that only
// removes carries none.
func TestGrantedVIMAssets(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			edge := edgeVIM(10)
			edge.Flavours = map[string]string{"web": "m1.any", manifestsVNFD + "/web": "m1.web", "db": "m1.db"}
			edge.Images = map[string]string{"web": "img-web", "db": "img-db"}
			n := startNFVO(t, be.dsn(t), 0, edge)
			v := startVNFM(t, be.dsn(t), n.url)
			id, op := v.instantiate(t, "")
			want := &lcm.VIMAssets{Flavours: map[string]string{"web": "m1.web"}, Images: map[string]string{"web": "img-web"}}
			if op.State != lcm.Completed || !reflect.DeepEqual(op.GrantedAssets, want) {
				t.Fatalf("instantiate %s, granted assets %+v, want %+v", op.State, op.GrantedAssets, want)
			}
			if got := v.instance(t, id).Instantiated.VIMAssets; !reflect.DeepEqual(got, want) {
				t.Fatalf("instance assets %+v, want %+v", got, want)
			}
			res, body := get(t, n.url+"/grant/v1/grants/"+op.GrantID)
			g := decode(t, body)
			assets, _ := g["vimAssets"].(map[string]any)
			flavours, _ := assets["computeResourceFlavours"].([]any)
			images, _ := assets["softwareImages"].([]any)
			if res.StatusCode != 200 || len(flavours) != 1 || len(images) != 1 {
				t.Fatalf("GET grant: %d %s", res.StatusCode, body)
			}
			if f, _ := flavours[0].(map[string]any); f["vnfdVirtualComputeDescId"] != "web" || f["vimFlavourId"] != "m1.web" ||
				f["vimConnectionId"] != "edge" {
				t.Fatalf("computeResourceFlavours %v", flavours)
			}
			schemas(t).grant(t, body)
			op = v.wait(t)(v.svc.Terminate(t.Context(), id, lcm.TerminateRequest{Type: lcm.Forceful}, nil))
			if op.State != lcm.Completed || op.GrantedAssets != nil {
				t.Fatalf("terminate %s, granted assets %+v", op.State, op.GrantedAssets)
			}
			checkExchanges(t, v, n)
		})
	}
}

// checkExchanges validates every grant request and grant against the
// ETSI schemas, checks that the VNFM never sends the VIM's credential
// and that no log shows it, and returns the POSTs.
func checkExchanges(t *testing.T, v *vnfm, n *nfvo) []exchange {
	t.Helper()
	s := schemas(t)
	var posts []exchange
	for _, ex := range v.rec.exchanges() {
		if ex.method == "POST" {
			posts = append(posts, ex)
			s.grantRequest(t, ex.req)
			noSecret(t, "grant request", string(ex.req))
		}
		if ex.status == http.StatusOK || ex.status == http.StatusCreated {
			s.grant(t, ex.res)
		}
		if ex.status >= 400 {
			noSecret(t, "grant error", string(ex.res))
		}
	}
	noSecret(t, "NFVO log", n.logs.String())
	noSecret(t, "VNFM log", v.logs.String())
	return posts
}

func countType(defs []any, typ string) int {
	n := 0
	for _, d := range defs {
		if m, _ := d.(map[string]any); m["type"] == typ {
			n++
		}
	}
	return n
}

func summary(ex []exchange) []string {
	var out []string
	for _, e := range ex {
		out = append(out, fmt.Sprintf("%s %s %d", e.method, e.path, e.status))
	}
	return out
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	return do(t, "GET", url, "")
}

func do(t *testing.T, method, url, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

var _ = grant.ParamVIMConnections
