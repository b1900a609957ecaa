package check_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// tokenServer is a token endpoint that knows one client, "id" with secret
// "s:e cret" (characters HTTP Basic needs form-encoded), and answers with
// answer when it authenticates.
func tokenServer(t *testing.T, answer string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if err := r.ParseForm(); err != nil || r.URL.Path != check.TokenPath ||
			r.PostForm.Get("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		if id != "id" || secret != "s:e cret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(strings.ReplaceAll(answer, "SCOPE", r.PostForm.Get("scope"))))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchToken(t *testing.T) {
	t.Parallel()
	good := `{"access_token":"abc","token_type":"Bearer","expires_in":3600,"scope":"SCOPE"}`
	tests := []struct {
		name    string
		answer  string
		secret  string
		scopes  []string
		want    string
		wantErr string
	}{
		{name: "granted", answer: good, secret: "s:e cret", want: "abc"},
		{name: "scopes sent", answer: good, secret: "s:e cret", scopes: []string{"a:v1:all", "b"}, want: "abc"},
		{name: "wrong secret", answer: good, secret: "nope", wantErr: "-> 401"},
		{name: "not JSON", answer: `token`, secret: "s:e cret", wantErr: "decode"},
		{name: "not bearer", answer: `{"access_token":"abc","token_type":"mac"}`, secret: "s:e cret", wantErr: "bearer"},
		{name: "no token", answer: `{"token_type":"bearer"}`, secret: "s:e cret", wantErr: "bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := check.NewClient(tokenServer(t, tt.answer).URL, "")
			if err != nil {
				t.Fatal(err)
			}
			tr, err := c.FetchToken(context.Background(), "id", tt.secret, tt.scopes...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), tt.secret) {
					t.Errorf("error %q reveals the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr.AccessToken != tt.want || tr.Scope != strings.Join(tt.scopes, " ") {
				t.Errorf("got token %q scope %q, want %q and %q", tr.AccessToken, tr.Scope, tt.want, strings.Join(tt.scopes, " "))
			}
		})
	}
}
