package testenv

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func TestUniqueName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		testName string
		sep      string
		max      int
		prefix   string
	}{
		{name: "subtest", testName: "TestScale/three_replicas", sep: "-", max: 63, prefix: "testscale-three-replicas-"},
		{name: "underscore sep", testName: "TestDB/a b", sep: "_", max: 50, prefix: "testdb_a_b_"},
		{name: "nothing usable", testName: "///", sep: "-", max: 63, prefix: "t-"},
		{name: "truncated", testName: strings.Repeat("Long", 40), sep: "-", max: 63, prefix: "longlong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := uniqueName(tt.testName, tt.sep, tt.max)
			if !strings.HasPrefix(got, tt.prefix) {
				t.Errorf("uniqueName(%q) = %q, want prefix %q", tt.testName, got, tt.prefix)
			}
			if len(got) > tt.max {
				t.Errorf("uniqueName(%q) = %q, longer than %d", tt.testName, got, tt.max)
			}
			if tt.sep == "-" && !dnsLabel.MatchString(got) {
				t.Errorf("uniqueName(%q) = %q, not a DNS label", tt.testName, got)
			}
			if again := uniqueName(tt.testName, tt.sep, tt.max); again == got {
				t.Errorf("uniqueName(%q) returned %q twice", tt.testName, got)
			}
		})
	}
}

func TestRequireLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		url     string
		wantErr bool
	}{
		{name: "ipv4", url: "https://127.0.0.1:16443"},
		{name: "ipv4 range", url: "https://127.0.0.2:6443"},
		{name: "ipv6", url: "https://[::1]:6443"},
		{name: "localhost", url: "http://localhost:5000/v3"},
		{name: "remote name", url: "https://k8s.example.com:6443", wantErr: true},
		{name: "private address", url: "https://10.0.0.1:6443", wantErr: true},
		{name: "garbage", url: "://", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := requireLoopback(tt.url); (err != nil) != tt.wantErr {
				t.Errorf("requireLoopback(%q) = %v, wantErr %v", tt.url, err, tt.wantErr)
			}
		})
	}
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dsn  string
	}{
		{name: "url", dsn: "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"},
		{name: "postgresql url without path", dsn: "postgresql://u:p@localhost"},
		{name: "keyword value", dsn: "host=127.0.0.1 user=postgres dbname=postgres sslmode=disable"},
		{name: "keyword value without dbname", dsn: "host=/var/run/postgresql user=postgres"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := withDatabase(tt.dsn, "cadenza_test_x_1")
			if err != nil {
				t.Fatalf("withDatabase(%q): %v", tt.dsn, err)
			}
			cfg, err := pgx.ParseConfig(got)
			if err != nil {
				t.Fatalf("withDatabase(%q) = %q, which does not parse: %v", tt.dsn, got, err)
			}
			if cfg.Database != "cadenza_test_x_1" {
				t.Errorf("withDatabase(%q) = %q, database %q", tt.dsn, got, cfg.Database)
			}
			orig, err := pgx.ParseConfig(tt.dsn)
			if err != nil {
				t.Fatalf("parse %q: %v", tt.dsn, err)
			}
			if cfg.Host != orig.Host || cfg.User != orig.User || cfg.Port != orig.Port {
				t.Errorf("withDatabase(%q) = %q changed host, user or port", tt.dsn, got)
			}
		})
	}
}

func FuzzWithDatabase(f *testing.F) {
	f.Add("postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "cadenza_test_a_1")
	f.Add("host=127.0.0.1 user=postgres", "db'name")
	f.Fuzz(func(t *testing.T, dsn, database string) {
		if _, err := pgx.ParseConfig(dsn); err != nil {
			return // only DSNs the driver accepts are given to withDatabase by Postgres
		}
		got, err := withDatabase(dsn, database)
		if err != nil {
			return
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil {
			return // a database name the DSN form cannot carry
		}
		if cfg.Database != database && database != "" {
			t.Fatalf("withDatabase(%q, %q) = %q with database %q", dsn, database, got, cfg.Database)
		}
	})
}

func TestOpenStackAuthStringHidesPassword(t *testing.T) {
	t.Parallel()
	a := OpenStackAuth{AuthURL: "http://127.0.0.1:5000/v3", Username: "admin", Password: "s3cret-pw", ProjectName: "admin"}
	if s := a.String(); strings.Contains(s, a.Password) {
		t.Errorf("String() = %q shows the password", s)
	}
}
