package vnflcm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/lcm"
	"github.com/cadenza-mano/cadenza/internal/lcm/lcmtest"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// TestModifyVnfcInfo modifies the configurable properties of VNFCs over
// both API versions, on SQLite and on PostgreSQL: GET shows them in
// vnfcInfo, the MODIFY_INFO occurrence reports them in changedInfo, they
// survive scaling of other VNFCs and go with their own.
func TestModifyVnfcInfo(t *testing.T) {
	t.Parallel()
	backends := []struct {
		name string
		dsn  func(testing.TB) string
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "t.db") }},
		{"postgres", testenv.Postgres},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			drv := lcmtest.NewDriver()
			b := setupOn(t, be.dsn(t), lcm.DriverFactoryFunc(func(context.Context, *vim.Connection) (vim.Driver, error) { return drv, nil }),
				func(*env) lcm.PackageSource {
					pkg, err := lcm.LoadPackageDir(t.Context(), manifestsCNF, "Definitions/cnf.yaml")
					if err != nil {
						t.Fatal(err)
					}
					return packages{pkg}
				})
			b.drv = drv
			modifyVnfcInfo(t, b)
		})
	}
}

func modifyVnfcInfo(t *testing.T, b *testBundle) {
	sub := newSubscriber(t)
	b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/subscriptions", `{"callbackUri":"`+sub.url+`",
	  "filter":{"operationTypes":["MODIFY_INFO"],"notificationTypes":["VnfLcmOperationOccurrenceNotification"]}}`),
		http.StatusCreated, "LccnSubscription")
	r := b.want(t, b.do(t, http.MethodPost, "/vnflcm/v1/vnf_instances", `{"vnfdId":"`+manifestsVNFD+`"}`), http.StatusCreated, "vnfInstance")
	id := decode(t, r.body)["id"].(string)
	v1, v2 := "/vnflcm/v1/vnf_instances/"+id, "/vnflcm/v2/vnf_instances/"+id

	// a NOT_INSTANTIATED instance has no VNFC to modify
	b.want(t, b.do(t, http.MethodPatch, v1, `{"vnfcInfoModifications":[{"id":"web-1","vnfcConfigurableProperties":{"k":"v"}}]}`),
		http.StatusUnprocessableEntity, "ProblemDetails")
	b.want(t, b.do(t, http.MethodPatch, v2, `{"vnfcInfoModificationsDeleteIds":["web-1"]}`), http.StatusUnprocessableEntity, "")

	b.task(t, v1+"/instantiate", instantiateV1, lcm.Completed)
	b.task(t, v1+"/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect"}`, lcm.Completed)
	ids := b.vnfcIDs(t, v1)
	if len(ids) != 2 {
		t.Fatalf("VNFCs %v, want 2", ids)
	}
	first, last := ids[0], ids[1] // a scale in removes the last

	mods := `[{"id":"` + first + `","vnfcConfigurableProperties":{"a":"1","b":{"x":1}}},
	  {"id":"` + last + `","vnfcConfigurableProperties":{"c":"3"}}]`
	op := b.modify(t, v1, `{"vnfcInfoModifications":`+mods+`}`)
	wantChanged(t, op, "vnfcInfoModifications", mods)
	op = b.modify(t, v2, `{"vnfcInfoModifications":[{"id":"`+first+`","vnfcConfigurableProperties":{"b":null,"e":"5"}}]}`)
	wantChanged(t, op, "vnfcInfoModifications", `[{"id":"`+first+`","vnfcConfigurableProperties":{"b":null,"e":"5"}}]`)
	want := map[string]any{first: map[string]any{"a": "1", "e": "5"}, last: map[string]any{"c": "3"}}
	b.wantProps(t, v1, want)
	b.wantProps(t, v2, want)
	b.want(t, b.do(t, http.MethodGet, "/vnflcm/v1/vnf_lcm_op_occs?all_fields", ""), http.StatusOK, "VnfLcmOpOccs")

	tests := []struct {
		name, path, body string
		status           int
	}{
		{"v1 unknown vnfc", v1, `{"vnfcInfoModifications":[{"id":"nope","vnfcConfigurableProperties":{"k":"v"}}]}`, 422},
		{"v2 unknown vnfc beside a known one", v2, `{"vnfcInfoModifications":[{"id":"` + first + `","vnfcConfigurableProperties":{"k":"v"}},
		  {"id":"nope","vnfcConfigurableProperties":{"k":"v"}}]}`, 422},
		{"v2 unknown delete id", v2, `{"vnfcInfoModificationsDeleteIds":["nope"]}`, 422},
		{"no properties", v1, `{"vnfcInfoModifications":[{"id":"` + first + `"}]}`, 400},
		{"no id", v2, `{"vnfcInfoModifications":[{"vnfcConfigurableProperties":{"k":"v"}}]}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.want(t, b.do(t, http.MethodPatch, tt.path, tt.body), tt.status, "ProblemDetails")
		})
	}
	b.wantProps(t, v1, want)

	// a stale If-Match is 412, an operation in flight 409: nothing changes
	etag := b.do(t, http.MethodGet, v1, "").header.Get("ETag")
	b.modify(t, v1, `{"vnfInstanceDescription":"moved on"}`)
	if r := b.patchIfMatch(t, v1, etag, `{"vnfcInfoModifications":[{"id":"`+first+`","vnfcConfigurableProperties":{"k":"v"}}]}`); r.status != http.StatusPreconditionFailed {
		t.Fatalf("PATCH with a stale If-Match: %d, want 412: %s", r.status, r.body)
	}
	b.drv.FailNext("Scale", vim.Errorf(vim.ErrTransient, "scale", "vim unreachable"))
	r = b.want(t, b.do(t, http.MethodPost, v1+"/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect"}`), http.StatusAccepted, "")
	scaling := r.header.Get("Location")
	b.waitOp(t, scaling, lcm.FailedTemp)
	b.want(t, b.do(t, http.MethodPatch, v2, `{"vnfcInfoModificationsDeleteIds":["`+first+`"]}`), http.StatusConflict, "ProblemDetails")
	b.want(t, b.do(t, http.MethodPost, scaling+"/rollback", ""), http.StatusAccepted, "")
	b.waitOp(t, scaling, lcm.RolledBack)
	b.wantProps(t, v1, want)

	// scaling out keeps them; scaling in drops those of the VNFCs it removes
	b.task(t, v1+"/scale", `{"type":"SCALE_OUT","aspectId":"web_aspect"}`, lcm.Completed)
	b.wantProps(t, v2, want)
	b.task(t, v2+"/scale", `{"type":"SCALE_IN","aspectId":"web_aspect","numberOfSteps":2}`, lcm.Completed)
	delete(want, last)
	b.wantProps(t, v1, want)

	op = b.modify(t, v2, `{"vnfcInfoModificationsDeleteIds":["`+first+`"]}`)
	wantChanged(t, op, "vnfcInfoModificationsDeleteIds", `["`+first+`"]`)
	b.wantProps(t, v1, map[string]any{})

	// the notifications of the four modifications carry their changedInfo
	var reported int
	for _, raw := range sub.wait(t, 4) {
		b.schemas.MustValidate(t, schemaDir+"VnfLcmOperationOccurrenceNotification", raw)
		n := decode(t, raw)
		changed, _ := n["changedInfo"].(map[string]any)
		if changed == nil {
			t.Fatalf("a MODIFY_INFO notification without changedInfo: %s", raw)
		}
		if list, _ := changed["vnfcInfoModifications"].([]any); len(list) == 2 {
			wantChanged(t, n, "vnfcInfoModifications", mods)
			reported++
		}
	}
	if reported != 1 {
		t.Errorf("%d notifications reported the first vnfcInfoModifications, want 1", reported)
	}
}

// modify PATCHes path with body and returns the MODIFY_INFO occurrence.
func (b *testBundle) modify(t *testing.T, path, body string) map[string]any {
	t.Helper()
	r := b.want(t, b.do(t, http.MethodPatch, path, body), http.StatusAccepted, "")
	op := b.waitOp(t, r.header.Get("Location"), lcm.Completed)
	if op["operation"] != "MODIFY_INFO" {
		t.Fatalf("PATCH made a %v occurrence", op["operation"])
	}
	return op
}

// patchIfMatch PATCHes path with body under If-Match etag.
func (b *testBundle) patchIfMatch(t *testing.T, path, etag, body string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPatch, b.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("If-Match", etag)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return reply{status: res.StatusCode}
}

// wantChanged fails unless op's changedInfo has attr as the JSON want.
func wantChanged(t *testing.T, op map[string]any, attr, want string) {
	t.Helper()
	changed, _ := op["changedInfo"].(map[string]any)
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(changed[attr], w) {
		t.Fatalf("changedInfo.%s %v, want %v (changedInfo %v)", attr, changed[attr], w, op["changedInfo"])
	}
}

// vnfcInfo is the instance's instantiatedVnfInfo.vnfcInfo, checked
// against vnfcResourceInfo (and the ETSI schema in v1).
func (b *testBundle) vnfcInfo(t *testing.T, path string) []map[string]any {
	t.Helper()
	schema := ""
	if strings.HasPrefix(path, "/vnflcm/v1/") {
		schema = "vnfInstance"
	}
	full := decode(t, b.want(t, b.do(t, http.MethodGet, path, ""), http.StatusOK, schema).body)
	info, _ := full["instantiatedVnfInfo"].(map[string]any)
	if info == nil {
		t.Fatalf("no instantiatedVnfInfo: %v", full)
	}
	wantVnfcInfo(t, info)
	var out []map[string]any
	for _, e := range info["vnfcInfo"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// wantProps fails unless the instance's vnfcInfo entries that have
// vnfcConfigurableProperties are exactly want's, by vnfcInfo id.
func (b *testBundle) wantProps(t *testing.T, path string, want map[string]any) {
	t.Helper()
	got := map[string]any{}
	for _, e := range b.vnfcInfo(t, path) {
		if p, ok := e["vnfcConfigurableProperties"]; ok {
			got[e["id"].(string)] = p
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: vnfcConfigurableProperties by vnfc %v, want %v", path, got, want)
	}
}
