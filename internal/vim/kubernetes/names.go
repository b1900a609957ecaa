package kubernetes

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Labels and annotations the driver puts on the objects it manages.
const (
	// LabelInstance holds the VNF instance ID (label-safe): every object of the VNF has it.
	LabelInstance = "cadenza.io/vnf-instance"
	// LabelVDU holds the VDU ID (label-safe) on workloads and their pods.
	LabelVDU = "cadenza.io/vdu"
	// LabelManagedBy is the standard managed-by label.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// AnnotationVDUID holds the VDU ID as the VNFD spells it.
	AnnotationVDUID = "cadenza.io/vdu-id"
	// AnnotationDesired holds the desired replicas of a workload while it is stopped.
	AnnotationDesired = "cadenza.io/desired-replicas"
	// AnnotationStopped marks a workload of a stopped VNF.
	AnnotationStopped = "cadenza.io/stopped"
	// AnnotationCPID and AnnotationStorageID hold the CP and storage IDs on their objects.
	AnnotationCPID      = "cadenza.io/cp-id"
	AnnotationStorageID = "cadenza.io/storage-id"

	// cpLabelPrefix and placementLabelPrefix prefix the per-CP and per-rule pod labels.
	cpLabelPrefix        = "cp.cadenza.io/"
	placementLabelPrefix = "placement.cadenza.io/"

	managedBy = "cadenza"
	// FieldManager is the server-side apply field manager of the driver.
	FieldManager = "cadenza-vnfm"
)

// labelValue makes s a valid label value: kept when valid, else a readable prefix and a hash.
func labelValue(s string) string {
	if len(validation.IsValidLabelValue(s)) == 0 {
		return s
	}
	return dnsLabel(s, 63)
}

// dnsLabel makes s an RFC 1123 label of at most max bytes: lowercase alphanumerics and '-',
// with a hash suffix when anything had to change, so distinct inputs stay distinct.
func dnsLabel(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == s && len(out) <= max && out != "" {
		return out
	}
	h := shortHash(s)
	if limit := max - len(h) - 1; len(out) > limit {
		out = strings.Trim(out[:limit], "-")
	}
	if out == "" {
		return "x" + h
	}
	return out + "-" + h
}

// shortHash is 8 hex digits of the SHA-256 of s.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// labelKeyName makes s the name part of a prefixed label key (at most 63 bytes).
func labelKeyName(s string) string {
	if len(validation.IsQualifiedName(s)) == 0 && !strings.Contains(s, "/") {
		return s
	}
	return dnsLabel(s, 63)
}
