package kubernetes

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// builder turns the VDUs of a spec into Kubernetes objects.
type builder struct {
	spec    *vim.Spec
	st      *handleState
	stopped bool
}

// instanceLabels are the labels of every object of the VNF.
func instanceLabels(spec *vim.Spec) map[string]string {
	l := make(map[string]string, len(spec.Labels)+2)
	for k, v := range spec.Labels {
		l[k] = v
	}
	l[LabelInstance] = labelValue(spec.VNFInstanceID)
	l[LabelManagedBy] = managedBy
	return l
}

// name is the object name of a VDU, CP or storage ID in the VNF's namespace.
func (b *builder) name(id string) string {
	if b.st.NameSuffix == "" {
		return dnsLabel(id, 63)
	}
	return dnsLabel(id, 54) + "-" + b.st.NameSuffix
}

// workloadName is the name of a VDU's Deployment or StatefulSet.
func (b *builder) workloadName(v *vim.VDU) string {
	if v.Name != "" && b.st.NameSuffix == "" {
		return dnsLabel(v.Name, 63)
	}
	return b.name(v.ID)
}

// objects returns every object of the VNF, in creation order: storage, services, workloads.
func (b *builder) objects() ([]*unstructured.Unstructured, error) {
	var objs []runtime.Object
	for i := range b.spec.Storages {
		if s := &b.spec.Storages[i]; !s.PerVNFC {
			objs = append(objs, b.pvc(s))
		}
	}
	for i := range b.spec.ConnectionPoints {
		objs = append(objs, b.service(&b.spec.ConnectionPoints[i]))
	}
	for i := range b.spec.VDUs {
		wl, extra, err := b.workload(&b.spec.VDUs[i])
		if err != nil {
			return nil, err
		}
		objs = append(objs, extra...)
		objs = append(objs, wl)
	}
	return toUnstructured(objs)
}

func toUnstructured(objs []runtime.Object) ([]*unstructured.Unstructured, error) {
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, o := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return nil, vim.Errorf(vim.ErrPermanent, "convert object", "%v", err)
		}
		u := &unstructured.Unstructured{Object: m}
		unstructured.RemoveNestedField(u.Object, "status")
		unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
		unstructured.RemoveNestedField(u.Object, "spec", "template", "metadata", "creationTimestamp")
		out = append(out, u)
	}
	return out, nil
}

func (b *builder) meta(name string, extra map[string]string, ann map[string]string) metav1.ObjectMeta {
	l := instanceLabels(b.spec)
	for k, v := range extra {
		l[k] = v
	}
	return metav1.ObjectMeta{Name: name, Namespace: b.st.Namespace, Labels: l, Annotations: ann}
}

func (b *builder) pvc(s *vim.Storage) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: b.meta(b.name(s.ID), nil, map[string]string{AnnotationStorageID: s.ID}),
		Spec:       pvcSpec(s),
	}
}

// pvcSpec asks for the storage's size. Block storage is a ReadWriteOnce filesystem volume
// (containers mount it), file storage ReadWriteMany; the cluster's default class provides it.
func pvcSpec(s *vim.Storage) corev1.PersistentVolumeClaimSpec {
	mode := corev1.ReadWriteOnce
	if s.Kind == vim.FileStorage {
		mode = corev1.ReadWriteMany
	}
	size := s.SizeBytes
	if size <= 0 {
		size = 1 << 30
	}
	return corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{mode},
		Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceStorage: *resource.NewQuantity(size, resource.BinarySI),
		}},
	}
}

// service exposes a connection point: a ClusterIP Service over its VDUs' pods, or a headless
// one (each instance reached by its own address) when it names no ports.
func (b *builder) service(cp *vim.ConnectionPoint) *corev1.Service {
	sel := map[string]string{LabelInstance: labelValue(b.spec.VNFInstanceID), cpLabel(cp.ID): "true"}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: b.meta(b.name(cp.ID), nil, map[string]string{AnnotationCPID: cp.ID}),
		Spec:       corev1.ServiceSpec{Selector: sel},
	}
	if len(cp.Ports) == 0 {
		svc.Spec.ClusterIP = corev1.ClusterIPNone
		return svc
	}
	for _, p := range cp.Ports {
		proto := corev1.Protocol(strings.ToUpper(p.Protocol))
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		name := p.Name
		if name == "" {
			name = strings.ToLower(string(proto)) + "-" + strconv.Itoa(int(p.Port))
		}
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{
			Name: dnsLabel(name, 15), Protocol: proto, Port: p.Port, TargetPort: intstr.FromInt32(p.Port),
		})
	}
	return svc
}

func cpLabel(id string) string        { return cpLabelPrefix + labelKeyName(id) }
func placementLabel(id string) string { return placementLabelPrefix + labelKeyName(id) }

// podLabels are the labels of a VDU's pods: instance, VDU, CPs and placement rules.
func (b *builder) podLabels(v *vim.VDU) map[string]string {
	l := instanceLabels(b.spec)
	l[LabelVDU] = labelValue(v.ID)
	for _, cp := range b.spec.ConnectionPoints {
		if contains(cp.VDUs, v.ID) {
			l[cpLabel(cp.ID)] = "true"
		}
	}
	for _, r := range b.spec.PlacementRules {
		if contains(r.VDUs, v.ID) {
			l[placementLabel(r.ID)] = "true"
		}
	}
	return l
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// replicas is what the workload runs now: the desired count, or 0 while stopped.
func (b *builder) replicas(v *vim.VDU) *int32 {
	n := int32(v.Replicas)
	if b.stopped {
		n = 0
	}
	return &n
}

func (b *builder) workloadAnnotations(v *vim.VDU) map[string]string {
	ann := map[string]string{AnnotationVDUID: v.ID, AnnotationDesired: strconv.Itoa(v.Replicas)}
	if b.stopped {
		ann[AnnotationStopped] = "true"
	}
	return ann
}

// workload returns a VDU's Deployment, or a StatefulSet (with its headless Service) when the
// VDU has per-instance storage.
func (b *builder) workload(v *vim.VDU) (runtime.Object, []runtime.Object, error) {
	tmpl, err := b.podTemplate(v)
	if err != nil {
		return nil, nil, err
	}
	name := b.workloadName(v)
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{
		LabelInstance: labelValue(b.spec.VNFInstanceID), LabelVDU: labelValue(v.ID),
	}}
	om := b.meta(name, map[string]string{LabelVDU: labelValue(v.ID)}, b.workloadAnnotations(v))
	claims := b.claimTemplates(v)
	if len(claims) == 0 {
		return &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: om,
			Spec:       appsv1.DeploymentSpec{Replicas: b.replicas(v), Selector: sel, Template: tmpl},
		}, nil, nil
	}
	headless := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: b.meta(name, map[string]string{LabelVDU: labelValue(v.ID)}, nil),
		Spec:       corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: sel.MatchLabels},
	}
	return &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: om,
		Spec: appsv1.StatefulSetSpec{
			Replicas: b.replicas(v), Selector: sel, Template: tmpl, ServiceName: name,
			PodManagementPolicy:  appsv1.ParallelPodManagement,
			VolumeClaimTemplates: claims,
		},
	}, []runtime.Object{headless}, nil
}

func (b *builder) claimTemplates(v *vim.VDU) []corev1.PersistentVolumeClaim {
	var out []corev1.PersistentVolumeClaim
	for _, id := range v.Storages {
		s := b.storage(id)
		if s == nil || !s.PerVNFC {
			continue
		}
		out = append(out, corev1.PersistentVolumeClaim{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: metav1.ObjectMeta{
				Name: dnsLabel(id, 40), Labels: instanceLabels(b.spec),
				Annotations: map[string]string{AnnotationStorageID: id},
			},
			Spec: pvcSpec(s),
		})
	}
	return out
}

func (b *builder) storage(id string) *vim.Storage {
	for i := range b.spec.Storages {
		if b.spec.Storages[i].ID == id {
			return &b.spec.Storages[i]
		}
	}
	return nil
}

func (b *builder) podTemplate(v *vim.VDU) (corev1.PodTemplateSpec, error) {
	containers, err := containers(v)
	if err != nil {
		return corev1.PodTemplateSpec{}, err
	}
	volumes, mounts := b.volumes(v)
	for i := range containers {
		containers[i].VolumeMounts = mounts
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{
			Labels: b.podLabels(v), Annotations: map[string]string{AnnotationVDUID: v.ID},
		},
		Spec: corev1.PodSpec{Containers: containers, Volumes: volumes, Affinity: b.affinity(v)},
	}, nil
}

// volumes mounts the VDU's storages: shared ones as PVC volumes, per-instance ones through
// the StatefulSet's claim templates (same name, no volume entry).
func (b *builder) volumes(v *vim.VDU) ([]corev1.Volume, []corev1.VolumeMount) {
	var vols []corev1.Volume
	var mounts []corev1.VolumeMount
	for _, id := range v.Storages {
		s := b.storage(id)
		if s == nil {
			continue
		}
		name := dnsLabel(id, 40)
		path := s.MountPath
		if path == "" {
			path = "/mnt/" + name
		}
		mounts = append(mounts, corev1.VolumeMount{Name: name, MountPath: path})
		if !s.PerVNFC {
			vols = append(vols, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: b.name(id)},
			}})
		}
	}
	return vols, mounts
}

// containers are a container VDU's containers, or the one container of a Compute VDU.
func containers(v *vim.VDU) ([]corev1.Container, error) {
	if len(v.Containers) == 0 && v.Compute == nil {
		return nil, vim.Errorf(vim.ErrPermanent, "build vdu "+v.ID, "vdu has neither containers nor compute")
	}
	if len(v.Containers) == 0 {
		c := v.Compute
		if c.Image == "" {
			return nil, vim.Errorf(vim.ErrPermanent, "build vdu "+v.ID, "compute vdu has no image")
		}
		r := vim.Resources{MilliCPU: int64(c.VirtualCPUs) * 1000, MemoryBytes: c.MemoryBytes}
		return []corev1.Container{{Name: dnsLabel(v.ID, 63), Image: c.Image, Resources: resources(r, r)}}, nil
	}
	out := make([]corev1.Container, 0, len(v.Containers))
	for _, c := range v.Containers {
		if c.Image == "" {
			return nil, vim.Errorf(vim.ErrPermanent, "build vdu "+v.ID, "container %s has no image", c.Name)
		}
		out = append(out, corev1.Container{
			Name: dnsLabel(c.Name, 63), Image: c.Image, Resources: resources(c.Requests, c.Limits),
		})
	}
	return out, nil
}

func resources(req, lim vim.Resources) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{Requests: resourceList(req), Limits: resourceList(lim)}
}

func resourceList(r vim.Resources) corev1.ResourceList {
	l := corev1.ResourceList{}
	if r.MilliCPU > 0 {
		l[corev1.ResourceCPU] = *resource.NewMilliQuantity(r.MilliCPU, resource.DecimalSI)
	}
	if r.MemoryBytes > 0 {
		l[corev1.ResourceMemory] = *resource.NewQuantity(r.MemoryBytes, resource.BinarySI)
	}
	if r.EphemeralBytes > 0 {
		l[corev1.ResourceEphemeralStorage] = *resource.NewQuantity(r.EphemeralBytes, resource.BinarySI)
	}
	if len(l) == 0 {
		return nil
	}
	return l
}

// String names the object kind/name, for errors.
func objectName(u *unstructured.Unstructured) string {
	return fmt.Sprintf("%s %s", strings.ToLower(u.GetKind()), u.GetName())
}
