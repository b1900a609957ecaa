package vnfpkgm_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/sol/sol013"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// The listing the API benchmark and test page through: two filter terms,
// one through the softwareImages array, and a field selection that keeps a
// default-excluded attribute. Of every four seeded packages one matches.
const (
	listFilter = "(eq,onboardingState,ONBOARDED);(eq,softwareImages/containerFormat,BARE)"
	listFields = "vnfdId,vnfProvider,softwareImages"
)

// BenchmarkListPackages50k pages through 50,000 VNF packages over HTTP,
// following the Link header (nextpage_opaque_marker) from the first page to
// the last, on both databases: once with the default selection and once
// with listFilter and listFields. One op is one whole traversal; the
// per-page metrics divide it by the pages fetched. Server and client run in
// this process, so B/op and allocs/op count both.
func BenchmarkListPackages50k(b *testing.B) {
	const n = 50_000
	for _, d := range listBackends() {
		b.Run(d.name, func(b *testing.B) {
			base := listServer(b, d.dsn(b), n)
			for _, q := range []struct {
				name  string
				query string
				// The packages the listing holds, and how many of
				// them show listFilter's attributes matching.
				items, matching int
			}{
				{"default", "", n, 0},
				{"filter+fields", "filter=" + url.QueryEscape(listFilter) + "&fields=" + listFields, n / 4, n / 4},
			} {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					var items, matching, pages int
					for b.Loop() {
						items, matching, pages = traverse(b, base+"/vnf_packages?"+q.query)
					}
					if items != q.items || matching != q.matching {
						b.Fatalf("%d packages listed, %d matching, want %d and %d", items, matching, q.items, q.matching)
					}
					perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
					b.ReportMetric(float64(items), "items/op")
					b.ReportMetric(float64(pages), "pages/op")
					b.ReportMetric(perOp/float64(pages), "ns/page")
				})
			}
		})
	}
}

// TestListPackages_FilterInDatabase checks on both databases that a
// filtered listing over HTTP decodes only the rows the filter keeps: the
// first filtered page, whose matches are the collection's last rows, costs
// about what the first unfiltered page costs, and not the thousands of rows
// before them; and that paging to the end keeps every page's cost flat.
// Allocation counts stand in for rows fetched and decoded: they do not
// depend on the machine's speed.
//
// Not parallel: testing.AllocsPerRun counts the whole process's allocations.
func TestListPackages_FilterInDatabase(t *testing.T) {
	const n, tail = 5_000, 100
	for _, d := range listBackends() {
		t.Run(d.name, func(t *testing.T) {
			base := listServer(t, d.dsn(t), n)
			// Only the last tail packages have this provider.
			lastOnly := base + "/vnf_packages?fields=" + listFields + "&filter=" +
				url.QueryEscape("(eq,vnfProvider,Late Corp)")
			unfiltered := base + "/vnf_packages?fields=" + listFields
			var body []byte
			if body = getPage(t, lastOnly); len(listed(t, body)) != tail {
				t.Fatalf("filtered page: %d packages, want %d", len(listed(t, body)), tail)
			}
			filtered := testing.AllocsPerRun(5, func() { getPage(t, lastOnly) })
			plain := testing.AllocsPerRun(5, func() { getPage(t, unfiltered) })
			t.Logf("allocations: filtered first page %.0f, unfiltered first page %.0f", filtered, plain)
			// Decoding the 4,900 rows before the matches would cost
			// about fifty pages' worth.
			if filtered > 2*plain {
				t.Fatalf("a filtered page allocates %.0f, %.1f× an unfiltered page (%.0f): rows the filter drops are fetched",
					filtered, filtered/plain, plain)
			}

			// The last page of the filtered traversal of listFilter,
			// reached through the markers, costs what its first does.
			first := base + "/vnf_packages?filter=" + url.QueryEscape(listFilter) + "&fields=" + listFields
			items, matching, pages := traverse(t, first)
			if items != n/4 || matching != items || pages != (n/4+sol013.DefaultPageSize-1)/sol013.DefaultPageSize {
				t.Fatalf("traversal: %d packages in %d pages, want %d", items, pages, n/4)
			}
			last := lastPageURL(t, first)
			atStart := testing.AllocsPerRun(5, func() { getPage(t, first) })
			atEnd := testing.AllocsPerRun(5, func() { getPage(t, last) })
			t.Logf("allocations: first filtered page %.0f, last %.0f", atStart, atEnd)
			if atEnd > 1.5*atStart {
				t.Fatalf("the last page allocates %.0f, %.1f× the first (%.0f): paging cost grows with position",
					atEnd, atEnd/atStart, atStart)
			}
		})
	}
}

type listBackend struct {
	name string
	dsn  func(tb testing.TB) string
}

func listBackends() []listBackend {
	return []listBackend{
		{"sqlite", func(tb testing.TB) string { return "sqlite://" + filepath.Join(tb.TempDir(), "list.db") }},
		{"postgres", func(tb testing.TB) string { return testenv.Postgres(tb) }},
	}
}

// listServer serves the API over HTTP from a database holding n packages,
// written through the store (onboarding each would take hours), and
// returns the API's base URL.
func listServer(tb testing.TB, dsn string, n int) string {
	base, _ := seededServer(tb, dsn, n, true)
	return base
}

// seededServer is listServer, whose packages are stored with their list
// views if withViews, else as a build from before the views stored them.
// It also returns the catalogue.
func seededServer(tb testing.TB, dsn string, n int, withViews bool) (string, *catalog.Service) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	runner, err := jobs.New(ctx, db, jobs.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := catalog.NewService(db, runner, catalog.Options{Dir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	ns, err := notify.New(db, runner, notify.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	// Mounted first, as a server is before it writes packages: each is
	// stored with its list view.
	e := sol013.NewEngine()
	if withViews {
		vnfpkgm.Mount(e, nil, svc, ns)
	}
	err = db.Tx(ctx, func(ctx context.Context) error {
		for i := range n {
			p := seededPackage(i, n)
			if _, err := svc.Packages().Create(ctx, p.ID, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if !withViews {
		vnfpkgm.Mount(e, nil, svc, ns)
	}
	srv := httptest.NewServer(e)
	tb.Cleanup(srv.Close)
	return srv.URL + "/vnfpkgm/v1", svc
}

// TestListPackages_StoredViews checks on both databases that packages
// stored without list views (by an older build) list as those stored with
// them do, under every kind of selection and through a filter, before and
// after their views are refreshed; and that the refresh stores them all.
func TestListPackages_StoredViews(t *testing.T) {
	const n = 250
	queries := []string{"", "all_fields", "fields=" + listFields, "exclude_fields=_links,vnfProvider",
		"exclude_default&fields=softwareImages/containerFormat",
		"filter=" + url.QueryEscape(listFilter) + "&all_fields"}
	for _, d := range listBackends() {
		t.Run(d.name, func(t *testing.T) {
			withViews := listServer(t, d.dsn(t), n)
			without, svc := seededServer(t, d.dsn(t), n, false)
			want := make([][]byte, len(queries))
			for i, q := range queries {
				want[i] = traverseBodies(t, withViews+"/vnf_packages?"+q)
			}
			check := func(when string) {
				for i, q := range queries {
					if got := traverseBodies(t, without+"/vnf_packages?"+q); !bytes.Equal(got, want[i]) {
						t.Fatalf("%s, ?%s lists\n%.600s\nnot as packages stored with views do:\n%.600s", when, q, got, want[i])
					}
				}
			}
			check("without views")
			if n, err := svc.Packages().RefreshViews(t.Context(), 64); n != 250 || err != nil {
				t.Fatalf("refresh: %d views stored, %v; want 250", n, err)
			}
			check("after the refresh")
		})
	}
}

// traverseBodies returns the bodies of every page from first to the last,
// back to back.
func traverseBodies(t *testing.T, first string) []byte {
	var all []byte
	for next := first; next != ""; {
		res, body := fetch(t, next)
		all = append(all, body...)
		next = nextLink(t, res)
	}
	return all
}

// seededPackage is the i-th of n onboarded-looking packages: even ones
// ONBOARDED, every fourth with a BARE image (so listFilter keeps a quarter),
// and the last 100 from provider "Late Corp".
func seededPackage(i, n int) catalog.Package {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	format := "DOCKER"
	if i%4 == 0 {
		format = "BARE"
	}
	provider := fmt.Sprintf("Provider %d", i%7)
	if i >= n-100 {
		provider = "Late Corp"
	}
	p := catalog.Package{
		ID:                 fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		VNFDID:             fmt.Sprintf("b1bb0ce7-ebca-4fa7-95ed-%012d", i),
		VNFProvider:        provider,
		VNFProductName:     fmt.Sprintf("edge-router-%d", i%50),
		VNFSoftwareVersion: "1.0",
		VNFDVersion:        "1.0",
		Checksum:           &catalog.Checksum{Algorithm: "SHA-256", Hash: fmt.Sprintf("%064x", i)},
		OnboardingState:    catalog.Onboarded,
		OperationalState:   catalog.Enabled,
		UsageState:         catalog.NotInUse,
		UserDefinedData:    map[string]any{"site": fmt.Sprintf("edge-%d", i%10), "tier": "gold"},
		Entry:              "Definitions/vnfd_top.yaml",
		VNFDFiles:          []string{"Definitions/vnfd_top.yaml", "Definitions/etsi_nfv_sol001_vnfd_types.yaml"},
		CreatedAt:          created,
		SoftwareImages: []catalog.SoftwareImage{{
			ID: "VDU1", Name: "router-image", Provider: provider, Version: "1.0",
			Checksum:        catalog.Checksum{Algorithm: "SHA-256", Hash: fmt.Sprintf("%064x", i+1)},
			ContainerFormat: format, DiskFormat: "qcow2", CreatedAt: created,
			MinDisk: 1, MinRAM: 512, Size: 1 << 30, ImagePath: "Files/images/router.qcow2",
		}},
		Artifacts: []catalog.Artifact{{Path: "Scripts/install.sh",
			Checksum: catalog.Checksum{Algorithm: "SHA-256", Hash: fmt.Sprintf("%064x", i+2)}}},
	}
	if i%2 == 1 {
		p.OnboardingState = catalog.Created
		p.OperationalState = catalog.Disabled
		p.VNFDID, p.SoftwareImages, p.Artifacts = "", nil, nil
	}
	return p
}

// traverse lists from first to the last page, following each Link
// header's nextpage_opaque_marker, and returns the items seen, how many of
// them show listFilter's attributes matching, and the pages.
func traverse(tb testing.TB, first string) (items, matching, pages int) {
	for next := first; next != ""; pages++ {
		res, body := fetch(tb, next)
		for _, p := range listed(tb, body) {
			items++
			if p.matches() {
				matching++
			}
		}
		next = nextLink(tb, res)
	}
	return items, matching, pages
}

// lastPageURL follows first's Link headers and returns the last page's URL.
func lastPageURL(tb testing.TB, first string) string {
	u := first
	for {
		res, _ := fetch(tb, u)
		next := nextLink(tb, res)
		if next == "" {
			return u
		}
		u = next
	}
}

func getPage(tb testing.TB, u string) []byte {
	_, body := fetch(tb, u)
	return body
}

func fetch(tb testing.TB, u string) (*http.Response, []byte) {
	res, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	// Read in one buffer of the announced length rather than one grown.
	var buf bytes.Buffer
	buf.Grow(int(max(res.ContentLength, 0)) + bytes.MinRead)
	_, err = buf.ReadFrom(res.Body)
	body := buf.Bytes()
	if err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", u, res.StatusCode, body)
	}
	return res, body
}

// listedPackage is what the checks read of a listed VnfPkgInfo.
type listedPackage struct {
	OnboardingState string `json:"onboardingState"`
	SoftwareImages  []struct {
		ContainerFormat string `json:"containerFormat"`
	} `json:"softwareImages"`
}

// matches reports whether p shows the attributes listFilter asks for.
func (p listedPackage) matches() bool {
	if p.OnboardingState != "ONBOARDED" {
		return false
	}
	for _, im := range p.SoftwareImages {
		if im.ContainerFormat == "BARE" {
			return true
		}
	}
	return false
}

// listed decodes a list body. The client runs in the benchmark's process,
// so it decodes with goccy/go-json, and only what the checks read.
func listed(tb testing.TB, body []byte) []listedPackage {
	var items []listedPackage
	if err := gojson.Unmarshal(body, &items); err != nil {
		tb.Fatalf("list body: %v", err)
	}
	return items
}

var linkNext = regexp.MustCompile(`^<([^>]+)>;\s*rel="next"$`)

func nextLink(tb testing.TB, res *http.Response) string {
	h := res.Header.Get("Link")
	if h == "" {
		return ""
	}
	m := linkNext.FindStringSubmatch(h)
	if m == nil {
		tb.Fatalf("Link header %q", h)
	}
	return m[1]
}
