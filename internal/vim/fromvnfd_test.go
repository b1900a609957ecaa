package vim_test

import (
	"errors"
	"os"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

func loadVNFD(t *testing.T, dir, entry string) *vnfd.VNFD {
	t.Helper()
	d, err := vnfd.Load(t.Context(), os.DirFS(dir), entry)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return d
}

func TestSpecFromVNFD(t *testing.T) {
	t.Parallel()
	helm := loadVNFD(t, "../../testdata/packages/cnf-helm", "Definitions/cnf.yaml")
	sample := loadVNFD(t, "../catalog/vnfd/testdata/sample_cnf", "Definitions/cnf.yaml")
	tests := []struct {
		name    string
		d       *vnfd.VNFD
		level   string
		scale   map[string]int
		params  vim.Params
		check   func(t *testing.T, s *vim.Spec)
		wantErr error
	}{
		{name: "default level", d: helm, check: func(t *testing.T, s *vim.Spec) {
			want(t, s.VDU("web").Replicas, 1)
			want(t, s.Artifacts.HelmChart, "Files/charts/web-0.1.0.tgz")
			want(t, s.VDU("web").Name, "web")
		}},
		{name: "vdu instantiation level", d: helm, level: "level_2", check: func(t *testing.T, s *vim.Spec) {
			want(t, s.VDU("web").Replicas, 3)
		}},
		{name: "scale level", d: helm, scale: map[string]int{"web_aspect": 2}, check: func(t *testing.T, s *vim.Spec) {
			want(t, s.VDU("web").Replicas, 3)
		}},
		{name: "scale beyond max instances is bounded", d: helm, scale: map[string]int{"web_aspect": 4}, check: func(t *testing.T, s *vim.Spec) {
			want(t, s.VDU("web").Replicas, 5)
		}},
		{name: "manifests chosen by the request", d: helm, params: vim.Params{Manifests: []string{"Files/kubernetes/a.yaml"}}, check: func(t *testing.T, s *vim.Spec) {
			want(t, s.Artifacts.HelmChart, "")
			want(t, s.Artifacts.Manifests, []string{"Files/kubernetes/a.yaml"})
		}},
		{name: "containers and resources", d: sample, check: func(t *testing.T, s *vim.Spec) {
			web := s.VDU("WEB")
			want(t, len(web.Containers), 2)
			want(t, web.Containers[0], vim.Container{Name: "nginx", Image: "registry.example.com/nginx:1.25",
				Requests: vim.Resources{MilliCPU: 500, MemoryBytes: 256 << 20}, Limits: vim.Resources{MilliCPU: 1000, MemoryBytes: 512 << 20}})
			want(t, s.VDU("VM").Compute, &vim.Compute{VirtualCPUs: 1, MemoryBytes: 1 << 30, Image: "../Files/helper.qcow2",
				ImageFile: "Files/helper.qcow2", DiskFormat: "qcow2", ContainerFormat: "bare"})
			want(t, s.PlacementRules, []vim.PlacementRule{{ID: "web_spread", Scope: vim.ScopeNode, VDUs: []string{"WEB"}}})
			want(t, s.ConnectionPoints, []vim.ConnectionPoint{{ID: "WEB_VCP", VDUs: []string{"WEB"}}})
			want(t, s.Storages, []vim.Storage{{ID: "FILES", Kind: vim.FileStorage, SizeBytes: 5 << 30, PerVNFC: true}})
		}},
		{name: "unknown level", d: helm, level: "level_9", wantErr: vim.ErrNotFound},
		{name: "unknown aspect", d: helm, scale: map[string]int{"nope": 1}, wantErr: vim.ErrNotFound},
		{name: "level above max scale level", d: helm, scale: map[string]int{"web_aspect": 5}, wantErr: vim.ErrPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := vim.SpecFromVNFD(tt.d, "default", tt.level, tt.scale, tt.params)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
	if _, err := vim.SpecFromVNFD(helm, "nope", "", nil, vim.Params{}); !errors.Is(err, vim.ErrNotFound) {
		t.Errorf("unknown flavour: %v", err)
	}
}

func want(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// flavourGen draws a flavour of container VDUs with scaling aspects, deltas and bounds.
func flavourGen(t *rapid.T) *vnfd.Flavour {
	f := &vnfd.Flavour{ID: "default"}
	nAspects := rapid.IntRange(0, 3).Draw(t, "aspects")
	for i := range nAspects {
		steps := rapid.SliceOfN(rapid.SampledFrom([]string{"d1", "d2"}), 1, 3).Draw(t, "steps")
		f.ScalingAspects = append(f.ScalingAspects, &vnfd.ScalingAspect{
			ID: string(rune('a' + i)), MaxScaleLevel: rapid.IntRange(0, 6).Draw(t, "maxLevel"), StepDeltas: steps,
		})
	}
	for i := range rapid.IntRange(1, 4).Draw(t, "vdus") {
		minN := rapid.IntRange(0, 2).Draw(t, "min")
		v := &vnfd.VDU{
			ID: "VDU" + string(rune('0'+i)), Kind: vnfd.VDUOsContainerDeployableUnit,
			MinInstances: minN, MaxInstances: max(1, minN+rapid.IntRange(0, 8).Draw(t, "span")),
			InitialInstances: rapid.IntRange(0, 4).Draw(t, "initial"), ScalingDeltas: map[string]map[string]int{},
		}
		for _, a := range f.ScalingAspects {
			if rapid.Bool().Draw(t, "inAspect") {
				v.ScalingDeltas[a.ID] = map[string]int{"d1": rapid.IntRange(0, 3).Draw(t, "d1"), "d2": rapid.IntRange(0, 3).Draw(t, "d2")}
			}
		}
		f.VDUs = append(f.VDUs, v)
	}
	return f
}

func levelsGen(t *rapid.T, f *vnfd.Flavour) map[string]int {
	out := map[string]int{}
	for _, a := range f.ScalingAspects {
		out[a.ID] = rapid.IntRange(0, a.MaxScaleLevel).Draw(t, "level "+a.ID)
	}
	return out
}

// TestSpecFromVNFDProperties: every VDU is in the spec once, within its bounds; raising one
// aspect's level never removes instances; at level 0 each VDU has its initial count; the
// function is deterministic.
func TestSpecFromVNFDProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		f := flavourGen(t)
		d := &vnfd.VNFD{Flavours: []*vnfd.Flavour{f}}
		levels := levelsGen(t, f)
		s, err := vim.SpecFromVNFD(d, "default", "", levels, vim.Params{VNFInstanceID: "x"})
		if err != nil {
			t.Fatalf("spec: %v", err)
		}
		if len(s.VDUs) != len(f.VDUs) {
			t.Fatalf("%d VDUs in the spec, %d in the flavour", len(s.VDUs), len(f.VDUs))
		}
		again, _ := vim.SpecFromVNFD(d, "default", "", levels, vim.Params{VNFInstanceID: "x"})
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("not deterministic")
		}
		for i, v := range f.VDUs {
			n := s.VDUs[i].Replicas
			if n < v.MinInstances || n > v.MaxInstances {
				t.Fatalf("vdu %s: %d replicas outside %d..%d", v.ID, n, v.MinInstances, v.MaxInstances)
			}
		}
		zero, _ := vim.SpecFromVNFD(d, "default", "", map[string]int{}, vim.Params{})
		for i, v := range f.VDUs {
			if want := min(max(v.InitialInstances, v.MinInstances), v.MaxInstances); zero.VDUs[i].Replicas != want {
				t.Fatalf("vdu %s at level 0: %d, want %d", v.ID, zero.VDUs[i].Replicas, want)
			}
		}
		if len(f.ScalingAspects) == 0 {
			return
		}
		a := rapid.SampledFrom(f.ScalingAspects).Draw(t, "raised")
		if levels[a.ID] == a.MaxScaleLevel {
			return
		}
		levels[a.ID]++
		up, err := vim.SpecFromVNFD(d, "default", "", levels, vim.Params{})
		if err != nil {
			t.Fatalf("raised spec: %v", err)
		}
		for i := range s.VDUs {
			if up.VDUs[i].Replicas < s.VDUs[i].Replicas {
				t.Fatalf("raising %s removed instances of %s: %d -> %d", a.ID, s.VDUs[i].ID, s.VDUs[i].Replicas, up.VDUs[i].Replicas)
			}
		}
	})
}

func TestSpecFromVNFDRejectsOutOfRangeLevels(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		f := flavourGen(t)
		if len(f.ScalingAspects) == 0 {
			return
		}
		a := rapid.SampledFrom(f.ScalingAspects).Draw(t, "aspect")
		bad := rapid.OneOf(rapid.IntRange(-5, -1), rapid.IntRange(a.MaxScaleLevel+1, a.MaxScaleLevel+5)).Draw(t, "bad")
		d := &vnfd.VNFD{Flavours: []*vnfd.Flavour{f}}
		if _, err := vim.SpecFromVNFD(d, "default", "", map[string]int{a.ID: bad}, vim.Params{}); !errors.Is(err, vim.ErrPermanent) {
			t.Fatalf("level %d of %s (max %d): %v, want ErrPermanent", bad, a.ID, a.MaxScaleLevel, err)
		}
	})
}

// TestSecurityGroupRulesOf: SOL 001's defaults fill what a rule leaves out, a VnfExtCp target
// stands for the VduCps on its internal link, and a rule that reaches no CP is dropped.
func TestSecurityGroupRulesOf(t *testing.T) {
	t.Parallel()
	cp := func(id, vl string) *vnfd.VduCP {
		return &vnfd.VduCP{CP: vnfd.CP{ID: id}, VDU: "VM", VirtualLink: vl}
	}
	f := &vnfd.Flavour{ID: "default",
		VduCPs: []*vnfd.VduCP{cp("ext", ""), cp("a", "vl1"), cp("b", "vl1"), cp("c", "vl2")},
		ExtCPs: []*vnfd.ExtCP{{CP: vnfd.CP{ID: "vnf_ext"}, InternalVirtualLink: "vl1"}},
		SecurityGroupRules: []*vnfd.SecurityGroupRule{
			{ID: "ssh", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 22, PortRangeMax: 22, Targets: []string{"ext", "c"}},
			{ID: "defaults", Targets: []string{"vnf_ext"}},
			{ID: "icmp6", Direction: "egress", EtherType: "ipv6", Protocol: "ipv6_icmp", PortRangeMax: 65535, Targets: []string{"c"}},
			{ID: "nowhere", Protocol: "udp", Targets: []string{"missing"}},
		}}
	want(t, vim.SecurityGroupRulesOf(f), []vim.SecurityGroupRule{
		{ID: "ssh", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 22, PortRangeMax: 22, ConnectionPoints: []string{"ext", "c"}},
		{ID: "defaults", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMax: 65535, ConnectionPoints: []string{"a", "b"}},
		{ID: "icmp6", Direction: "egress", EtherType: "ipv6", Protocol: "ipv6_icmp", PortRangeMax: 65535, ConnectionPoints: []string{"c"}},
	})

	d := loadVNFD(t, "../catalog/vnfd/testdata/sample_vnf", "Definitions/sample_vnfd_top.yaml")
	s, err := vim.SpecFromVNFD(d, "scalable", "", nil, vim.Params{})
	if err != nil {
		t.Fatal(err)
	}
	want(t, s.SecurityGroupRules, []vim.SecurityGroupRule{{ID: "allow_http", Direction: "ingress", EtherType: "ipv4",
		Protocol: "tcp", PortRangeMin: 80, PortRangeMax: 443, ConnectionPoints: []string{"WEB_CP1"}}})
}

// TestSpecStorageImage: a block storage with sw_image_data carries its image into the Spec.
func TestSpecStorageImage(t *testing.T) {
	t.Parallel()
	d := loadVNFD(t, "../catalog/vnfd/testdata/sample_vnf", "Definitions/sample_vnfd_top.yaml")
	s, err := vim.SpecFromVNFD(d, "scalable", "", nil, vim.Params{})
	if err != nil {
		t.Fatal(err)
	}
	want(t, s.Storages, []vim.Storage{{ID: "WEB_STORAGE", Kind: vim.BlockStorage, SizeBytes: 10e9,
		Image: "data-volume:1.0", DiskFormat: "raw", ContainerFormat: "bare"}})
}
