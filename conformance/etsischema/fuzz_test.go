package etsischema

import (
	"testing"
	"unicode/utf8"
)

// FuzzValidate feeds arbitrary response bodies to the validator, which
// sees whatever a server under test answers.
func FuzzValidate(f *testing.F) {
	set := OpenFS(defective())
	sch, err := set.Schema("SOL003/VNFLifecycleManagement-API/subscriptions")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`[{"id": "a"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = sch.Validate(body) // must not panic; any verdict is fine
	})
}

// FuzzDecodeText checks that any file content decodes to valid UTF-8.
func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("caf\xe9"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if got := decodeText(raw); !utf8.ValidString(got) {
			t.Errorf("decodeText(%q) = %q, not UTF-8", raw, got)
		}
	})
}
