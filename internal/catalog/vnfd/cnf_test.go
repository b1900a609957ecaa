package vnfd_test

import (
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

func TestContainerVNF(t *testing.T) {
	t.Parallel()
	d, err := vnfd.Load(t.Context(), os.DirFS("testdata/sample_cnf"), "Definitions/cnf.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(d.Flavours) != 1 || d.Flavours[0].ID != "default" {
		t.Fatalf("flavours: %+v", d.Flavours)
	}
	f := d.Flavours[0]
	web, vm := f.VDU("WEB"), f.VDU("VM")
	nginx := f.Containers[0]
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "vnfm info", got: d.VNFMInfo, want: []string{"etsivnfm:v4.4.1"}},
		{name: "lcm scale", got: d.LCMOperationsConfiguration.ScaleByMoreThanOneStepSupported, want: true},
		{name: "lcm terminate", got: d.LCMOperationsConfiguration.MaxRecommendedGracefulTermination, want: time.Minute},
		{name: "lcm heal", got: d.LCMOperationsConfiguration.HealCauses, want: []string{"crash"}},
		{name: "web kind", got: web.Kind, want: vnfd.VDUOsContainerDeployableUnit},
		{name: "web containers", got: web.Containers, want: []string{"NGINX", "SIDECAR"}},
		{name: "web mcio", got: [2]string{web.MCIOName, web.MCIOType}, want: [2]string{"web", "Deployment"}},
		{name: "web constraints", got: web.MCIOConstraintParams, want: []string{"anti_affinity_nfvi_node"}},
		{name: "web deltas", got: web.ScalingDeltas, want: map[string]map[string]int{"web": {"one": 1}}},
		{name: "nginx memory", got: nginx.RequestedMemoryBytes, want: int64(256 << 20)},
		{name: "nginx cpu", got: [2]int{nginx.RequestedCPU, nginx.CPULimit}, want: [2]int{500, 1000}},
		{name: "nginx image", got: [3]string{nginx.SwImage.Name, nginx.SwImage.ContainerFormat, nginx.SwImage.Artifact.File}, want: [3]string{"nginx", "docker", "registry.example.com/nginx:1.25"}},
		{name: "helm", got: *f.MCIOPs[0].Artifacts["chart"], want: vnfd.Artifact{Name: "chart", Type: "tosca.artifacts.nfv.HelmChart", Kind: vnfd.ArtifactHelmChart, File: "../Files/charts/web-0.1.0.tgz", Path: "Files/charts/web-0.1.0.tgz"}},
		{name: "mciop vdus", got: f.MCIOPs[0].AssociatedVDUs, want: []string{"WEB"}},
		{name: "manifest operation", got: f.Interfaces["Vnflcm"]["instantiate_start"].Artifact.Kind, want: vnfd.ArtifactKubernetesManifest},
		{name: "virtual cp", got: f.VirtualCPs[0].Targets, want: []string{"WEB"}},
		{name: "vm image", got: [3]any{vm.SwImage.Name, vm.SwImage.MinDiskBytes, vm.SwImage.ChecksumAlgorithm}, want: [3]any{"helper", int64(2e9), "sha-256"}},
		{name: "vm boot data", got: [2]any{vm.BootData.KVP, vm.BootData.SourcePath}, want: [2]any{map[string]string{"role": "helper"}, "../Files/cloud-init.yaml"}},
		{name: "vm pinning", got: vm.VirtualCompute.CPUPinningPolicy, want: "static"},
		{name: "file storage", got: [3]any{f.Storages[0].Kind, f.Storages[0].SizeBytes, f.Storages[0].VirtualLink}, want: [3]any{vnfd.FileStorage, int64(5 << 30), "NET"}},
		{name: "vl initial", got: *f.VirtualLink("NET").InitialBitrate, want: vnfd.Bitrate{Root: 100000}},
		{name: "vl deltas", got: f.VirtualLink("NET").ScalingDeltas, want: map[string]map[string]vnfd.Bitrate{"web": {"one": {Root: 200000}}}},
		{name: "placement", got: *f.PlacementRules[0], want: vnfd.PlacementRule{ID: "web_spread", Scope: "cis_node", Targets: []string{"WEB_HELM"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

// TestSamplesShipTheirArtifacts loads every sample with artifact files
// checked, as onboarding a CSAR does.
func TestSamplesShipTheirArtifacts(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, dir, entry string }{
		{name: "sample_vnf", dir: "testdata/sample_vnf", entry: "Definitions/sample_vnfd_top.yaml"},
		{name: "sample_cnf", dir: "testdata/sample_cnf", entry: "Definitions/cnf.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := tosca.Load(t.Context(), os.DirFS(tt.dir), tt.entry, tosca.Options{CheckArtifactFiles: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := vnfd.FromTemplate(st); err != nil {
				t.Fatal(err)
			}
		})
	}
}
