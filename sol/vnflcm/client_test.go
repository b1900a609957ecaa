package vnflcm_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cadenza-mano/cadenza/sol/vnflcm"
)

// TestClient_Paging: the instance list follows Link rel="next",
// relative or absolute, to the last page, and an unknown instance is
// ErrNotFound.
func TestClient_Paging(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := []vnflcm.VnfInstance{}
		switch r.URL.RequestURI() {
		case "/vnflcm/v1/vnf_instances":
			w.Header().Add("Link", `</vnflcm/v1/vnf_instances?nextpage_opaque_marker=2>; rel="next"`)
			page = append(page, vnflcm.VnfInstance{ID: "a", VnfdID: "d1"})
		case "/vnflcm/v1/vnf_instances?nextpage_opaque_marker=2":
			w.Header().Add("Link", `<`+srv.URL+`/vnflcm/v1/vnf_instances?nextpage_opaque_marker=3>;rel="next"`)
			page = append(page, vnflcm.VnfInstance{ID: "b", VnfdID: "d2"})
		case "/vnflcm/v1/vnf_instances?nextpage_opaque_marker=3":
			page = append(page, vnflcm.VnfInstance{ID: "c", VnfdID: "d1"})
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(page)
	}))
	t.Cleanup(srv.Close)
	c, err := vnflcm.NewClient(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Instances(t.Context())
	if err != nil || len(got) != 3 || got[0].ID != "a" || got[1].VnfdID != "d2" || got[2].ID != "c" {
		t.Fatalf("instances %+v %v", got, err)
	}
	if _, err := c.Instance(t.Context(), "nope"); !errors.Is(err, vnflcm.ErrNotFound) {
		t.Fatalf("unknown instance: %v", err)
	}
	if _, err := vnflcm.NewClient("ftp://vnfm", nil); err == nil {
		t.Fatal("ftp URL accepted")
	}
}
