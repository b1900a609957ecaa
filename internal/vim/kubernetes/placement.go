package kubernetes

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Topology keys the placement scopes map to.
const (
	topologyNode = "kubernetes.io/hostname"
	topologyZone = "topology.kubernetes.io/zone"
)

// affinity turns the VDU's zones into required node affinity, and each placement rule naming
// the VDU into a required pod (anti-)affinity term over the pods of all the rule's VDUs.
// Rules are hard: an instance that cannot be placed stays Pending, which Deploy reports as a
// timeout, rather than being placed against the VNFD.
func (b *builder) affinity(v *vim.VDU) *corev1.Affinity {
	a := &corev1.Affinity{}
	if len(v.Zones) > 0 {
		a.NodeAffinity = &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key: topologyZone, Operator: corev1.NodeSelectorOpIn, Values: v.Zones,
				}}}},
			},
		}
	}
	for _, r := range b.spec.PlacementRules {
		if !contains(r.VDUs, v.ID) {
			continue
		}
		term := corev1.PodAffinityTerm{
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{
				LabelInstance: labelValue(b.spec.VNFInstanceID), placementLabel(r.ID): "true",
			}},
			TopologyKey: topologyKey(r.Scope),
		}
		if r.Affinity {
			if a.PodAffinity == nil {
				a.PodAffinity = &corev1.PodAffinity{}
			}
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution, term)
			continue
		}
		if a.PodAntiAffinity == nil {
			a.PodAntiAffinity = &corev1.PodAntiAffinity{}
		}
		a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, term)
	}
	if a.NodeAffinity == nil && a.PodAffinity == nil && a.PodAntiAffinity == nil {
		return nil
	}
	return a
}

func topologyKey(s vim.Scope) string {
	if s == vim.ScopeZone {
		return topologyZone
	}
	return topologyNode
}
