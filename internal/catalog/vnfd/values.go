package vnfd

import (
	"math"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// reader reads typed values out of a topology, resolving functions. A value
// that cannot be resolved statically (an input without a value, an
// attribute) reads as absent: the VNFD is complete only at instantiation.
type reader struct {
	topo *tosca.TopologyTemplate
}

func (r reader) resolve(n *tosca.NodeTemplate, v *tosca.Value) *tosca.Value {
	if v == nil {
		return nil
	}
	out, err := r.topo.Resolve(v, n)
	if err != nil {
		return nil
	}
	return out
}

// prop returns a resolved property of a node, or nil.
func (r reader) prop(n *tosca.NodeTemplate, name string) *tosca.Value {
	if n == nil {
		return nil
	}
	return r.resolve(n, n.Properties[name])
}

func str(v *tosca.Value) string { return v.String() }

func integer(v *tosca.Value) int {
	n, ok := v.Int()
	if !ok || n > math.MaxInt32 || n < math.MinInt32 {
		return 0
	}
	return int(n)
}

func int64Of(v *tosca.Value) int64 {
	n, _ := v.Int()
	return n
}

func boolean(v *tosca.Value) bool {
	b, _ := v.Bool()
	return b
}

func boolPtr(v *tosca.Value) *bool {
	b, ok := v.Bool()
	if !ok {
		return nil
	}
	return &b
}

func stringList(v *tosca.Value) []string {
	if v == nil || v.Kind != tosca.KindList {
		return nil
	}
	out := make([]string, 0, len(v.List))
	for _, x := range v.List {
		out = append(out, x.String())
	}
	return out
}

func stringMap(v *tosca.Value) map[string]string {
	if v == nil || v.Kind != tosca.KindMap {
		return nil
	}
	out := make(map[string]string, len(v.Map))
	for _, e := range v.Map {
		out[e.Key] = e.Value.String()
	}
	return out
}

func rawMap(v *tosca.Value) map[string]any {
	if m, ok := v.Interface().(map[string]any); ok {
		return m
	}
	return nil
}

// bytesOf reads a scalar-unit.size as bytes.
func bytesOf(v *tosca.Value) int64 {
	f, err := tosca.ParseScalarUnit(v, "scalar-unit.size")
	if err != nil || f > math.MaxInt64 {
		return 0
	}
	return int64(f)
}

// durationOf reads a scalar-unit.time.
func durationOf(v *tosca.Value) time.Duration {
	f, err := tosca.ParseScalarUnit(v, "scalar-unit.time")
	if err != nil || f*float64(time.Second) > math.MaxInt64 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

func hertzOf(v *tosca.Value) float64 {
	f, err := tosca.ParseScalarUnit(v, "scalar-unit.frequency")
	if err != nil {
		return 0
	}
	return f
}

func bitrateOf(v *tosca.Value) Bitrate {
	return Bitrate{Root: int64Of(v.Get("root")), Leaf: int64Of(v.Get("leaf"))}
}
