package csar

import (
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, s := range files {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParseManifest checks that any manifest text parses or is rejected
// with a typed error, and that what parses is consistent.
func FuzzParseManifest(f *testing.F) {
	addSeeds(f, "manifest/*.mf")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest("fuzz.mf", data)
		if err != nil {
			if KindOf(err) == "" {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		for _, e := range m.Sources {
			if e.External {
				continue
			}
			if _, rerr := refPath(e.Source); rerr != nil {
				t.Fatalf("unsafe Source %q accepted", e.Source)
			}
			if h, ok := normalizeHash(e.Algorithm, e.Hash); !ok || h != e.Hash {
				t.Fatalf("Source %q kept a bad digest %q", e.Source, e.Hash)
			}
		}
		if (m.Signature == nil) != (m.SignedContent == nil) {
			t.Fatalf("signature and signed content disagree")
		}
	})
}

// FuzzParseMeta checks that any TOSCA.meta text parses or is rejected with
// a typed error, and that what parses has the mandatory keys.
func FuzzParseMeta(f *testing.F) {
	addSeeds(f, "meta/*.meta")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseMeta(data)
		if err != nil {
			if KindOf(err) == "" {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if m.EntryDefinitions == "" || m.CSARVersion == "" {
			t.Fatalf("accepted TOSCA.meta without mandatory keys: %+v", m)
		}
	})
}
