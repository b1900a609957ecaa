package etsischema

import (
	"sync"
	"testing"
)

var shared struct {
	once sync.Once
	set  *Set
	err  error
}

// ForTest returns the set found by [Locate], shared by every test of the
// process. Tests that validate against ETSI schemas cannot run without them,
// so a missing directory fails the test rather than skipping it.
func ForTest(t testing.TB) *Set {
	t.Helper()
	shared.once.Do(func() {
		dir, err := Locate()
		if err != nil {
			shared.err = err
			return
		}
		shared.set, shared.err = Open(dir)
	})
	if shared.err != nil {
		t.Fatalf("ETSI schemas: %v", shared.err)
	}
	return shared.set
}

// MustValidate reports a test error unless body is valid against the
// schema called name.
func (s *Set) MustValidate(t testing.TB, name string, body []byte) {
	t.Helper()
	if err := s.Validate(name, body); err != nil {
		t.Errorf("%v\nbody: %.2000s", err, body)
	}
}
