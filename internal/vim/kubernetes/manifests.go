package kubernetes

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// maxManifestBytes bounds one manifest file read from a package.
const maxManifestBytes = 8 << 20

// readManifests reads the named manifest files of the package, in order, as objects.
func readManifests(fsys fs.FS, files []string) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, f := range files {
		name := path.Clean(strings.TrimPrefix(f, "/"))
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, vim.Errorf(vim.ErrPermanent, "read manifest "+f, "%v", err)
		}
		if len(data) > maxManifestBytes {
			return nil, vim.Errorf(vim.ErrPermanent, "read manifest "+f, "file is larger than %d bytes", maxManifestBytes)
		}
		objs, err := decodeObjects(data)
		if err != nil {
			return nil, vim.Errorf(vim.ErrPermanent, "read manifest "+f, "%v", err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// decodeObjects decodes a stream of YAML or JSON documents into objects, skipping empty ones
// and flattening v1 Lists.
func decodeObjects(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return nil, err
			}
			for i := range list.Items {
				if err := checkObject(&list.Items[i]); err != nil {
					return nil, err
				}
				out = append(out, &list.Items[i])
			}
			continue
		}
		if err := checkObject(u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
}

func checkObject(u *unstructured.Unstructured) error {
	switch {
	case u.GetAPIVersion() == "" || u.GetKind() == "":
		return errors.New("object without apiVersion or kind")
	case u.GetName() == "":
		return errors.New(u.GetKind() + " without metadata.name")
	}
	return nil
}

// encodeObjects writes objects as a YAML stream.
func encodeObjects(objs []*unstructured.Unstructured) ([]byte, error) {
	var buf bytes.Buffer
	for _, u := range objs {
		b, err := yaml.Marshal(u.Object)
		if err != nil {
			return nil, err
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// manifestKinds lists the distinct group/version/kinds of the package's manifests, sorted.
func manifestKinds(fsys fs.FS, files []string) ([]string, error) {
	if fsys == nil {
		return nil, vim.Errorf(vim.ErrPermanent, "read manifests", "spec has manifests but no package content")
	}
	objs, err := readManifests(fsys, files)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, u := range objs {
		seen[gvkKey(u.GroupVersionKind())] = true
	}
	kinds := make([]string, 0, len(seen))
	for k := range seen {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds, nil
}

// podTemplateKinds are the workload kinds whose pods the driver labels.
var podTemplateKinds = map[string]bool{
	"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true, "Job": true,
}

// label adds the instance labels to an object of a package and, for a workload that is a
// VDU's MCIO, the VDU label, the desired-count annotations and the replicas it should run now
// (so that re-applying a package never undoes a scale or a stop). Pod templates get the labels
// too, which is how Observe finds the pods.
func label(spec *vim.Spec, u *unstructured.Unstructured, stopped bool) error {
	l := u.GetLabels()
	if l == nil {
		l = map[string]string{}
	}
	for k, v := range instanceLabels(spec) {
		l[k] = v
	}
	v := vduForWorkload(spec, u)
	if v != nil {
		l[LabelVDU] = labelValue(v.ID)
		if err := setVDUReplicas(u, v, stopped); err != nil {
			return err
		}
	}
	u.SetLabels(l)
	if !podTemplateKinds[u.GetKind()] {
		return nil
	}
	pl, _, err := unstructured.NestedStringMap(u.Object, "spec", "template", "metadata", "labels")
	if err != nil {
		return vim.Errorf(vim.ErrPermanent, "label "+objectName(u), "pod template labels: %v", err)
	}
	if pl == nil {
		pl = map[string]string{}
	}
	pl[LabelInstance] = labelValue(spec.VNFInstanceID)
	if v != nil {
		pl[LabelVDU] = labelValue(v.ID)
		if err := confineToZones(u, v.Zones); err != nil {
			return err
		}
	}
	return unstructured.SetNestedStringMap(u.Object, pl, "spec", "template", "metadata", "labels")
}

// confineToZones makes a package workload's pods require the VDU's zones (from the grant),
// replacing any node affinity the package gave them.
func confineToZones(u *unstructured.Unstructured, zones []string) error {
	if len(zones) == 0 {
		return nil
	}
	values := make([]any, len(zones))
	for i, z := range zones {
		values[i] = z
	}
	required := map[string]any{"nodeSelectorTerms": []any{map[string]any{"matchExpressions": []any{
		map[string]any{"key": topologyZone, "operator": "In", "values": values},
	}}}}
	err := unstructured.SetNestedField(u.Object, required,
		"spec", "template", "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
	if err != nil {
		return vim.Errorf(vim.ErrPermanent, "confine "+objectName(u), "set node affinity: %v", err)
	}
	return nil
}

func setVDUReplicas(u *unstructured.Unstructured, v *vim.VDU, stopped bool) error {
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationVDUID] = v.ID
	ann[AnnotationDesired] = strconv.Itoa(v.Replicas)
	n := int64(v.Replicas)
	if stopped {
		ann[AnnotationStopped] = "true"
		n = 0
	}
	u.SetAnnotations(ann)
	if u.GetKind() != kindDeployment && u.GetKind() != kindStatefulSet {
		return nil
	}
	if err := unstructured.SetNestedField(u.Object, n, "spec", "replicas"); err != nil {
		return vim.Errorf(vim.ErrPermanent, "label "+objectName(u), "set replicas: %v", err)
	}
	return nil
}

// vduForWorkload finds the VDU whose MCIO a workload is: its name is the VDU's Name (or ID),
// possibly behind a Helm release prefix ("release-web").
func vduForWorkload(spec *vim.Spec, u *unstructured.Unstructured) *vim.VDU {
	if !podTemplateKinds[u.GetKind()] {
		return nil
	}
	name := u.GetName()
	for i := range spec.VDUs {
		v := &spec.VDUs[i]
		want := v.Name
		if want == "" {
			want = v.ID
		}
		if name == want || strings.HasSuffix(name, "-"+want) {
			return v
		}
	}
	return nil
}

// gvkKey writes a kind as group/version/kind ("/v1/Service" for the core group).
func gvkKey(gvk schema.GroupVersionKind) string {
	return gvk.Group + "/" + gvk.Version + "/" + gvk.Kind
}

// parseGVKKey reads what gvkKey wrote.
func parseGVKKey(s string) (schema.GroupVersionKind, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return schema.GroupVersionKind{}, false
	}
	return schema.GroupVersionKind{Group: parts[0], Version: parts[1], Kind: parts[2]}, true
}
