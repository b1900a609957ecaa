package vimreg_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/testenv"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

const secret = "tok-3f9c0d1e-never-shown"

const registryYAML = `
vims:
- id: edge-1
  vimType: kubernetes
  interfaceInfo: {endpoint: "https://127.0.0.1:16443"}
  accessInfo: {bearer_token: "` + secret + `"}
  zones: [zone-a, zone-b]
  quota: {compute: 4}
- id: core
  vimType: ETSINFV.OPENSTACK_KEYSTONE.V_3
  interfaceInfo: {endpoint: "http://keystone/v3"}
  default: true
  flavours:
    web: m1.small
    6f1d2c3b-4a59-4e8f-9b7a-1c2d3e4f5a60/web: m1.web
  images:
    web: 0b6e2f6a-1c1e-4a7e-9d55-3f1f0c1d2e3f
`

var backends = []struct {
	name string
	dsn  func(testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "t.db") }},
	{"postgres", testenv.Postgres},
}

func TestParse(t *testing.T) {
	t.Parallel()
	const notDesc = " a descriptor id or <vnfdId>/<descriptor id>"
	tests := []struct {
		name    string
		doc     string
		wantErr string
		n       int
	}{
		{name: "yaml", doc: registryYAML, n: 2},
		{name: "json list", doc: `[{"id":"a","vimType":"kubernetes","accessInfo":{"bearer_token":"` + secret + `"}}]`, n: 1},
		{name: "missing type", doc: `vims: [{id: a}]`, wantErr: "vims[0].vimType: required"},
		{name: "duplicate id", doc: `vims: [{id: a, vimType: k}, {id: a, vimType: k}]`, wantErr: `"a" appears twice`},
		{name: "two defaults", doc: `vims: [{id: a, vimType: k, default: true}, {id: b, vimType: k, default: true}]`, wantErr: "2 VIMs are marked default"},
		{name: "negative quota", doc: `vims: [{id: a, vimType: k, quota: {compute: -1}}]`, wantErr: "quota"},
		{name: "asset keys and values", doc: `vims: [{id: a, vimType: k, flavours: {"/web": f, "d/": f, "d/e/f": f, ok: ""}, images: {"": i}}]`,
			wantErr: strings.Join([]string{`vims[0].flavours: key "/web" is not` + notDesc, `vims[0].flavours: key "d/" is not` + notDesc,
				`vims[0].flavours: key "d/e/f" is not` + notDesc, `vims[0].flavours.ok: the VIM's id is required`,
				`vims[0].images: key "" is not` + notDesc}, "\n")},
		{name: "not yaml", doc: "vims: [", wantErr: "not YAML"},
		{name: "wrong shape", doc: `vims: [{id: a, vimType: k, accessInfo: "` + secret + `"}]`, wantErr: "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vims, err := vimreg.Parse([]byte(tt.doc))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error shows the credential: %v", err)
				}
				return
			}
			if err != nil || len(vims) != tt.n {
				t.Fatalf("%d vims, err %v", len(vims), err)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn, dir := be.dsn(t), t.TempDir()
			key, err := vimreg.LoadKey("", dir)
			if err != nil {
				t.Fatal(err)
			}
			db := open(t, dsn)
			reg, err := vimreg.New(db, key)
			if err != nil {
				t.Fatal(err)
			}
			vims, err := vimreg.Parse([]byte(registryYAML))
			if err != nil {
				t.Fatal(err)
			}
			if err := reg.Put(t.Context(), vims); err != nil {
				t.Fatal(err)
			}
			assertNoPlaintext(t, db)
			db.Close()

			// A restart with the same key file finds the VIMs and opens the
			// credentials.
			key2, err := vimreg.LoadKey("", dir)
			if err != nil || !bytes.Equal(key, key2) {
				t.Fatalf("key reloaded %v, same %v", err, bytes.Equal(key, key2))
			}
			db = open(t, dsn)
			reg, _ = vimreg.New(db, key2)
			def, err := reg.Default(t.Context())
			if err != nil || def.ID != "core" {
				t.Fatalf("default %q, err %v", def.ID, err)
			}
			const vnfd = "6f1d2c3b-4a59-4e8f-9b7a-1c2d3e4f5a60"
			if f, o, i := vimreg.Asset(def.Flavours, vnfd, "web"), vimreg.Asset(def.Flavours, "other", "web"),
				vimreg.Asset(def.Images, vnfd, "web"); f != "m1.web" || o != "m1.small" || i != "0b6e2f6a-1c1e-4a7e-9d55-3f1f0c1d2e3f" ||
				vimreg.Asset(def.Images, vnfd, "db") != "" {
				t.Fatalf("assets kept: flavour %q (other vnfd %q), image %q", f, o, i)
			}
			got, err := reg.Get(t.Context(), "edge-1")
			if err != nil || got.AccessInfo != nil || len(got.Zones) != 2 || got.Quota.Compute != 4 {
				t.Fatalf("get %+v, err %v", got, err)
			}
			ai, err := reg.AccessInfo(t.Context(), "edge-1")
			if err != nil || ai["bearer_token"] != secret {
				t.Fatalf("access info opened: %v", err)
			}
			// Putting another default moves the flag.
			if err := reg.Put(t.Context(), []vimreg.VIM{{ID: "edge-1", VIMType: "kubernetes", Default: true,
				AccessInfo: map[string]string{"bearer_token": secret}}}); err != nil {
				t.Fatal(err)
			}
			if def, _ := reg.Default(t.Context()); def.ID != "edge-1" {
				t.Fatalf("default %q after moving it", def.ID)
			}
			if all, _ := reg.List(t.Context()); len(all) != 2 || all[1].Default {
				t.Fatalf("list %+v", all)
			}
			// Another key does not open them.
			other, _ := vimreg.New(db, bytes.Repeat([]byte{7}, 32))
			if _, err := other.AccessInfo(t.Context(), "edge-1"); !errors.Is(err, vimreg.ErrSealed) {
				t.Fatalf("other key: %v", err)
			}
		})
	}
}

func TestLoadKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := vimreg.LoadKey("", dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, vimreg.KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, err %v", fi.Mode(), err)
	}
	if _, err := vimreg.LoadKey(filepath.Join(dir, "missing"), dir); err == nil {
		t.Fatal("an explicit key file that is missing must fail")
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("c2hvcnQ="), 0o600)
	if _, err := vimreg.LoadKey(short, dir); err == nil {
		t.Fatal("a short key must fail")
	}
	raw := filepath.Join(dir, "raw")
	os.WriteFile(raw, bytes.Repeat([]byte{1}, 32), 0o600)
	if k, err := vimreg.LoadKey(raw, dir); err != nil || len(k) != 32 {
		t.Fatalf("raw key: %v", err)
	}
}

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// assertNoPlaintext fails when a stored row holds the credential.
func assertNoPlaintext(t *testing.T, db *store.DB) {
	t.Helper()
	var docs []string
	if err := db.Gorm.WithContext(t.Context()).Raw("SELECT CAST(doc AS TEXT) FROM " + vimreg.Table).Scan(&docs).Error; err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("%d rows", len(docs))
	}
	for _, d := range docs {
		if strings.Contains(d, secret) || strings.Contains(d, "bearer_token") {
			t.Fatalf("credential stored in plain text: %s", d)
		}
	}
}
