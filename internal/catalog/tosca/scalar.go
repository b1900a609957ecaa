package tosca

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// scalarUnits maps each scalar-unit type to its units and their factor to
// the base unit (bytes, seconds, hertz, bits per second).
var scalarUnits = map[string]map[string]float64{
	"scalar-unit.size": {
		"b": 1, "kb": 1e3, "kib": 1 << 10, "mb": 1e6, "mib": 1 << 20,
		"gb": 1e9, "gib": 1 << 30, "tb": 1e12, "tib": 1 << 40,
	},
	"scalar-unit.time": {
		"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9,
	},
	"scalar-unit.frequency": {
		"hz": 1, "khz": 1e3, "mhz": 1e6, "ghz": 1e9,
	},
	// Bit rates are case-sensitive: bps counts bits, Bps bytes.
	"scalar-unit.bitrate": {
		"bps": 1, "Kbps": 1e3, "Kibps": 1 << 10, "Mbps": 1e6, "Mibps": 1 << 20,
		"Gbps": 1e9, "Gibps": 1 << 30, "Tbps": 1e12, "Tibps": 1 << 40,
		"Bps": 8, "KBps": 8e3, "KiBps": 8 << 10, "MBps": 8e6, "MiBps": 8 << 20,
		"GBps": 8e9, "GiBps": 8 << 30, "TBps": 8e12, "TiBps": 8 << 40,
	},
}

var scalarRE = regexp.MustCompile(`^\s*([-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]+)\s*$`)

// ParseScalarUnit returns a scalar-unit value in its base unit: bytes for
// scalar-unit.size, seconds for time, hertz for frequency, bits per second
// for bitrate.
func ParseScalarUnit(v *Value, kind string) (float64, error) { return parseScalarUnit(v, kind) }

func parseScalarUnit(v *Value, kind string) (float64, error) {
	units, ok := scalarUnits[kind]
	if !ok {
		return 0, fmt.Errorf("unknown scalar-unit type %q", kind)
	}
	if v == nil || (v.Kind != KindString && v.Kind != KindInt && v.Kind != KindFloat) {
		return 0, fmt.Errorf("must be a %s string such as \"1 GB\"", kind)
	}
	m := scalarRE.FindStringSubmatch(v.Str)
	if m == nil {
		return 0, fmt.Errorf("%q is not a %s (number and unit)", v.Str, kind)
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%q: bad number: %w", v.Str, err)
	}
	unit := m[2]
	if kind != "scalar-unit.bitrate" {
		unit = strings.ToLower(unit)
	}
	f, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q for %s", v.Str, m[2], kind)
	}
	return n * f, nil
}

var versionRE = regexp.MustCompile(`^\d+\.\d+(?:\.\d+(?:\.[A-Za-z0-9_]+(?:-\d+)?)?)?$`)

func validVersion(s string) bool { return versionRE.MatchString(s) }

// compareVersions orders two TOSCA versions by their numeric parts.
func compareVersions(a, b string) (int, bool) {
	if !validVersion(a) || !validVersion(b) {
		return 0, false
	}
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < 3; i++ {
		x, y := 0, 0
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return cmpFloat(float64(x), float64(y)), true
		}
	}
	return strings.Compare(strings.Join(pa[min(3, len(pa)):], "."), strings.Join(pb[min(3, len(pb)):], ".")), true
}

var timestampLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05.999999999 -07:00",
	"2006-01-02 15:04:05", "2006-01-02t15:04:05.999999999Z07:00", "2006-01-02",
}

func validTimestamp(s string) bool {
	s = strings.TrimSpace(s)
	for _, l := range timestampLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}
