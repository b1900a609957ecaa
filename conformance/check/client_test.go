package check_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

func TestNewClientRejectsBadURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		url  string
		ok   bool
	}{
		{name: "http", url: "http://127.0.0.1:9880", ok: true},
		{name: "trailing slash", url: "https://nfvo.example/", ok: true},
		{name: "no scheme", url: "127.0.0.1:9880"},
		{name: "ftp", url: "ftp://host"},
		{name: "no host", url: "http://"},
		{name: "garbage", url: "http://[::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := check.NewClient(tt.url, "")
			if (err == nil) != tt.ok {
				t.Errorf("NewClient(%q) error = %v, want ok %v", tt.url, err, tt.ok)
			}
		})
	}
}

// echo answers with what it received, as JSON-ish text, and a header.
func echo(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Version", "1.3.0")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" auth="+r.Header.Get("Authorization")+
			" ct="+r.Header.Get("Content-Type")+" x="+r.Header.Get("X-Test")+" body="+string(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDo(t *testing.T) {
	t.Parallel()
	srv := echo(t)
	tests := []struct {
		name string
		req  check.Request
		want string
	}{
		{name: "token sent", req: check.Request{Method: "GET", Path: "/a?b=c"},
			want: "GET /base/a?b=c auth=Bearer tok ct= x= body="},
		{name: "dot segments kept", req: check.Request{Method: "GET", Path: "/a/../../b/%2e%2e/c"},
			want: "GET /base/a/../../b/%2e%2e/c auth=Bearer tok ct= x= body="},
		{name: "no auth", req: check.Request{Method: "GET", Path: "/a", NoAuth: true},
			want: "GET /base/a auth= ct= x= body="},
		{name: "body and headers", req: check.Request{Method: "PATCH", Path: "/p", Body: []byte(`{}`),
			ContentType: "application/merge-patch+json", Header: http.Header{"X-Test": {"1"}}},
			want: "PATCH /base/p auth=Bearer tok ct=application/merge-patch+json x=1 body={}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := check.NewClient(srv.URL+"/base", "tok")
			if err != nil {
				t.Fatal(err)
			}
			var seen atomic.Int32
			c.ObserveFunc = func(*check.Response) { seen.Add(1) }
			r, err := c.Do(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if string(r.Body) != tt.want || r.Status != http.StatusTeapot || r.Header.Get("Version") != "1.3.0" {
				t.Errorf("got %d %q, want 418 %q", r.Status, r.Body, tt.want)
			}
			if seen.Load() != 1 {
				t.Errorf("ObserveFunc called %d times, want 1", seen.Load())
			}
		})
	}
}

func TestDoBoundsBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", check.MaxBody+1))
	}))
	t.Cleanup(srv.Close)
	c, err := check.NewClient(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "/"); err == nil || !strings.Contains(err.Error(), "body over") {
		t.Errorf("Get of an oversized body: err = %v, want a size error", err)
	}
}

func TestDoUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := check.NewClient(url, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "/x"); err == nil {
		t.Error("Get from a closed server succeeded")
	}
}

func TestDoKeepsRedirects(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/target" {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Location", "/target")
		w.WriteHeader(http.StatusSeeOther)
	}))
	t.Cleanup(srv.Close)
	c, err := check.NewClient(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Do(context.Background(), check.Request{Method: http.MethodPost, Path: "/subscriptions", Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/target" {
		t.Errorf("POST answered %d with Location %q, want the 303 itself", r.Status, r.Header.Get("Location"))
	}
}
