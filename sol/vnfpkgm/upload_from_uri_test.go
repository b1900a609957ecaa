package vnfpkgm_test

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// fromURI creates a package, asks for its upload from the request
// fields, and returns its info once the download and onboarding end.
func fromURI(t *testing.T, b *testBundle, fields map[string]string) map[string]any {
	t.Helper()
	id := b.create(t)
	body, _ := json.Marshal(fields)
	res, raw := b.do(t, "POST", "/vnf_packages/"+id+"/package_content/upload_from_uri", bytes.NewReader(body),
		"Content-Type", "application/json")
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload_from_uri: %d %s", res.StatusCode, raw)
	}
	return b.settled(t, id)
}

// wantOutcome fails t unless info is in state and its failure detail holds
// every one of details.
func wantOutcome(t *testing.T, info map[string]any, state string, details ...string) {
	t.Helper()
	raw, _ := json.Marshal(info)
	if info["onboardingState"] != state {
		t.Fatalf("state %v, want %s: %s", info["onboardingState"], state, raw)
	}
	detail, _ := json.Marshal(info["onboardingFailureDetails"])
	for _, d := range details {
		if !strings.Contains(string(detail), d) {
			t.Fatalf("failure detail lacks %q: %s", d, detail)
		}
	}
}

// stall holds a handler until the client goes away or the test ends.
func stall(r *http.Request, done <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-done:
	}
}

// serveLater returns a server run by the handler mk makes, and counts its
// requests; done, given to mk, is closed before the server closes, for
// handlers that stall to return on.
func serveLater(t *testing.T, mk func(done <-chan struct{}) http.HandlerFunc) (*httptest.Server, func() int) {
	done := make(chan struct{})
	h := mk(done)
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) }) // runs before srv.Close
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return calls }
}

// TestUploadFromURI_SizeLimit: the size limit holds whether the server
// declares the length, declares too much, or sends chunks without one; a
// package of exactly the limit still onboards.
func TestUploadFromURI_SizeLimit(t *testing.T) {
	t.Parallel()
	zipData := build(t, helmCNF, csartest.Options{})
	limit := int64(len(zipData))
	over := append(append([]byte(nil), zipData...), make([]byte, 4096)...)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		state   string
		details []string
	}{
		{"exactly the limit", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(zipData) },
			"ONBOARDED", nil},
		{"over the limit, chunked without Content-Length", func(w http.ResponseWriter, _ *http.Request) {
			for chunk := range slices(over, 1000) {
				_, _ = w.Write(chunk)
				w.(http.Flusher).Flush()
			}
		}, "ERROR", []string{"exceeds the size limit of " + fmt.Sprint(limit)}},
		{"over the limit, declared", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(over)))
			_, _ = w.Write(over)
		}, "ERROR", []string{"Content-Length " + fmt.Sprint(len(over)), "size limit"}},
		{"small, declared as large", func(w http.ResponseWriter, r *http.Request) {
			// Hijacked, since net/http will not send a body shorter than
			// its Content-Length; the declaration alone is refused.
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", limit+1)
			_, _ = buf.Write(zipData)
			_ = buf.Flush()
		}, "ERROR", []string{"Content-Length " + fmt.Sprint(limit+1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			b := setupCatalog(t, catalog.Options{CSAR: csar.Options{MaxPackageSize: limit}}, nil)
			info := fromURI(t, b, map[string]string{"addressInformation": srv.URL + "/pkg.zip"})
			wantOutcome(t, info, tc.state, tc.details...)
		})
	}
}

// slices yields data in pieces of n bytes.
func slices(data []byte, n int) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(data) > 0 {
			k := min(n, len(data))
			if !yield(data[:k]) {
				return
			}
			data = data[k:]
		}
	}
}

// TestUploadFromURI_TimeLimit: a server that never answers, stalls after
// its headers, or trickles its body ends the package in ERROR once the
// configured fetch time limit passes, for good (no retry). The outcome is
// asserted, not the time it took; a prompt server under the same limit
// onboards.
func TestUploadFromURI_TimeLimit(t *testing.T) {
	t.Parallel()
	zipData := build(t, helmCNF, csartest.Options{})
	const limit = time.Second
	tests := []struct {
		name    string
		handler func(done <-chan struct{}) http.HandlerFunc
		state   string
	}{
		{"prompt", func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(zipData) }
		}, "ONBOARDED"},
		{"no headers", func(done <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { stall(r, done) }
		}, "ERROR"},
		{"stalls after the headers", func(done <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(zipData)))
				_, _ = w.Write(zipData[:len(zipData)/2])
				w.(http.Flusher).Flush()
				stall(r, done)
			}
		}, "ERROR"},
		{"trickles", func(done <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				for chunk := range slices(zipData, 1) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-done:
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			}
		}, "ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := serveLater(t, tc.handler)
			b := setupCatalog(t, catalog.Options{FetchTimeout: limit}, nil)
			info := fromURI(t, b, map[string]string{"addressInformation": srv.URL + "/pkg.zip"})
			if tc.state == "ERROR" {
				wantOutcome(t, info, "ERROR", "time limit", limit.String())
			} else {
				wantOutcome(t, info, tc.state)
			}
			if n := calls(); n != 1 {
				t.Errorf("server asked %d times, want once", n)
			}
		})
	}
}

// TestUploadFromURI_Redirects: redirects are followed up to a bound, a
// loop ends in ERROR, and Basic credentials never travel to another host
// nor, after https, in clear text.
func TestUploadFromURI_Redirects(t *testing.T) {
	t.Parallel()
	zipData := build(t, helmCNF, csartest.Options{})
	const user, secret = "vendor", "s3cret-redirect"

	// auth records the Authorization header of every request to a server.
	type auth struct {
		mu   sync.Mutex
		seen []string
	}
	record := func(a *auth, r *http.Request) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.seen = append(a.seen, r.Header.Get("Authorization"))
	}

	t.Run("three hops", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var n int
			if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil && n < 3 {
				http.Redirect(w, r, fmt.Sprintf("/hop/%d", n+1), http.StatusFound)
				return
			}
			_, _ = w.Write(zipData)
		}))
		t.Cleanup(srv.Close)
		b := setup(t, csar.Options{})
		wantOutcome(t, fromURI(t, b, map[string]string{"addressInformation": srv.URL + "/hop/0"}), "ONBOARDED")
	})

	t.Run("loop", func(t *testing.T) {
		t.Parallel()
		var a auth
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			record(&a, r)
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}))
		t.Cleanup(srv.Close)
		b := setup(t, csar.Options{})
		wantOutcome(t, fromURI(t, b, map[string]string{"addressInformation": srv.URL + "/again"}), "ERROR", "redirects")
		a.mu.Lock()
		defer a.mu.Unlock()
		if len(a.seen) > 10 {
			t.Errorf("%d requests for one download: redirects unbounded or retried", len(a.seen))
		}
	})

	t.Run("to another host", func(t *testing.T) {
		t.Parallel()
		var a auth
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			record(&a, r)
			_, _ = w.Write(zipData)
		}))
		t.Cleanup(target.Close)
		// The same server under another name: localhost instead of 127.0.0.1.
		elsewhere := strings.Replace(target.URL, "127.0.0.1", "localhost", 1)
		srv := httptest.NewServer(http.RedirectHandler(elsewhere+"/pkg.zip", http.StatusFound))
		t.Cleanup(srv.Close)
		b := setup(t, csar.Options{})
		info := fromURI(t, b, map[string]string{"addressInformation": srv.URL + "/pkg.zip", "userName": user, "password": secret})
		wantOutcome(t, info, "ONBOARDED")
		a.mu.Lock()
		defer a.mu.Unlock()
		if len(a.seen) != 1 || a.seen[0] != "" {
			t.Errorf("other host got Authorization %q", a.seen)
		}
	})

	t.Run("https to http", func(t *testing.T) {
		t.Parallel()
		var a auth
		plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			record(&a, r)
			_, _ = w.Write(zipData)
		}))
		t.Cleanup(plain.Close)
		tlsSrv := httptest.NewTLSServer(http.RedirectHandler(plain.URL+"/pkg.zip", http.StatusFound))
		t.Cleanup(tlsSrv.Close)
		b := setupCatalog(t, catalog.Options{FetchRootCAs: rootsOf(tlsSrv)}, nil)
		info := fromURI(t, b, map[string]string{"addressInformation": tlsSrv.URL + "/pkg.zip", "userName": user, "password": secret})
		wantOutcome(t, info, "ERROR", "https to http")
		a.mu.Lock()
		defer a.mu.Unlock()
		if len(a.seen) != 0 {
			t.Errorf("http server reached after https, Authorization %q", a.seen)
		}
	})
}

// rootsOf is a pool trusting only the test TLS server's certificate.
func rootsOf(srv *httptest.Server) *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return pool
}

// TestUploadFromURI_TLS: an https server is fetched only if its certificate
// chains to a trusted CA and names its host; Basic credentials go as given
// and only when given.
func TestUploadFromURI_TLS(t *testing.T) {
	t.Parallel()
	zipData := build(t, helmCNF, csartest.Options{})
	const user, secret = "vendor", "s3cret-tls"
	var mu sync.Mutex
	var seen []string // Authorization headers received, in order
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != secret {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write(zipData)
	}))
	t.Cleanup(srv.Close)
	// httptest's certificate names 127.0.0.1 and example.com, not localhost.
	wrongName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	creds := map[string]string{"addressInformation": srv.URL + "/pkg.zip", "authType": "BASIC", "userName": user, "password": secret}
	tests := []struct {
		name    string
		roots   *x509.CertPool
		fields  map[string]string
		state   string
		details []string
		auth    []string // Authorization headers the server must have seen
	}{
		{"untrusted", nil, creds, "ERROR", []string{"certificate not trusted", "unknown authority"}, nil},
		{"trusted, other name", rootsOf(srv), map[string]string{"addressInformation": wrongName + "/pkg.zip", "userName": user, "password": secret},
			"ERROR", []string{"certificate not trusted", "localhost"}, nil},
		{"trusted", rootsOf(srv), creds, "ONBOARDED", nil, []string{basic(user, secret)}},
		{"trusted, no credentials", rootsOf(srv), map[string]string{"addressInformation": srv.URL + "/pkg.zip"},
			"ERROR", []string{"401"}, []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { // serially: seen is shared
			mu.Lock()
			seen = nil
			mu.Unlock()
			b := setupCatalog(t, catalog.Options{FetchRootCAs: tc.roots}, nil)
			info := fromURI(t, b, tc.fields)
			wantOutcome(t, info, tc.state, tc.details...)
			if raw, _ := json.Marshal(info); strings.Contains(string(raw), secret) {
				t.Errorf("password in the package's info: %s", raw)
			}
			mu.Lock()
			defer mu.Unlock()
			if fmt.Sprint(seen) != fmt.Sprint(tc.auth) {
				t.Errorf("server saw Authorization %q, want %q", seen, tc.auth)
			}
		})
	}
}

func basic(user, password string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, password)
	return r.Header.Get("Authorization")
}

// TestUploadFromURI_SecretsOutOfLogs: a download that fails, is logged by
// the job queue and retried, then succeeds, leaves neither the Basic
// password nor one in the URL in the logs or the package's info.
func TestUploadFromURI_SecretsOutOfLogs(t *testing.T) {
	t.Parallel()
	zipData := build(t, helmCNF, csartest.Options{})
	const basicSecret, urlSecret = "s3cret-basic", "s3cret-in-url"
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(zipData)
	}))
	t.Cleanup(srv.Close)
	var logs syncBuffer
	b := setupCatalog(t, catalog.Options{}, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	uri := strings.Replace(srv.URL, "http://", "http://vendor:"+urlSecret+"@", 1) + "/pkg.zip"
	info := fromURI(t, b, map[string]string{"addressInformation": uri, "userName": "vendor", "password": basicSecret})
	wantOutcome(t, info, "ONBOARDED")
	out := logs.String()
	if !strings.Contains(out, "503") {
		t.Fatalf("the failed attempt was not logged, nothing to check: %s", out)
	}
	raw, _ := json.Marshal(info)
	for _, secret := range []string{basicSecret, urlSecret} {
		if strings.Contains(out, secret) || strings.Contains(string(raw), secret) {
			t.Errorf("%s leaked: logs %s\ninfo %s", secret, out, raw)
		}
	}
}

// syncBuffer is a bytes.Buffer the job queue's goroutines may log to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
