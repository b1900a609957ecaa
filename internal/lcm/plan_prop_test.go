package lcm

import (
	"fmt"
	"maps"
	"testing"

	"pgregory.net/rapid"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
)

// genFlavour draws a flavour with scaling aspects and VDUs with deltas.
func genFlavour(t *rapid.T) *vnfd.Flavour {
	fl := &vnfd.Flavour{ID: "df"}
	for i := range rapid.IntRange(1, 3).Draw(t, "aspects") {
		a := &vnfd.ScalingAspect{ID: fmt.Sprintf("a%d", i), MaxScaleLevel: rapid.IntRange(0, 6).Draw(t, "max")}
		for j := range rapid.IntRange(1, 3).Draw(t, "steps") {
			a.StepDeltas = append(a.StepDeltas, fmt.Sprintf("d%d", j))
		}
		fl.ScalingAspects = append(fl.ScalingAspects, a)
	}
	for i := range rapid.IntRange(1, 3).Draw(t, "vdus") {
		v := &vnfd.VDU{ID: fmt.Sprintf("v%d", i), InitialInstances: rapid.IntRange(0, 3).Draw(t, "initial"),
			MinInstances: rapid.IntRange(0, 2).Draw(t, "min"), ScalingDeltas: map[string]map[string]int{}}
		if rapid.Bool().Draw(t, "bounded") {
			v.MaxInstances = v.MinInstances + rapid.IntRange(1, 10).Draw(t, "span")
		}
		for _, a := range fl.ScalingAspects {
			if !rapid.Bool().Draw(t, "scaled") {
				continue
			}
			v.ScalingDeltas[a.ID] = map[string]int{}
			for _, d := range a.StepDeltas {
				v.ScalingDeltas[a.ID][d] = rapid.IntRange(0, 3).Draw(t, "delta")
			}
		}
		fl.VDUs = append(fl.VDUs, v)
	}
	return fl
}

func genLevels(t *rapid.T, fl *vnfd.Flavour) map[string]int {
	out := map[string]int{}
	for _, a := range fl.ScalingAspects {
		out[a.ID] = rapid.IntRange(0, a.MaxScaleLevel).Draw(t, "level")
	}
	return out
}

func TestPlanCountsRespectBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fl := genFlavour(t)
		for id, n := range Counts(fl, genLevels(t, fl)) {
			v := fl.VDU(id)
			if n < v.MinInstances || v.MaxInstances > 0 && n > v.MaxInstances {
				t.Fatalf("vdu %s: %d instances outside %d..%d", id, n, v.MinInstances, v.MaxInstances)
			}
		}
	})
}

func TestPlanCountsGrowWithLevel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fl := genFlavour(t)
		levels := genLevels(t, fl)
		a := rapid.SampledFrom(fl.ScalingAspects).Draw(t, "aspect")
		if levels[a.ID] == a.MaxScaleLevel {
			return
		}
		higher := maps.Clone(levels)
		higher[a.ID]++
		lo, hi := Counts(fl, levels), Counts(fl, higher)
		for id := range lo {
			if hi[id] < lo[id] {
				t.Fatalf("vdu %s: %d instances at a higher level, %d at the lower", id, hi[id], lo[id])
			}
		}
	})
}

func TestPlanScaleOutThenInRestores(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fl := genFlavour(t)
		levels := genLevels(t, fl)
		a := rapid.SampledFrom(fl.ScalingAspects).Draw(t, "aspect")
		steps := rapid.IntRange(1, 7).Draw(t, "n")
		out, err := ScaleLevels(fl, levels, ScaleRequest{Type: ScaleOut, AspectID: a.ID, NumberOfSteps: steps})
		fits := levels[a.ID]+steps <= a.MaxScaleLevel
		if (err == nil) != fits {
			t.Fatalf("scale out %d from %d (max %d): err %v", steps, levels[a.ID], a.MaxScaleLevel, err)
		}
		if err != nil {
			return
		}
		back, err := ScaleLevels(fl, out, ScaleRequest{Type: ScaleIn, AspectID: a.ID, NumberOfSteps: steps})
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(back, levels) || !maps.Equal(Counts(fl, back), Counts(fl, levels)) {
			t.Fatalf("out and in again: %v, started at %v", back, levels)
		}
	})
}

func TestPlanTargetLevelsStayInRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fl := genFlavour(t)
		a := rapid.SampledFrom(fl.ScalingAspects).Draw(t, "aspect")
		want := rapid.IntRange(-2, 8).Draw(t, "want")
		got, err := TargetLevels(fl, genLevels(t, fl), ScaleToLevelRequest{ScaleLevels: map[string]int{a.ID: want}})
		inRange := want >= 0 && want <= a.MaxScaleLevel
		if (err == nil) != inRange {
			t.Fatalf("level %d of 0..%d: err %v", want, a.MaxScaleLevel, err)
		}
		if err == nil && got[a.ID] != want {
			t.Fatalf("got level %d, want %d", got[a.ID], want)
		}
	})
}
