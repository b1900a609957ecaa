package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// runSubscriptions runs the subscription checks whose names start with
// prefix, then cleanup, and returns their results by name.
func runSubscriptions(t *testing.T, p *vnfpkgm, prefix string) map[string]check.Result {
	t.Helper()
	var checks []check.Check
	for _, c := range p.subscriptionChecks() {
		if strings.HasPrefix(c.Name, prefix) {
			checks = append(checks, c)
		}
	}
	checks = append(checks, check.Check{Name: "cleanup", Run: p.checkCleanup})
	rep := check.Run(t.Context(), []check.Suite{{API: p.name, Checks: checks}}, 10*time.Second)
	out := map[string]check.Result{}
	for _, res := range rep.Results {
		out[res.Name] = res
	}
	return out
}

// TestSubscriptionChecksPass runs the checks against the real handlers: a
// sound NFVO passes them all.
func TestSubscriptionChecksPass(t *testing.T) {
	t.Parallel()
	for name, res := range runSubscriptions(t, nfvo(t, nil, nil), "") {
		if res.Status != check.Pass {
			t.Errorf("%s: %v: %v", name, res.Status, res.Err)
		}
	}
}

// TestSubscriptionChecksCatchDefects plants one defect at a time between
// the NFVO and the runner: the check meant to see it must fail.
func TestSubscriptionChecksCatchDefects(t *testing.T) {
	t.Parallel()
	echoBefore, echoAfter := echoPassword()
	tests := []struct {
		name   string
		before func(*http.Request)
		after  tamperFunc
		fails  string
	}{
		{name: "duplicate created again", fails: "POST the same subscription again",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusSeeOther {
					rec.Code = http.StatusCreated
				}
			}},
		{name: "callback credentials dropped", fails: "notifications:",
			before: dropJSONMember("/subscriptions", "authentication")},
		{name: "filter dropped", fails: "notifications:",
			before: dropJSONMember("/subscriptions", "filter")},
		{name: "password echoed", fails: "GET /subscriptions/{id}", before: echoBefore, after: echoAfter},
		{name: "refusing callback accepted", fails: "POST with a callback failing",
			after: func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodPost && rec.Code == http.StatusUnprocessableEntity {
					rec.Code = http.StatusCreated
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			results := runSubscriptions(t, nfvo(t, tt.before, tt.after), tt.fails)
			if len(results) < 2 {
				t.Fatalf("no check named %q…", tt.fails)
			}
			for name, res := range results {
				if name == "cleanup" {
					continue
				}
				if res.Status != check.Fail {
					t.Errorf("%s: %v, want FAIL", name, res.Status)
				}
				t.Logf("%s: %v", name, res.Err)
			}
		})
	}
}

// echoPassword adds to every answer about a subscription the password
// it was made with, as a server leaking it would: before reads the
// password of each POST, after writes it into the answers.
func echoPassword() (before func(*http.Request), after tamperFunc) {
	var mu sync.Mutex
	passwords := map[string]string{} // by callbackUri
	before = func(r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/subscriptions") {
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = readCloser{bytes.NewReader(body)}
		var req struct {
			CallbackURI    string `json:"callbackUri"`
			Authentication struct {
				ParamsBasic struct {
					Password string `json:"password"`
				} `json:"paramsBasic"`
			} `json:"authentication"`
		}
		if json.Unmarshal(body, &req) == nil {
			mu.Lock()
			passwords[req.CallbackURI] = req.Authentication.ParamsBasic.Password
			mu.Unlock()
		}
	}
	after = func(r *http.Request, rec *httptest.ResponseRecorder) {
		var sub struct {
			CallbackURI string `json:"callbackUri"`
		}
		if !strings.Contains(r.URL.Path, "/subscriptions/") || json.Unmarshal(rec.Body.Bytes(), &sub) != nil {
			return
		}
		mu.Lock()
		pw := passwords[sub.CallbackURI]
		mu.Unlock()
		if pw != "" {
			b := bytes.Replace(rec.Body.Bytes(), []byte(`{`), []byte(`{"password":"`+pw+`",`), 1)
			rec.Body = bytes.NewBuffer(b)
		}
	}
	return before, after
}
