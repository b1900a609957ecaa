package vnfpkgm_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// subscriber is a real HTTP callback endpoint: it answers the SOL 013 test
// GET with 204 and records the notifications POSTed to it.
type subscriber struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []map[string]any
	raw  [][]byte
	user string // Basic user name it demands, if any
}

func newSubscriber(t *testing.T, user string) *subscriber {
	s := &subscriber{user: user}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, _, ok := r.BasicAuth(); s.user != "" && (!ok || u != s.user) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			raw, _ := io.ReadAll(r.Body)
			var n map[string]any
			_ = json.Unmarshal(raw, &n)
			s.mu.Lock()
			s.got, s.raw = append(s.got, n), append(s.raw, raw)
			s.mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// wait returns the notifications once n have arrived.
func (s *subscriber) wait(t *testing.T, n int) ([]map[string]any, [][]byte) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.mu.Lock()
		got, raw := append([]map[string]any(nil), s.got...), append([][]byte(nil), s.raw...)
		s.mu.Unlock()
		if len(got) >= n {
			return got, raw
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d notifications, want %d: %v", len(got), n, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (b *testBundle) subscribe(t *testing.T, body string) (*http.Response, map[string]any) {
	t.Helper()
	res, raw := b.do(t, "POST", "/subscriptions", strings.NewReader(body), "Content-Type", "application/json")
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if res.StatusCode == 201 {
		// SOL 003's copy: SOL 005's schema types filter.notificationTypes
		// as a string, where the spec (and SOL 003's) says array.
		b.schemas.MustValidate(t, "SOL003/VNFPackageManagement-API/PkgmSubscription", raw)
	}
	return res, out
}

func TestSubscriptions_Notifications(t *testing.T) {
	t.Parallel()
	b := setup(t, csar.Options{})
	all := newSubscriber(t, "ops")
	onlyHelm := newSubscriber(t, "")
	res, sub := b.subscribe(t, `{"callbackUri":"`+all.srv.URL+`/n","authentication":{"authType":["BASIC"],"paramsBasic":{"userName":"ops","password":"pw"}}}`)
	if res.StatusCode != 201 || res.Header.Get("Location") == "" || strings.Contains(toJSON(sub), "pw") {
		t.Fatalf("subscribe: %d %v", res.StatusCode, sub)
	}
	if res, _ := b.subscribe(t, `{"callbackUri":"`+onlyHelm.srv.URL+`/n","filter":{"vnfdId":["8a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c52"],"notificationTypes":["VnfPackageOnboardingNotification"]}}`); res.StatusCode != 201 {
		t.Fatalf("filtered subscribe: %d", res.StatusCode)
	}

	id, _ := b.onboard(t, build(t, manifestsCNF, csartest.Options{}))
	patch := func(state string) {
		res, body := b.do(t, "PATCH", "/vnf_packages/"+id, strings.NewReader(`{"operationalState":"`+state+`"}`), "Content-Type", "application/json")
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", state, res.StatusCode, body)
		}
	}
	patch("ENABLED")
	patch("DISABLED")
	if res, _ := b.do(t, "DELETE", "/vnf_packages/"+id, nil); res.StatusCode != 204 {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	// Deliveries run concurrently, so arrival order is not event order;
	// timeStamp is.
	got, raw := all.wait(t, 4)
	idx := []int{0, 1, 2, 3}
	sort.Slice(idx, func(a, b int) bool { return got[idx[a]]["timeStamp"].(string) < got[idx[b]]["timeStamp"].(string) })
	want := []string{"VnfPackageOnboardingNotification", "OP_STATE_CHANGE/ENABLED", "OP_STATE_CHANGE/DISABLED", "PKG_DELETE/"}
	for k, i := range idx {
		n := got[i]
		kind := n["notificationType"].(string)
		if ct, ok := n["changeType"].(string); ok {
			st, _ := n["operationalState"].(string)
			kind = ct + "/" + st
			b.schemas.MustValidate(t, "SOL005/VNFPackageManagement-API/VnfPackageChangeNotification", raw[i])
		} else {
			b.schemas.MustValidate(t, "SOL005/VNFPackageManagement-API/VnfPackageOnboardingNotification", raw[i])
		}
		if kind != want[k] || n["vnfPkgId"] != id || n["subscriptionId"] != sub["id"] {
			t.Errorf("notification %d: %s %v, want %s", k, kind, n, want[k])
		}
	}
	// The helm-only subscriber saw nothing of the manifests CNF; it sees
	// the helm CNF's onboarding and no change notification.
	helm, _ := b.onboard(t, build(t, helmCNF, csartest.Options{}))
	got, _ = onlyHelm.wait(t, 1)
	if len(got) != 1 || got[0]["vnfPkgId"] != helm || got[0]["notificationType"] != "VnfPackageOnboardingNotification" {
		t.Fatalf("filtered subscriber got %v", got)
	}
}

func TestSubscriptions_Resource(t *testing.T) {
	t.Parallel()
	b := setup(t, csar.Options{})
	cb := newSubscriber(t, "")
	body := `{"callbackUri":"` + cb.srv.URL + `/x","filter":{"operationalState":["ENABLED"]}}`
	res, sub := b.subscribe(t, body)
	if res.StatusCode != 201 {
		t.Fatalf("subscribe: %d %v", res.StatusCode, sub)
	}
	res, _ = b.subscribe(t, body)
	if res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "/subscriptions/"+sub["id"].(string)) {
		t.Fatalf("duplicate: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, raw := b.do(t, "GET", "/subscriptions?filter=(eq,callbackUri,"+cb.srv.URL+"/x)", nil)
	b.schemas.MustValidate(t, "SOL003/VNFPackageManagement-API/PkgmSubscriptions", raw)
	if res.StatusCode != 200 || !strings.Contains(string(raw), sub["id"].(string)) {
		t.Fatalf("list: %d %s", res.StatusCode, raw)
	}
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	t.Cleanup(dead.Close)
	bad := []struct{ name, body string }{
		{"callback test fails", `{"callbackUri":"` + dead.URL + `"}`},
		{"no callback", `{}`},
		{"unknown notification type", `{"callbackUri":"` + cb.srv.URL + `/y","filter":{"notificationTypes":["Nope"]}}`},
		{"basic without params", `{"callbackUri":"` + cb.srv.URL + `/z","authentication":{"authType":["BASIC"]}}`},
	}
	for _, tc := range bad {
		if res, _ := b.subscribe(t, tc.body); res.StatusCode != 400 && res.StatusCode != 422 {
			t.Errorf("%s: %d", tc.name, res.StatusCode)
		}
	}
	if res, _ := b.do(t, "DELETE", "/subscriptions/"+sub["id"].(string), nil); res.StatusCode != 204 {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res, _ := b.do(t, "GET", "/subscriptions/"+sub["id"].(string), nil); res.StatusCode != 404 {
		t.Fatalf("get after delete: %d", res.StatusCode)
	}
}

func toJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
