package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Callback paths the sink serves: a subscription's callback URI is one of
// these prefixes followed by a name the check chooses.
const (
	// acceptPath answers the SOL 013 test GET with 204 and records every
	// POSTed notification.
	acceptPath = "/callback/"
	// refusePath answers everything 404: a callback that fails the test.
	refusePath = "/refuse/"
)

// maxNotification bounds the notification bodies the sink keeps.
const maxNotification = 1 << 20

// callbacks is the HTTP server the run offers as the callback of the
// subscriptions it makes, on --callback-server, which the servers under
// test must reach.
type callbacks struct {
	srv  *http.Server
	base string

	mu  sync.Mutex
	got map[string][]notification
	// tests counts the test GETs, by callback name.
	tests map[string]int
	// changed is closed, and replaced, whenever a notification arrives.
	changed chan struct{}
}

// notification is one POST the sink received.
type notification struct {
	Body          []byte
	Authorization string
	// Type is the body's notificationType.
	Type string
}

// decode unmarshals the notification's body into v.
func (n notification) decode(v any) error {
	if err := json.Unmarshal(n.Body, v); err != nil {
		return fmt.Errorf("%s: decode: %w", n.Type, err)
	}
	return nil
}

// startCallbacks listens on addr and serves the sink.
func startCallbacks(addr string) (*callbacks, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--callback-server: %w", err)
	}
	c := &callbacks{base: "http://" + ln.Addr().String(), got: map[string][]notification{},
		tests: map[string]int{}, changed: make(chan struct{})}
	c.srv = &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *callbacks) close() { _ = c.srv.Close() }

// uri is the callback URI of name, which accepts the test and records
// notifications.
func (c *callbacks) uri(name string) string { return c.base + acceptPath + url.PathEscape(name) }

// refusingURI is a callback URI that fails the test GET.
func (c *callbacks) refusingURI(name string) string {
	return c.base + refusePath + url.PathEscape(name)
}

// ServeHTTP answers the servers' calls.
func (c *callbacks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, acceptPath)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		c.mu.Lock()
		c.tests[name]++
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		c.record(name, r)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (c *callbacks) record(name string, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxNotification))
	var head struct {
		NotificationType string `json:"notificationType"`
	}
	_ = json.Unmarshal(body, &head)
	n := notification{Body: body, Authorization: r.Header.Get("Authorization"), Type: head.NotificationType}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got[name] = append(c.got[name], n)
	close(c.changed)
	c.changed = make(chan struct{})
}

// received returns what callback name has received so far.
func (c *callbacks) received(name string) []notification {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]notification(nil), c.got[name]...)
}

// tested returns how many test GETs callback name has answered.
func (c *callbacks) tested(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tests[name]
}

// wait returns the first notification to callback name that match
// accepts, waiting for it until ctx ends.
func (c *callbacks) wait(ctx context.Context, name, what string, match func(notification) bool) (notification, error) {
	for {
		c.mu.Lock()
		changed := c.changed
		got := c.got[name]
		c.mu.Unlock()
		for _, n := range got {
			if match(n) {
				return n, nil
			}
		}
		select {
		case <-ctx.Done():
			return notification{}, fmt.Errorf("no %s reached the callback (%d other notifications did): %w",
				what, len(got), ctx.Err())
		case <-changed:
		}
	}
}

// quiet checks that callback name received nothing, after the servers had
// time to deliver what they were going to.
func (c *callbacks) quiet(name string) error {
	if got := c.received(name); len(got) > 0 {
		types := make([]string, len(got))
		for i, n := range got {
			types[i] = n.Type
		}
		return fmt.Errorf("callback %s received %d notifications it did not subscribe to: %s",
			name, len(got), strings.Join(types, ", "))
	}
	return nil
}
