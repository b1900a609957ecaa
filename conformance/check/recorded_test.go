package check_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

func TestRecorded(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", check.Problem)
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"status":404,"detail":"ok: no such thing"}`))
	})
	req := httptest.NewRequest(http.MethodGet, "/vnfpkgm/v1/x", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := check.Recorded(req, rec)
	if _, err := r.ExpectProblem(http.StatusNotFound, fakeSchema{}); err != nil {
		t.Fatal(err)
	}
	if got := r.String(); got != "GET /vnfpkgm/v1/x -> 404" {
		t.Errorf("String() = %q", got)
	}
}
