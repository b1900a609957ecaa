package testenv

import (
	"maps"
	"slices"
	"testing"
)

func TestParseBackends(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   string
		want    []Backend
		wantErr bool
	}{
		{name: "empty", value: "", want: nil},
		{name: "one", value: "kubernetes", want: []Backend{BackendKubernetes}},
		{name: "comma and blanks", value: " postgres, openstack ", want: []Backend{BackendOpenStack, BackendPostgres}},
		{name: "case folded", value: "Kubernetes-Edge", want: []Backend{BackendKubernetesEdge}},
		{name: "all", value: "all", want: []Backend{BackendKubernetes, BackendKubernetesEdge, BackendOpenStack, BackendPostgres}},
		{name: "all with others", value: "postgres,all", want: []Backend{BackendKubernetes, BackendKubernetesEdge, BackendOpenStack, BackendPostgres}},
		{name: "typo", value: "kubernets", wantErr: true},
		{name: "typo after valid", value: "postgres,mysql", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseBackends(tt.value)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseBackends(%q) error = %v, wantErr %v", tt.value, err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, tt.want) {
				t.Errorf("parseBackends(%q) = %v, want %v", tt.value, keys, tt.want)
			}
		})
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		backend Backend
		want    bool
		wantErr bool
	}{
		{name: "unset", env: "", backend: BackendPostgres, want: false},
		{name: "named", env: "postgres", backend: BackendPostgres, want: true},
		{name: "other named", env: "kubernetes", backend: BackendPostgres, want: false},
		{name: "all", env: "all", backend: BackendOpenStack, want: true},
		{name: "unknown", env: "nope", backend: BackendOpenStack, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvRequireBackends, tt.env)
			got, err := Required(tt.backend)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Required(%s) error = %v, wantErr %v", tt.backend, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Required(%s) with %q = %v, want %v", tt.backend, tt.env, got, tt.want)
			}
		})
	}
}

func FuzzParseBackends(f *testing.F) {
	f.Add("kubernetes,postgres")
	f.Add("all")
	f.Add(" openstack\tkubernetes-edge ")
	f.Fuzz(func(t *testing.T, value string) {
		got, err := parseBackends(value)
		if err != nil {
			return
		}
		for b := range got {
			if !isKnown(b) {
				t.Fatalf("parseBackends(%q) accepted unknown backend %q", value, b)
			}
		}
	})
}
