package vnfpkgm

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/package_view.json from this build")

// viewRecord is what testdata/package_view.json holds: the list view a
// build makes of viewFixture, and the Rev it makes it under.
type viewRecord struct {
	Rev  int64           `json:"rev"`
	View json.RawMessage `json:"view"`
}

// TestPackageViewRev fails when the list view of a package changes while
// packageViewRev stays: stored views of the old form would then be listed
// as they are. Raise packageViewRev, then run with -update.
func TestPackageViewRev(t *testing.T) {
	s := &Server{prefix: API.Prefix(1)}
	view, err := s.encodeListed(viewFixture())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", "package_view.json")
	if *update {
		var indented bytes.Buffer
		if err := json.Indent(&indented, view, "", "  "); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.MarshalIndent(viewRecord{Rev: packageViewRev, View: indented.Bytes()}, "", "  ")
		if err := os.WriteFile(file, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	var rec viewRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, rec.View); err != nil {
		t.Fatal(err)
	}
	switch same := bytes.Equal(want.Bytes(), view); {
	case rec.Rev == packageViewRev && !same:
		t.Fatalf("a package now lists as\n%s\nnot as %s records under the same packageViewRev %d:\n%s\n"+
			"raise packageViewRev, then run this test with -update", view, file, rec.Rev, want.Bytes())
	case rec.Rev != packageViewRev:
		t.Fatalf("%s records packageViewRev %d, the code has %d: run this test with -update", file, rec.Rev, packageViewRev)
	}
}

// viewFixture is a package with every attribute its view can show.
func viewFixture() store.Item[catalog.Package] {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	sum := catalog.Checksum{Algorithm: "SHA-256", Hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	return store.Item[catalog.Package]{
		Meta: store.Meta{ID: "a1b2", Version: 3, CreatedAt: at, UpdatedAt: at},
		Doc: catalog.Package{
			ID: "a1b2", VNFDID: "d1", VNFProvider: "Corp", VNFProductName: "router",
			VNFSoftwareVersion: "1.0", VNFDVersion: "2.0", Checksum: &sum,
			SoftwareImages: []catalog.SoftwareImage{{ID: "VDU1", Name: "img", Provider: "Corp", Version: "1.0",
				Checksum: sum, ContainerFormat: "BARE", DiskFormat: "qcow2", CreatedAt: at, MinDisk: 1,
				MinRAM: 512, Size: 1 << 30, UserMetadata: map[string]string{"k": "v"}, ImagePath: "Files/img.qcow2"}},
			Artifacts: []catalog.Artifact{{Path: "Scripts/a.sh", Checksum: sum,
				Metadata: map[string]string{"kind": "script"}}},
			OnboardingState: catalog.Onboarded, OperationalState: catalog.Enabled, UsageState: catalog.InUse,
			UserDefinedData: map[string]any{"site": "edge-1", "weight": 1e-7},
			FailureDetail:   "an earlier attempt failed",
			Entry:           "Definitions/top.yaml", VNFDFiles: []string{"Definitions/top.yaml"},
			ManifestPath: "top.mf", CertificatePath: "top.cert", CreatedAt: at,
		},
	}
}
