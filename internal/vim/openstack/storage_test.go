package openstack_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// TestVolumes: a VDU with a 1 GiB block storage gets one Cinder volume per VNFC, named after
// its server, attached to it and in use, which Observe reports; a scale out adds a volume, a
// scale in removes the one of the removed VNFC, a stop and a start keep the server and its
// volume (the same ids), and Delete leaves none.
func TestVolumes(t *testing.T) {
	t.Parallel()
	d := newDriver(t, connection(t))
	if !d.Capabilities().Storage {
		t.Fatal("the driver claims no storage on the test cloud, whose catalogue has block storage")
	}
	id := uuid.NewString()
	spec := vmSpec(t, id)
	spec.VDUs, spec.ConnectionPoints = spec.VDUs[:1], spec.ConnectionPoints[:1]
	spec.VDUs[0].Storages = []string{"VDU1_VOL"}
	spec.Storages = []vim.Storage{{ID: "VDU1_VOL", Kind: vim.BlockStorage, SizeBytes: 1 << 30, PerVNFC: true}}
	h := deleteAtEnd(t, d, spec)
	want := func(vnfcs ...string) {
		t.Helper()
		st, err := d.Observe(t.Context(), h)
		if err != nil {
			t.Fatal(err)
		}
		servers := map[string]string{}
		for _, c := range st.VNFCs {
			servers[c.ID] = c.ResourceID
		}
		vols, err := vnfVolumes(t.Context(), cloud(t), id)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range vols {
			names = append(names, v.Name)
			vnfc := v.Name[:len(v.Name)-len("-VDU1_VOL")]
			if v.Size != 1 || v.Status != "in-use" || len(v.Attachments) != 1 || v.Attachments[0].ServerID != servers[vnfc] {
				t.Errorf("volume %s: %d GiB %s attachments %+v, want 1 GiB in-use on server %s (%q)",
					v.Name, v.Size, v.Status, v.Attachments, vnfc, servers[vnfc])
			}
			want := vim.StorageState{ResourceID: v.ID, Bound: true, SizeBytes: 1 << 30}
			if got := st.Storages["VDU1_VOL/"+vnfc]; got != want {
				t.Errorf("observed storage VDU1_VOL/%s %+v, want %+v", vnfc, got, want)
			}
		}
		sort.Strings(names)
		var wantNames []string
		for _, c := range vnfcs {
			wantNames = append(wantNames, c+"-VDU1_VOL")
		}
		if len(names) != len(wantNames) || len(st.Storages) != len(vnfcs) {
			t.Fatalf("volumes %v and observed storages %v, want volumes %v", names, st.Storages, wantNames)
		}
		for i := range names {
			if names[i] != wantNames[i] {
				t.Fatalf("volumes %v, want %v", names, wantNames)
			}
		}
	}
	member := func(i string) string { return "vnf-" + id + "-VDU1-" + i }
	start := time.Now()
	if err := d.Deploy(t.Context(), h, spec); err != nil {
		t.Fatal(err)
	}
	want(member("0"))
	t.Logf("deploy with a volume: %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := d.Scale(t.Context(), h, "VDU1", 2); err != nil {
		t.Fatal(err)
	}
	want(member("0"), member("1"))
	t.Logf("scale out with a volume: %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := d.Scale(t.Context(), h, "VDU1", 1); err != nil {
		t.Fatal(err)
	}
	want(member("0"))
	t.Logf("scale in with a volume: %v", time.Since(start).Round(time.Millisecond))
	kept := observedIDs(t, d, h)
	for _, to := range []vim.OperationalState{vim.Stopped, vim.Started} {
		start = time.Now()
		if err := d.Operate(t.Context(), h, to); err != nil {
			t.Fatal(err)
		}
		want(member("0"))
		if got := observedIDs(t, d, h); got != kept {
			t.Errorf("after operate to %s: server and volume %s, want the kept %s", to, got, kept)
		}
		t.Logf("operate to %s with a volume: %v", to, time.Since(start).Round(time.Millisecond))
	}
	start = time.Now()
	if err := d.Delete(t.Context(), h); err != nil {
		t.Fatal(err)
	}
	if vols, err := vnfVolumes(t.Context(), cloud(t), id); err != nil || len(vols) > 0 {
		t.Errorf("volumes after delete: %v (%v), want none", vols, err)
	}
	t.Logf("delete: %v", time.Since(start).Round(time.Millisecond))
}

// observedIDs names the VNF's servers and volumes by their resource ids, in order.
func observedIDs(t *testing.T, d vim.Driver, h vim.Handle) string {
	t.Helper()
	st, err := d.Observe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range st.VNFCs {
		ids = append(ids, c.ResourceID)
	}
	for _, s := range st.Storages {
		ids = append(ids, s.ResourceID)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}
