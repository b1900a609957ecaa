package kubernetes

import (
	"context"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Observe implements vim.Driver.
func (d *Driver) Observe(ctx context.Context, h vim.Handle) (*vim.State, error) {
	st, err := state(h)
	if err != nil {
		return nil, err
	}
	ns, id := st.Namespace, h.VNFInstanceID
	if st.OwnNamespace {
		if _, err := d.cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err != nil {
			return nil, classify("get namespace "+ns, err)
		}
	}
	ws, err := d.workloads(ctx, ns, id)
	if err != nil {
		return nil, err
	}
	pods, err := d.cs.CoreV1().Pods(ns).List(ctx, listOptions(id))
	if err != nil {
		return nil, classify("list pods", err)
	}
	out := &vim.State{Namespace: ns, VDUs: map[string]vim.VDUState{}}
	vduByLabel := map[string]string{}
	for _, w := range ws {
		out.Stopped = out.Stopped || w.stopped
		if w.vduID == "" {
			continue
		}
		vduByLabel[labelValue(w.vduID)] = w.vduID
		out.VDUs[w.vduID] = vim.VDUState{Desired: w.desired, Replicas: int(w.replicas), Ready: int(w.ready), ResourceID: w.resourceID()}
	}
	if out.VNFCs, err = d.vnfcs(ctx, pods.Items, vduByLabel); err != nil {
		return nil, err
	}
	if err := d.observeServices(ctx, ns, id, out); err != nil {
		return nil, err
	}
	if err := d.observeStorage(ctx, ns, id, out); err != nil {
		return nil, err
	}
	if len(ws) == 0 && len(pods.Items) == 0 && len(out.ConnectionPoints) == 0 && len(out.Storages) == 0 {
		return nil, vim.Errorf(vim.ErrNotFound, "observe vnf "+id, "no resources of the vnf in namespace %s", ns)
	}
	return out, nil
}

// vnfcs turns the VNF's pods (terminating ones left out) into VNFC instances.
func (d *Driver) vnfcs(ctx context.Context, pods []corev1.Pod, vduByLabel map[string]string) ([]vim.VNFC, error) {
	zones := map[string]string{}
	out := make([]vim.VNFC, 0, len(pods))
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil {
			continue
		}
		zone, err := d.nodeZone(ctx, p.Spec.NodeName, zones)
		if err != nil {
			return nil, err
		}
		vdu := p.Annotations[AnnotationVDUID]
		if vdu == "" {
			vdu = vduByLabel[p.Labels[LabelVDU]]
		}
		out = append(out, vim.VNFC{
			ID: p.Name, VDUID: vdu, ResourceID: string(p.UID), ResourceType: "Pod",
			Ready: podReady(p), Phase: string(p.Status.Phase), Host: p.Spec.NodeName, Zone: zone,
			Addresses: podIPs(p), Images: images(p),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].VDUID != out[j].VDUID {
			return out[i].VDUID < out[j].VDUID
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// nodeZone returns the zone label of a node, caching per call. A node the driver may not
// read (RBAC) or that is gone leaves the zone empty rather than failing the observation.
func (d *Driver) nodeZone(ctx context.Context, node string, cache map[string]string) (string, error) {
	if node == "" {
		return "", nil
	}
	if z, ok := cache[node]; ok {
		return z, nil
	}
	n, err := d.cs.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		switch vim.KindOf(classify("get node", err)) {
		case vim.ErrNotFound, vim.ErrPermanent:
			cache[node] = ""
			return "", nil
		}
		return "", classify("get node "+node, err)
	}
	cache[node] = n.Labels[topologyZone]
	return cache[node], nil
}

func podIPs(p *corev1.Pod) []string {
	var out []string
	for _, ip := range p.Status.PodIPs {
		out = append(out, ip.IP)
	}
	if len(out) == 0 && p.Status.PodIP != "" {
		out = append(out, p.Status.PodIP)
	}
	return out
}

func images(p *corev1.Pod) []string {
	out := make([]string, 0, len(p.Spec.Containers))
	for _, c := range p.Spec.Containers {
		out = append(out, c.Image)
	}
	return out
}

func (d *Driver) observeServices(ctx context.Context, ns, id string, out *vim.State) error {
	svcs, err := d.cs.CoreV1().Services(ns).List(ctx, listOptions(id))
	if err != nil {
		return classify("list services", err)
	}
	out.ConnectionPoints = map[string]vim.CPState{}
	for _, s := range svcs.Items {
		cp := s.Annotations[AnnotationCPID]
		if cp == "" {
			cp = s.Name
		}
		var addrs []string
		for _, ip := range s.Spec.ClusterIPs {
			if ip != corev1.ClusterIPNone {
				addrs = append(addrs, ip)
			}
		}
		out.ConnectionPoints[cp] = vim.CPState{ResourceID: "Service/" + s.Name, Addresses: addrs}
	}
	return nil
}

func (d *Driver) observeStorage(ctx context.Context, ns, id string, out *vim.State) error {
	pvcs, err := d.cs.CoreV1().PersistentVolumeClaims(ns).List(ctx, listOptions(id))
	if err != nil {
		return classify("list persistentvolumeclaims", err)
	}
	out.Storages = map[string]vim.StorageState{}
	for _, c := range pvcs.Items {
		size := c.Status.Capacity[corev1.ResourceStorage]
		if size.IsZero() {
			size = c.Spec.Resources.Requests[corev1.ResourceStorage]
		}
		out.Storages[storageKey(&c)] = vim.StorageState{
			ResourceID: "PersistentVolumeClaim/" + c.Name, Bound: c.Status.Phase == corev1.ClaimBound, SizeBytes: size.Value(),
		}
	}
	return nil
}

// storageKey is the storage ID of a VDU's shared claim, and "storage/pod" for a per-instance
// claim, which the StatefulSet controller names template-pod and labels with the set's
// selector (so it has the VDU label).
func storageKey(c *corev1.PersistentVolumeClaim) string {
	id := c.Annotations[AnnotationStorageID]
	if id == "" {
		return c.Name
	}
	if _, perInstance := c.Labels[LabelVDU]; !perInstance {
		return id
	}
	return id + "/" + strings.TrimPrefix(c.Name, dnsLabel(id, 40)+"-")
}
