package app

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/testenv"
)

// tcpProxy forwards connections from its address to a target; down closes
// the listener and every forwarded connection, up listens again on the same
// address. It stands for a database host that becomes unreachable.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.down(); p.wg.Wait() })
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, u) {
				return
			}
			for _, pair := range [][2]net.Conn{{c, u}, {u, c}} {
				p.wg.Add(1)
				go func(dst, src net.Conn) {
					defer p.wg.Done()
					io.Copy(dst, src)
					dst.Close()
					src.Close()
				}(pair[0], pair[1])
			}
		}
	}()
}

// track records c and u unless the proxy went down meanwhile.
func (p *tcpProxy) track(c, u net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		c.Close()
		u.Close()
		return false
	}
	p.conns[c], p.conns[u] = struct{}{}, struct{}{}
	return true
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *tcpProxy) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy up again: %v", err)
	}
	p.serve(ln)
}

// TestReadyz_PostgresDown runs the NFVO on a PostgreSQL database reached
// through a proxy: /readyz answers 200, then 503 while the database is
// unreachable (and /healthz stays 200), then 200 again once it is back, and
// the API works again.
func TestReadyz_PostgresDown(t *testing.T) {
	t.Parallel()
	dsn := testenv.Postgres(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	base := start(t, "--auth", "none", "--db", u.String())

	readyz := func() (int, map[string]any) {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatalf("/readyz body: %v", err)
		}
		return res.StatusCode, body
	}
	until := func(want int) map[string]any {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, body := readyz()
			if code == want {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz stays %d %v, want %d", code, body, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if code, body := readyz(); code != 200 || body["status"] != "ok" {
		t.Fatalf("/readyz with the database up: %d %v", code, body)
	}

	proxy.down()
	body := until(http.StatusServiceUnavailable)
	if body["status"] != float64(http.StatusServiceUnavailable) || body["detail"] == "" || body["detail"] == nil {
		t.Fatalf("/readyz with the database down: %v", body)
	}
	if res, b := call(t, "GET", base+"/healthz", "", ""); res.StatusCode != 200 {
		t.Fatalf("/healthz with the database down: %d %s", res.StatusCode, b)
	}

	proxy.up(t)
	if body := until(http.StatusOK); body["status"] != "ok" {
		t.Fatalf("/readyz after recovery: %v", body)
	}
	if res, b := call(t, "GET", base+"/vnfpkgm/v1/vnf_packages", "", ""); res.StatusCode != 200 {
		t.Fatalf("API after recovery: %d %s", res.StatusCode, b)
	}
}
