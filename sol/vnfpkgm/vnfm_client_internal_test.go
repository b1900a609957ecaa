package vnfpkgm

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestVNFMClient_Paging: the instance list follows Link rel="next",
// relative or absolute, to the last page, and an unknown instance is
// errGone.
func TestVNFMClient_Paging(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := []instanceRef{}
		switch r.URL.RequestURI() {
		case "/vnflcm/v1/vnf_instances":
			w.Header().Add("Link", `</vnflcm/v1/vnf_instances?nextpage_opaque_marker=2>; rel="next"`)
			page = append(page, instanceRef{ID: "a", VnfdID: "d1"})
		case "/vnflcm/v1/vnf_instances?nextpage_opaque_marker=2":
			w.Header().Add("Link", `<`+srv.URL+`/vnflcm/v1/vnf_instances?nextpage_opaque_marker=3>;rel="next"`)
			page = append(page, instanceRef{ID: "b", VnfdID: "d2"})
		case "/vnflcm/v1/vnf_instances?nextpage_opaque_marker=3":
			page = append(page, instanceRef{ID: "c", VnfdID: "d1"})
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(page)
	}))
	t.Cleanup(srv.Close)
	c, err := newVNFMClient(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.instances(t.Context())
	if err != nil || len(got) != 3 || got[0].ID != "a" || got[1].VnfdID != "d2" || got[2].ID != "c" {
		t.Fatalf("instances %+v %v", got, err)
	}
	if _, err := c.instance(t.Context(), "nope"); !errors.Is(err, errGone) {
		t.Fatalf("unknown instance: %v", err)
	}
	if _, err := newVNFMClient("ftp://vnfm", nil); err == nil {
		t.Fatal("ftp URL accepted")
	}
}
