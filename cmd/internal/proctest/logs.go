// Package proctest holds what the commands' process tests share: running
// a command in a child process, and a collector for the structured log it
// writes on its stderr.
package proctest

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
)

// Logs collects a process's stderr; it is safe to read while the process
// writes.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Records returns the JSON log records written so far; other lines are
// skipped.
func (l *Logs) Records() []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(l.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil {
			out = append(out, rec)
		}
	}
	return out
}

// Find returns the first record for which match holds, or nil.
func (l *Logs) Find(match func(map[string]any) bool) map[string]any {
	for _, r := range l.Records() {
		if match(r) {
			return r
		}
	}
	return nil
}

// Msg matches records whose message contains s.
func Msg(s string) func(map[string]any) bool {
	return func(r map[string]any) bool {
		m, _ := r["msg"].(string)
		return strings.Contains(m, s)
	}
}
