package vnfpkgm_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/etsischema"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// Package sources, relative to this directory.
const (
	vmSource      = "../../internal/catalog/vnfd/testdata/sample_vnf"
	manifestsCNF  = "../../testdata/packages/cnf-manifests"
	helmCNF       = "../../testdata/packages/cnf-helm"
	schemaPkgInfo = "SOL005/VNFPackageManagement-API/VnfPkgInfo"
)

type testBundle struct {
	base    string
	schemas *etsischema.Set
}

func setup(t *testing.T, opts csar.Options) *testBundle {
	t.Helper()
	return setupCatalog(t, catalog.Options{CSAR: opts}, nil)
}

// setupCatalog is setup with the catalogue's options (Dir is set here) and
// the job queue's logger (nil: slog's default).
func setupCatalog(t *testing.T, opts catalog.Options, logger *slog.Logger) *testBundle {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "t.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	runner, err := jobs.New(t.Context(), db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	opts.Dir = t.TempDir()
	svc, err := catalog.NewService(db, runner, opts)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := notify.New(db, runner, notify.Options{RetryBase: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	e := sol013.NewEngine()
	vnfpkgm.Mount(e, nil, svc, ns)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testBundle{base: srv.URL + "/vnfpkgm/v1", schemas: etsischema.ForTest(t)}
}

func (b *testBundle) do(t *testing.T, method, path string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, b.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

// create makes an empty package and returns its id.
func (b *testBundle) create(t *testing.T) string {
	t.Helper()
	res, body := b.do(t, "POST", "/vnf_packages", strings.NewReader(`{}`), "Content-Type", "application/json")
	if res.StatusCode != 201 {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	b.schemas.MustValidate(t, schemaPkgInfo, body)
	var info map[string]any
	_ = json.Unmarshal(body, &info)
	return info["id"].(string)
}

// onboard uploads zip to a new package and returns its id and VnfPkgInfo.
func (b *testBundle) onboard(t *testing.T, zipData []byte) (string, map[string]any) {
	t.Helper()
	id := b.create(t)
	res, body := b.do(t, "PUT", "/vnf_packages/"+id+"/package_content", bytes.NewReader(zipData),
		"Content-Type", "application/zip")
	if res.StatusCode != 202 {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	return id, b.settled(t, id)
}

// settled waits for onboarding of package id to end and returns its info.
func (b *testBundle) settled(t *testing.T, id string) map[string]any {
	t.Helper()
	for {
		info := b.info(t, id)
		if st := info["onboardingState"]; st != "UPLOADING" && st != "PROCESSING" {
			return info
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("package %s still %v", id, info["onboardingState"])
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (b *testBundle) info(t *testing.T, id string) map[string]any {
	t.Helper()
	res, body := b.do(t, "GET", "/vnf_packages/"+id, nil)
	if res.StatusCode != 200 {
		t.Fatalf("get %s: %d %s", id, res.StatusCode, body)
	}
	var info map[string]any
	if err := json.Unmarshal(body, &info); err != nil {
		t.Fatal(err)
	}
	// etsischema adds ERROR, which the v2.6.1 schemas predate, to the
	// onboarding states; every answer, ERROR included, must validate.
	b.schemas.MustValidate(t, schemaPkgInfo, body)
	b.schemas.MustValidate(t, "SOL003/VNFPackageManagement-API/VnfPkgInfo", body)
	return info
}

// noRedirects shows 303 See Other as it is answered.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func build(t *testing.T, src string, opts csartest.Options) []byte {
	t.Helper()
	data, err := csartest.Build(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestOnboard_Packages(t *testing.T) {
	t.Parallel()
	signer, err := csartest.NewSigner("vendor")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		src       string
		opts      csartest.Options
		vnfdID    string
		images    int
		artifacts []string
	}{
		{"multi-flavour VM VNF", vmSource, csartest.Options{}, "6f3a3d2e-5d1b-4c0e-9a51-7e4e1c2b9a10", 2,
			[]string{"Scripts/configure.py"}},
		{"CNF with Kubernetes manifests", manifestsCNF, csartest.Options{}, "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41", 1,
			[]string{"Files/kubernetes/deployment.yaml", "Files/kubernetes/service.yaml"}},
		{"CNF with a Helm chart", helmCNF, csartest.Options{}, "8a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c52", 1,
			[]string{"Files/charts/web-0.1.0.tgz"}},
		{"signed package", manifestsCNF, csartest.Options{Signer: signer}, "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41", 1,
			[]string{"Files/kubernetes/deployment.yaml", "Files/kubernetes/service.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, csar.Options{TrustedRoots: signer.Roots(), RequireSignature: tc.opts.Signer != nil})
			_, info := b.onboard(t, build(t, tc.src, tc.opts))
			if info["onboardingState"] != "ONBOARDED" || info["vnfdId"] != tc.vnfdID {
				t.Fatalf("not onboarded as %s: %v", tc.vnfdID, info)
			}
			if info["vnfProvider"] == nil || info["vnfProductName"] == nil || info["vnfdVersion"] == nil {
				t.Errorf("VNFD facts missing: %v", info)
			}
			_, body := b.do(t, "GET", "/vnf_packages?all_fields&filter=(eq,vnfdId,"+tc.vnfdID+")", nil)
			b.schemas.MustValidate(t, "SOL005/VNFPackageManagement-API/VnfPkgsInfo", body)
			var list []map[string]any
			_ = json.Unmarshal(body, &list)
			if len(list) != 1 {
				t.Fatalf("filtered list: %s", body)
			}
			full := list[0]
			if imgs, _ := full["softwareImages"].([]any); len(imgs) != tc.images {
				t.Errorf("softwareImages: %v", full["softwareImages"])
			}
			var paths []string
			for _, a := range full["additionalArtifacts"].([]any) {
				paths = append(paths, a.(map[string]any)["artifactPath"].(string))
			}
			if fmt.Sprint(paths) != fmt.Sprint(tc.artifacts) {
				t.Errorf("additionalArtifacts %v, want %v", paths, tc.artifacts)
			}
			if cs, _ := full["checksum"].(map[string]any); cs["algorithm"] != "SHA-256" || len(cs["hash"].(string)) != 64 {
				t.Errorf("checksum: %v", full["checksum"])
			}
		})
	}
}

func TestOnboard_Hostile(t *testing.T) {
	t.Parallel()
	signer, _ := csartest.NewSigner("vendor")
	stranger, _ := csartest.NewSigner("stranger")
	bomb := func(files map[string][]byte) { files["Files/bomb.bin"] = make([]byte, 64<<20) }
	signed := csartest.Options{Signer: signer}
	tests := []struct {
		name   string
		data   func(t *testing.T) []byte
		detail string
	}{
		{"not a zip", func(*testing.T) []byte { return []byte("this is not a zip file at all") }, "zip"},
		{"truncated zip", func(t *testing.T) []byte { d := build(t, manifestsCNF, csartest.Options{}); return d[:len(d)/2] }, "zip"},
		{"hash mismatch", func(t *testing.T) []byte {
			return build(t, manifestsCNF, csartest.Options{Signer: signer, AfterManifest: func(f map[string][]byte) {
				f["Files/kubernetes/service.yaml"] = []byte("tampered")
			}})
		}, "hash"},
		{"zip bomb", func(t *testing.T) []byte {
			return build(t, manifestsCNF, csartest.Options{Signer: signer, Mutate: bomb})
		}, "ratio"},
		{"untrusted signer", func(t *testing.T) []byte { return build(t, manifestsCNF, csartest.Options{Signer: stranger}) }, "trust"},
		{"unsigned when signatures are required", func(t *testing.T) []byte { return build(t, manifestsCNF, csartest.Options{}) }, "sign"},
		{"YAML alias bomb in the VNFD", func(t *testing.T) []byte {
			return build(t, manifestsCNF, csartest.Options{Signer: signer, Mutate: func(f map[string][]byte) {
				f["Definitions/cnf.yaml"] = append(f["Definitions/cnf.yaml"], []byte(yamlBomb)...)
			}})
		}, "VNFD"},
		{"traversal", func(t *testing.T) []byte { return rawZip(t, map[string]string{"../evil.yaml": "x"}) }, "path"},
		{"valid signed package passes the same checks", func(t *testing.T) []byte { return build(t, helmCNF, signed) }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, csar.Options{TrustedRoots: signer.Roots(), RequireSignature: true})
			id, info := b.onboard(t, tc.data(t))
			if tc.detail == "" {
				if info["onboardingState"] != "ONBOARDED" {
					t.Fatalf("control case not onboarded: %v", info)
				}
				return
			}
			detail, _ := info["onboardingFailureDetails"].(map[string]any)
			if info["onboardingState"] != "ERROR" || detail == nil ||
				!strings.Contains(strings.ToLower(detail["detail"].(string)), strings.ToLower(tc.detail)) {
				t.Fatalf("want ERROR mentioning %q, got %v", tc.detail, info)
			}
			// The server is unharmed and the package can go.
			if res, body := b.do(t, "DELETE", "/vnf_packages/"+id, nil); res.StatusCode != 204 {
				t.Fatalf("delete: %d %s", res.StatusCode, body)
			}
		})
	}
}

const yamlBomb = `
bomb_a: &a ["x","x","x","x","x","x","x","x","x"]
bomb_b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
bomb_c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
bomb_d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
bomb_e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
bomb_f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
bomb_g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
bomb_h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
`

func rawZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(content))
	}
	_ = zw.Close()
	return buf.Bytes()
}

func TestContent_Reads(t *testing.T) {
	t.Parallel()
	b := setup(t, csar.Options{})
	zipData := build(t, vmSource, csartest.Options{})
	id, info := b.onboard(t, zipData)
	vnfdID := info["vnfdId"].(string)
	for _, prefix := range []string{"/vnf_packages/" + id, "/onboarded_vnf_packages/" + vnfdID} {
		t.Run(prefix, func(t *testing.T) {
			res, body := b.do(t, "GET", prefix+"/package_content", nil)
			if res.StatusCode != 200 || !bytes.Equal(body, zipData) || res.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("package_content: %d %s, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
			}
			res, body = b.do(t, "GET", prefix+"/package_content", nil, "Range", "bytes=10-19")
			if res.StatusCode != 206 || !bytes.Equal(body, zipData[10:20]) {
				t.Fatalf("range: %d %q", res.StatusCode, body)
			}
			res, _ = b.do(t, "GET", prefix+"/package_content", nil, "Range", fmt.Sprintf("bytes=%d-", len(zipData)+5))
			if res.StatusCode != 416 {
				t.Fatalf("unsatisfiable range: %d", res.StatusCode)
			}
			// The VNFD has four files: only a zip can carry it.
			res, body = b.do(t, "GET", prefix+"/vnfd", nil, "Accept", "text/plain")
			if res.StatusCode != 406 {
				t.Fatalf("vnfd as text/plain: %d %s", res.StatusCode, body)
			}
			res, body = b.do(t, "GET", prefix+"/vnfd", nil, "Accept", "application/zip,text/plain")
			if res.StatusCode != 200 || zipNames(t, body) != "TOSCA-Metadata/TOSCA.meta Definitions/sample_vnfd_top.yaml Definitions/sample_vnfd_types.yaml Definitions/sample_df_simple.yaml Definitions/sample_df_scalable.yaml" {
				t.Fatalf("vnfd zip: %d %s", res.StatusCode, zipNames(t, body))
			}
			res, body = b.do(t, "GET", prefix+"/artifacts/Scripts/configure.py", nil, "Range", "bytes=0-3")
			if res.StatusCode != 206 || len(body) != 4 {
				t.Fatalf("artifact: %d %q", res.StatusCode, body)
			}
			for _, bad := range []string{"/artifacts/../../etc/passwd", "/artifacts/Scripts/missing.py", "/artifacts/%2e%2e/x"} {
				if res, _ := b.do(t, "GET", prefix+bad, nil); res.StatusCode != 404 && res.StatusCode != 400 {
					t.Errorf("%s: %d", bad, res.StatusCode)
				}
			}
			res, body = b.do(t, "GET", prefix+"/manifest", nil)
			if res.StatusCode != 200 || !strings.Contains(string(body), "Source: Scripts/configure.py") {
				t.Fatalf("manifest: %d %s", res.StatusCode, body)
			}
		})
	}
	// A single-file VNFD is served as text/plain.
	cnf, _ := b.onboard(t, build(t, manifestsCNF, csartest.Options{}))
	res, body := b.do(t, "GET", "/vnf_packages/"+cnf+"/vnfd", nil, "Accept", "text/plain")
	if res.StatusCode != 200 || !strings.HasPrefix(string(body), "tosca_definitions_version") {
		t.Fatalf("single-file vnfd: %d %.60s", res.StatusCode, body)
	}
}

func zipNames(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return strings.Join(names, " ")
}

func TestStates(t *testing.T) {
	t.Parallel()
	b := setup(t, csar.Options{MaxPackageSize: 64 << 10})
	created := b.create(t)
	res, _ := b.do(t, "GET", "/vnf_packages/"+created+"/package_content", nil)
	if res.StatusCode != 409 {
		t.Errorf("content of a CREATED package: %d", res.StatusCode)
	}
	res, _ = b.do(t, "PUT", "/vnf_packages/"+created+"/package_content", strings.NewReader("x"), "Content-Type", "text/plain")
	if res.StatusCode != 415 {
		t.Errorf("upload as text/plain: %d", res.StatusCode)
	}
	res, _ = b.do(t, "PUT", "/vnf_packages/"+created+"/package_content", bytes.NewReader(make([]byte, 100<<10)), "Content-Type", "application/zip")
	if res.StatusCode != 413 {
		t.Errorf("upload over the limit: %d", res.StatusCode)
	}
	if info := b.info(t, created); info["onboardingState"] != "CREATED" {
		t.Errorf("after a refused upload: %v", info["onboardingState"])
	}
	id, _ := b.onboard(t, build(t, manifestsCNF, csartest.Options{}))
	res, _ = b.do(t, "PUT", "/vnf_packages/"+id+"/package_content", bytes.NewReader(build(t, manifestsCNF, csartest.Options{})), "Content-Type", "application/zip")
	if res.StatusCode != 409 {
		t.Errorf("second upload: %d", res.StatusCode)
	}
	patch := func(body string) int {
		res, _ := b.do(t, "PATCH", "/vnf_packages/"+id, strings.NewReader(body), "Content-Type", "application/merge-patch+json")
		return res.StatusCode
	}
	if st := patch(`{"operationalState":"ENABLED"}`); st != 200 {
		t.Fatalf("enable: %d", st)
	}
	if st := patch(`{"operationalState":"ENABLED"}`); st != 409 {
		t.Errorf("enable twice: %d", st)
	}
	if res, _ := b.do(t, "DELETE", "/vnf_packages/"+id, nil); res.StatusCode != 409 {
		t.Errorf("delete while ENABLED: %d", res.StatusCode)
	}
	// The same vnfdId cannot be onboarded twice.
	_, dup := b.onboard(t, build(t, manifestsCNF, csartest.Options{}))
	if dup["onboardingState"] != "ERROR" {
		t.Errorf("duplicate vnfdId: %v", dup["onboardingState"])
	}
	if st := patch(`{"operationalState":"DISABLED"}`); st != 200 {
		t.Fatalf("disable: %d", st)
	}
	if res, _ := b.do(t, "DELETE", "/vnf_packages/"+id, nil); res.StatusCode != 204 {
		t.Errorf("delete: %d", res.StatusCode)
	}
	if res, _ := b.do(t, "GET", "/vnf_packages/"+id, nil); res.StatusCode != 404 {
		t.Errorf("get after delete: %d", res.StatusCode)
	}
}

func TestUploadFromURI(t *testing.T) {
	t.Parallel()
	zipData := build(t, helmCNF, csartest.Options{})
	const secret = "s3cret-pa55"
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "vendor" || p != secret {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/pkg.zip" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(zipData)
	}))
	t.Cleanup(files.Close)
	tests := []struct {
		name   string
		body   string
		status int
		state  string
		detail string
	}{
		{"fetched with basic auth", `{"addressInformation":"` + files.URL + `/pkg.zip","authType":"BASIC","userName":"vendor","password":"` + secret + `"}`, 202, "ONBOARDED", ""},
		{"wrong password", `{"addressInformation":"` + files.URL + `/pkg.zip","userName":"vendor","password":"nope"}`, 202, "ERROR", "401"},
		{"missing file", `{"addressInformation":"` + files.URL + `/none.zip","userName":"vendor","password":"` + secret + `"}`, 202, "ERROR", "404"},
		{"not http", `{"addressInformation":"file:///etc/passwd"}`, 400, "CREATED", ""},
		{"unknown auth type", `{"addressInformation":"` + files.URL + `/pkg.zip","authType":"OAUTH2_CLIENT_CREDENTIALS"}`, 400, "CREATED", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, csar.Options{})
			id := b.create(t)
			res, body := b.do(t, "POST", "/vnf_packages/"+id+"/package_content/upload_from_uri", strings.NewReader(tc.body), "Content-Type", "application/json")
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			info := b.settled(t, id)
			if info["onboardingState"] != tc.state {
				t.Fatalf("state %v, want %s: %v", info["onboardingState"], tc.state, info)
			}
			raw, _ := json.Marshal(info)
			if strings.Contains(string(raw), secret) || (tc.detail != "" && !strings.Contains(string(raw), tc.detail)) {
				t.Fatalf("detail: want %q and no secret: %s", tc.detail, raw)
			}
		})
	}
}
