package vnfd_test

import (
	"os"
	"reflect"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

func loadSample(t *testing.T) *vnfd.VNFD {
	t.Helper()
	d, err := vnfd.Load(t.Context(), os.DirFS("testdata/sample_vnf"), "Definitions/sample_vnfd_top.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return d
}

func TestLoadSampleVNF(t *testing.T) {
	t.Parallel()
	d := loadSample(t)
	if d.ID != "6f3a3d2e-5d1b-4c0e-9a51-7e4e1c2b9a10" || d.Provider != "Cadenza" || d.ProductName != "Sample VNF" ||
		d.SoftwareVersion != "1.0" || d.DescriptorVersion != "1.0" || d.NodeType != "cadenza.sample.VNF" {
		t.Errorf("VNF properties: %+v", d)
	}
	if !reflect.DeepEqual(d.VNFMInfo, []string{"Cadenza"}) {
		t.Errorf("vnfm_info = %v", d.VNFMInfo)
	}
	if len(d.Flavours) != 2 || d.Flavours[0].ID != "scalable" || d.Flavours[1].ID != "simple" {
		t.Fatalf("flavours: %d", len(d.Flavours))
	}
}

func TestSimpleFlavour(t *testing.T) {
	t.Parallel()
	f := loadSample(t).Flavour("simple")
	if f.Description != "A simple flavour with one VDU" || f.File != "Definitions/sample_df_simple.yaml" {
		t.Errorf("flavour: %q %q", f.Description, f.File)
	}
	vdu := f.VDU("VDU1")
	if vdu == nil || vdu.Kind != vnfd.VDUCompute || vdu.MinInstances != 1 || vdu.MaxInstances != 1 || vdu.InitialInstances != 1 {
		t.Fatalf("VDU1: %+v", vdu)
	}
	wantCompute := &vnfd.VirtualCompute{NumVirtualCPU: 1, VirtualMemBytes: 512e6, LocalStorageBytes: []int64{1e9}}
	if !reflect.DeepEqual(vdu.VirtualCompute, wantCompute) {
		t.Errorf("virtual compute = %+v", vdu.VirtualCompute)
	}
	img := vdu.SwImage
	if img == nil || img.Name != "sample-image" || img.Version != "0.5.2" || img.DiskFormat != "qcow2" ||
		img.SizeBytes != 1e9 || img.MinRAMBytes != 256e6 || img.ChecksumAlgorithm != "sha-256" {
		t.Fatalf("sw image: %+v", img)
	}
	if img.Artifact == nil || img.Artifact.Path != "Files/images/sample-image.qcow2" || img.Artifact.Kind != vnfd.ArtifactSwImage {
		t.Errorf("sw image artifact: %+v", img.Artifact)
	}
	if vdu.InstantiationLevels["instantiation_level_1"] != 1 || f.DefaultInstantiationLevel != "instantiation_level_1" {
		t.Errorf("levels: %v %q", vdu.InstantiationLevels, f.DefaultInstantiationLevel)
	}
	if len(f.ExtCPs) != 1 || f.ExtCPs[0].InternalVirtualLink != "internalVL1" {
		t.Errorf("ext cps: %+v", f.ExtCPs)
	}
	if got := f.ExtVirtualLinks["virtual_link_external"]; got != [2]string{"EXT_CP", "external_virtual_link"} {
		t.Errorf("external virtual link mapping = %v", got)
	}
	vl := f.VirtualLink("internalVL1")
	if vl == nil || vl.MaxBitrate.Root != 1048576 || len(vl.Protocols) != 1 || vl.Protocols[0].CIDR != "192.168.10.0/24" {
		t.Errorf("virtual link: %+v", vl)
	}
	op := f.Interfaces["Vnflcm"]["instantiate_end"]
	if op == nil || op.Implementation != "configure_script" || op.Artifact == nil ||
		op.Artifact.Kind != vnfd.ArtifactScript || op.Artifact.Path != "Scripts/configure.py" || op.Inputs["retries"] != int64(3) {
		t.Errorf("instantiate_end: %+v", op)
	}
	if _, ok := f.Interfaces["Vnflcm"]["terminate"]; !ok {
		t.Errorf("terminate operation missing: %v", f.Interfaces)
	}
}

func TestScalableFlavour(t *testing.T) {
	t.Parallel()
	f := loadSample(t).Flavour("scalable")
	web, db := f.VDU("WEB"), f.VDU("DB")
	if web == nil || db == nil {
		t.Fatal("VDUs missing")
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "aspect", got: *f.ScalingAspect("web_scale"), want: vnfd.ScalingAspect{ID: "web_scale", Name: "web_scale", Description: "Web tier scaling", MaxScaleLevel: 2, StepDeltas: []string{"delta_1"}}},
		{name: "web deltas", got: web.ScalingDeltas, want: map[string]map[string]int{"web_scale": {"delta_1": 2}}},
		{name: "web initial", got: web.InitialInstances, want: 1},
		{name: "web levels", got: web.InstantiationLevels, want: map[string]int{"small": 1, "large": 5}},
		{name: "db levels", got: db.InstantiationLevels, want: map[string]int{"small": 1, "large": 1}},
		{name: "levels", got: *f.InstantiationLevel("large"), want: vnfd.InstantiationLevel{ID: "large", Description: "Five web instances", ScaleLevels: map[string]int{"web_scale": 2}}},
		{name: "default level", got: f.DefaultInstantiationLevel, want: "small"},
		{name: "web memory", got: web.VirtualCompute.VirtualMemBytes, want: int64(2 << 30)},
		{name: "web clock", got: web.VirtualCompute.VirtualCPUClockHz, want: 2e9},
		{name: "web storages", got: web.Storages, want: []string{"WEB_STORAGE"}},
		{name: "web monitoring", got: web.MonitoringParameters, want: []vnfd.MonitoringParameter{{Name: "cpu", PerformanceMetric: "v_cpu_usage_mean_vnf"}}},
		{name: "db boot data", got: *db.BootData, want: vnfd.BootData{Text: "#cloud-config"}},
		{name: "storage", got: *f.Storages[0], want: vnfd.VirtualStorage{ID: "WEB_STORAGE", Kind: vnfd.BlockStorage, SizeBytes: 10e9, SwImage: f.Storages[0].SwImage}},
		{name: "vl levels", got: f.VirtualLink("INTERNAL_VL").InstantiationLevels, want: map[string]vnfd.Bitrate{"small": {Root: 1e6}, "large": {Root: 1e7}}},
		{name: "vl pools", got: f.VirtualLink("INTERNAL_VL").Protocols[0].IPPools, want: [][2]string{{"10.10.0.10", "10.10.0.100"}}},
		{name: "vl mtu", got: f.VirtualLink("INTERNAL_VL").Protocols[0].MTU, want: 1450},
		{name: "placement group", got: *f.PlacementGroups[0], want: vnfd.PlacementGroup{ID: "web_group", Description: "Web tier instances", Members: []string{"WEB"}}},
		{name: "rules", got: len(f.PlacementRules), want: 2},
		{name: "security group", got: *f.SecurityGroupRules[0], want: vnfd.SecurityGroupRule{ID: "allow_http", Direction: "ingress", EtherType: "ipv4", Protocol: "tcp", PortRangeMin: 80, PortRangeMax: 443, Targets: []string{"WEB_CP1"}}},
		{name: "cp binding", got: [2]string{f.VduCPs[1].VDU, f.VduCPs[1].VirtualLink}, want: [2]string{"WEB", "INTERNAL_VL"}},
		{name: "external cp", got: f.VduCPs[0].VirtualLink, want: ""},
		{name: "description from input default", got: f.Description, want: "A scalable flavour with a web tier and a database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
	for _, r := range f.PlacementRules {
		if r.ID == "web_anti_affinity" && (r.Affinity || r.Scope != "nfvi_node" || r.Targets[0] != "web_group") {
			t.Errorf("anti-affinity: %+v", r)
		}
	}
}

func TestSoftwareImagesAndPackageFiles(t *testing.T) {
	t.Parallel()
	d := loadSample(t)
	var got []string
	for _, r := range d.SoftwareImages() {
		got = append(got, r.Flavour+"/"+r.ID+"/"+r.Image.Name)
	}
	// WEB has an image artifact without sw_image_data: a nameless image.
	want := []string{"scalable/WEB/", "scalable/WEB_STORAGE/data-volume", "simple/VDU1/sample-image"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("images = %v, want %v", got, want)
	}
	files := []string{"Files/images/sample-image.qcow2", "Scripts/configure.py"}
	if got := d.PackageFiles(); !reflect.DeepEqual(got, files) {
		t.Errorf("files = %v, want %v", got, files)
	}
}
