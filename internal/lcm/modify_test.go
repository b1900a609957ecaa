package lcm

import (
	"maps"
	"reflect"
	"slices"
	"testing"
)

// TestVNFCPropertiesFollowVNFCs modifies VNFCs' configurable properties
// and checks what the stored instance keeps of them as VNFCs come and go:
// a scale out keeps them, a scale in and a heal drop those of the VNFCs
// that went, a terminate drops them all.
func TestVNFCPropertiesFollowVNFCs(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			vnfcPropertiesFollowVNFCs(t, setupOn(t, be.dsn(t), true))
		})
	}
}

func vnfcPropertiesFollowVNFCs(t *testing.T, b *testBundle) {
	ctx := t.Context()
	id := b.create(t)
	modify := func(m Modification) error {
		t.Helper()
		_, err := b.svc.Modify(ctx, id, 0, m, nil)
		return err
	}
	if err := modify(Modification{VNFCs: []VNFCModification{{ID: "x", ConfigurableProperties: map[string]any{"k": "v"}}}}); !isErr(err, ErrInvalid) {
		t.Fatalf("modifying a vnfc of a NOT_INSTANTIATED instance: %v, want ErrInvalid", err)
	}
	b.ends(t, Completed)(b.svc.Instantiate(ctx, id, InstantiateRequest{FlavourID: "default", AdditionalParams: manifests}, nil))
	b.ends(t, Completed)(b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 1}, nil))
	vnfcs := b.instance(t, id).Instantiated.VNFCs
	if len(vnfcs) != 2 {
		t.Fatalf("%d VNFCs, want 2", len(vnfcs))
	}
	first, last := vnfcs[0].ID, vnfcs[1].ID // a scale in removes the last

	err := modify(Modification{VNFCs: []VNFCModification{
		{ID: first, ConfigurableProperties: map[string]any{"a": "1", "b": "2"}},
		{ID: last, ConfigurableProperties: map[string]any{"c": "3"}},
		{ID: "gone", ConfigurableProperties: map[string]any{"d": "4"}},
	}})
	if !isErr(err, ErrInvalid) {
		t.Fatalf("a modification naming an unknown vnfc: %v, want ErrInvalid", err)
	}
	if p := b.instance(t, id).Instantiated.VNFCProperties; p != nil {
		t.Fatalf("a refused modification changed properties: %v", p)
	}
	err = modify(Modification{VNFCs: []VNFCModification{
		{ID: first, ConfigurableProperties: map[string]any{"a": "1", "b": "2"}},
		{ID: last, ConfigurableProperties: map[string]any{"c": "3"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := modify(Modification{VNFCs: []VNFCModification{{ID: first, ConfigurableProperties: map[string]any{"b": nil, "e": "5"}}}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{first: {"a": "1", "e": "5"}, last: {"c": "3"}}
	wantProps(t, b.instance(t, id), want)

	b.ends(t, Completed)(b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleOut, AspectID: "web_aspect", NumberOfSteps: 1}, nil))
	wantProps(t, b.instance(t, id), want)
	b.ends(t, Completed)(b.svc.Scale(ctx, id, ScaleRequest{Type: ScaleIn, AspectID: "web_aspect", NumberOfSteps: 2}, nil))
	delete(want, last)
	wantProps(t, b.instance(t, id), want)

	b.ends(t, Completed)(b.svc.Heal(ctx, id, HealRequest{VNFCIDs: []string{first}}, nil))
	wantProps(t, b.instance(t, id), nil)

	healed := b.instance(t, id).Instantiated.VNFCs[0].ID
	if err := modify(Modification{VNFCs: []VNFCModification{{ID: healed, ConfigurableProperties: map[string]any{"f": "6"}}}}); err != nil {
		t.Fatal(err)
	}
	b.ends(t, Completed)(b.svc.Terminate(ctx, id, TerminateRequest{Type: Forceful}, nil))
	if err := modify(Modification{VNFCDeleteIDs: []string{healed}}); !isErr(err, ErrInvalid) {
		t.Fatalf("deleting the properties of a terminated instance's vnfc: %v, want ErrInvalid", err)
	}
}

// wantProps fails unless inst keeps exactly want as its VNFCs' properties,
// each of a VNFC it has.
func wantProps(t *testing.T, inst VNFInstance, want map[string]map[string]any) {
	t.Helper()
	got := inst.Instantiated.VNFCProperties
	if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
		t.Fatalf("vnfc properties %v, want %v", got, want)
	}
	for id := range maps.Keys(got) {
		if !slices.ContainsFunc(inst.Instantiated.VNFCs, func(c VNFCResource) bool { return c.ID == id }) {
			t.Errorf("properties kept for vnfc %s, which the instance lacks", id)
		}
	}
}

// TestModifyVNFCDeleteThenMerge: the properties of a VNFC both deleted and
// modified in one request are the modification's alone.
func TestModifyVNFCDeleteThenMerge(t *testing.T) {
	t.Parallel()
	inst := &VNFInstance{Instantiated: &InstantiatedInfo{VNFCs: []VNFCResource{{ID: "c1"}, {ID: "c2"}},
		VNFCProperties: map[string]map[string]any{"c1": {"old": "x"}, "c2": {"keep": "y"}}}}
	mod := Modification{VNFCDeleteIDs: []string{"c1"},
		VNFCs: []VNFCModification{{ID: "c1", ConfigurableProperties: map[string]any{"new": "z"}}}}
	if err := mod.checkVNFCs(inst); err != nil {
		t.Fatal(err)
	}
	mod.apply(inst)
	want := map[string]map[string]any{"c1": {"new": "z"}, "c2": {"keep": "y"}}
	if !reflect.DeepEqual(inst.Instantiated.VNFCProperties, want) {
		t.Fatalf("got %v, want %v", inst.Instantiated.VNFCProperties, want)
	}
}
