package vimreg_test

import (
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

// FuzzParse feeds the registry file reader arbitrary documents: it must
// not panic, and what it accepts is a valid set.
func FuzzParse(f *testing.F) {
	f.Add([]byte(registryYAML))
	f.Add([]byte(`[{"id":"a","vimType":"kubernetes","zones":["z"]}]`))
	f.Add([]byte(`vims: [{id: a, vimType: k, quota: {compute: 1}}]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		vims, err := vimreg.Parse(doc)
		if err != nil {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the credential: %v", err)
			}
			return
		}
		for i := range vims {
			if vims[i].Validate("v") != nil {
				t.Fatalf("accepted an invalid vim %+v", vims[i])
			}
		}
	})
}
