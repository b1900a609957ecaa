package grant

import (
	"encoding/json"
	"errors"
	"testing"

	igrant "github.com/cadenza-mano/cadenza/internal/grant"
)

// FuzzGrantRequest feeds the NFVO's binding arbitrary bodies: it must not
// panic, and what it accepts is a request the service can decide.
func FuzzGrantRequest(f *testing.F) {
	f.Add([]byte(`{"vnfInstanceId":"i","vnfLcmOpOccId":"o","vnfdId":"d","operation":"SCALE","isAutomaticInvocation":true,
		"addResources":[{"id":"c","type":"COMPUTE"}],"removeResources":[{"id":"r","type":"STORAGE","resource":{"resourceId":"x"}}],
		"additionalParams":{"vimConnectionInfo":{"a":{"vimId":"edge","vimType":"kubernetes"}}},
		"_links":{"vnfLcmOpOcc":{"href":"/o"},"vnfInstance":{"href":"/i"}}}`))
	f.Add([]byte(`{"placementConstraints":[{"affinityOrAntiAffinity":"AFFINITY","scope":"ZONE","resource":[]}]}`))
	f.Add([]byte(`{"additionalParams":{"vimConnectionInfo":[1,2]},"_links":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var w GrantRequest
		if json.Unmarshal(body, &w) != nil {
			return
		}
		r, err := toRequest(&w)
		if err != nil {
			if !errors.Is(err, igrant.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if r.Validate() != nil || r.OpOccHref == "" {
			t.Fatalf("accepted an invalid request %+v", r)
		}
	})
}
