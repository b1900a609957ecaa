package main

import (
	"testing"
)

func TestConfigComplete(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
		ok   bool
	}{
		{name: "client", cfg: config{NFVO: "http://a", VNFM: "http://b", ClientID: "c", ClientSecret: "s"}, ok: true},
		{name: "token", cfg: config{NFVO: "http://a", VNFM: "http://b", Token: "t"}, ok: true},
		{name: "no auth", cfg: config{NFVO: "http://a", VNFM: "http://b"}, ok: true},
		{name: "no vnfm", cfg: config{NFVO: "http://a"}},
		{name: "token and client", cfg: config{NFVO: "http://a", VNFM: "http://b", Token: "t", ClientID: "c", ClientSecret: "s"}},
		{name: "client without secret", cfg: config{NFVO: "http://a", VNFM: "http://b", ClientID: "c"}},
		{name: "limited without secret", cfg: config{NFVO: "http://a", VNFM: "http://b", LimitedID: "c"}},
		{name: "run id", cfg: config{NFVO: "http://a", VNFM: "http://b", RunID: "nightly_2-a"}, ok: true},
		{name: "run id breaking filters", cfg: config{NFVO: "http://a", VNFM: "http://b", RunID: "a,b)"}},
		{name: "package sources found above", cfg: config{NFVO: "http://a", VNFM: "http://b", Sources: ".."}, ok: true},
		{name: "no package sources", cfg: config{NFVO: "http://a", VNFM: "http://b", Sources: "testdata"}},
	}
	t.Setenv("CONFORMANCE_CLIENT_SECRET", "")
	t.Setenv("CONFORMANCE_LIMITED_CLIENT_SECRET", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Schemas = t.TempDir()
			err := cfg.complete()
			if (err == nil) != tt.ok {
				t.Fatalf("complete() = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && cfg.RunID == "" {
				t.Error("no run id")
			}
		})
	}
}

func TestConfigSecretFromEnv(t *testing.T) {
	t.Setenv("CONFORMANCE_CLIENT_SECRET", "from-env")
	cfg := config{NFVO: "http://a", VNFM: "http://b", ClientID: "c", Schemas: t.TempDir()}
	if err := cfg.complete(); err != nil || cfg.ClientSecret != "from-env" {
		t.Errorf("complete() = %v, secret %q; want the secret from the environment", err, cfg.ClientSecret)
	}
}
