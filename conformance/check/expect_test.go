package check_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// fakeSchema accepts bodies containing "ok".
type fakeSchema struct{}

func (fakeSchema) Name() string { return "fake" }
func (fakeSchema) Validate(b []byte) error {
	if strings.Contains(string(b), "ok") {
		return nil
	}
	return errors.New("not ok")
}

func response(status int, contentType, body string) *check.Response {
	u, _ := url.Parse("http://h/x")
	return &check.Response{Method: "GET", URL: u, Status: status,
		Header: http.Header{"Content-Type": {contentType}}, Body: []byte(body)}
}

func TestExpectProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		resp    *check.Response
		status  int
		wantErr string
	}{
		{name: "good", resp: response(404, check.Problem, `{"status":404,"detail":"ok"}`), status: 404},
		{name: "charset allowed", resp: response(404, check.Problem+"; charset=utf-8", `{"status":404,"detail":"ok"}`), status: 404},
		{name: "wrong status", resp: response(500, check.Problem, `{"status":500,"detail":"ok"}`), status: 404, wantErr: "want [404]"},
		{name: "plain JSON", resp: response(404, check.JSON, `{"status":404,"detail":"ok"}`), status: 404, wantErr: "Content-Type"},
		{name: "status member differs", resp: response(404, check.Problem, `{"status":400,"detail":"ok"}`), status: 404, wantErr: "want 404 and a detail"},
		{name: "no detail", resp: response(404, check.Problem, `{"status":404,"title":"ok"}`), status: 404, wantErr: "want 404 and a detail"},
		{name: "not JSON", resp: response(404, check.Problem, `ok`), status: 404, wantErr: "ProblemDetails"},
		{name: "schema refuses", resp: response(404, check.Problem, `{"status":404,"detail":"no"}`), status: 404, wantErr: "not ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.resp.ExpectProblem(tt.status, fakeSchema{})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestExpectJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		resp    *check.Response
		wantErr string
	}{
		{name: "good", resp: response(200, check.JSON, `{"a":"ok"}`)},
		{name: "wrong status", resp: response(201, check.JSON, `{"a":"ok"}`), wantErr: "want [200]"},
		{name: "wrong media type", resp: response(200, "text/plain; charset=utf-8", `{"a":"ok"}`), wantErr: "Content-Type"},
		{name: "invalid", resp: response(200, check.JSON, `{"a":"no"}`), wantErr: "body invalid"},
		{name: "undecodable", resp: response(200, check.JSON, `["ok"]`), wantErr: "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v struct{ A string }
			err := tt.resp.ExpectJSON(http.StatusOK, &v, fakeSchema{})
			if tt.wantErr == "" {
				if err != nil || v.A != "ok" {
					t.Fatalf("err = %v, v = %+v; want nil and a decoded body", err, v)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestExpectHeader(t *testing.T) {
	t.Parallel()
	r := response(200, check.JSON, "")
	r.Header.Set("Etag", `"3"`)
	if v, err := r.ExpectHeader("ETag"); err != nil || v != `"3"` {
		t.Errorf("ExpectHeader(ETag) = %q, %v", v, err)
	}
	if _, err := r.ExpectHeader("Location"); err == nil {
		t.Error("ExpectHeader(Location) on a response without one = nil error")
	}
}
