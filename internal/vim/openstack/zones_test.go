package openstack_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestZonesRoundRobin: a VDU granted several zones has its members in them in turn (member
// i in zone i mod n), on deploy and on scale out, and nothing is left after Delete.
func TestZonesRoundRobin(t *testing.T) {
	t.Parallel()
	d := newDriver(t, connection(t))
	id := uuid.NewString()
	spec := vmSpec(t, id)
	spec.VDUs[0].Replicas, spec.VDUs[0].Zones = 3, zones
	h := deleteAtEnd(t, d, spec)
	want := func(n int) {
		t.Helper()
		st, err := d.Observe(t.Context(), h)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, c := range st.VNFCs {
			if c.VDUID != "VDU1" {
				continue
			}
			got++
			i, err := strconv.Atoi(c.ID[strings.LastIndex(c.ID, "-")+1:])
			if err != nil {
				t.Fatalf("vnfc %s: no member index: %v", c.ID, err)
			}
			if w := zones[i%len(zones)]; c.Zone != w {
				t.Errorf("vnfc %s in zone %q, want %q", c.ID, c.Zone, w)
			}
		}
		if got != n {
			t.Errorf("%d instances of VDU1, want %d", got, n)
		}
	}
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatal(err)
	}
	want(3)
	if err := d.Scale(t.Context(), h, "VDU1", 4); err != nil {
		t.Fatal(err)
	}
	want(4)
}
