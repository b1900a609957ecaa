package etsischema_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cadenza-mano/cadenza/conformance/etsischema"
)

// BenchmarkValidatePage validates one full page (100 packages) of a
// vnf_packages listing, the largest body the runner checks per request.
func BenchmarkValidatePage(b *testing.B) {
	sch, err := etsischema.ForTest(b).Schema("SOL005/VNFPackageManagement-API/vnfPkgsInfo")
	if err != nil {
		b.Fatal(err)
	}
	page := make([]map[string]any, 100)
	for i := range page {
		self := fmt.Sprintf("/vnfpkgm/v1/vnf_packages/%d", i)
		page[i] = map[string]any{"id": fmt.Sprint(i), "onboardingState": "CREATED", "operationalState": "DISABLED",
			"usageState": "NOT_IN_USE", "userDefinedData": map[string]any{"k": i},
			"_links": map[string]any{"self": map[string]any{"href": self}, "packageContent": map[string]any{"href": self + "/package_content"}}}
	}
	body, err := json.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := sch.Validate(body); err != nil {
			b.Fatal(err)
		}
	}
}
