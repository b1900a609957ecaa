package kubernetes

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Deploy implements vim.Driver.
func (d *Driver) Deploy(ctx context.Context, h vim.Handle, spec *vim.Spec) error {
	st, err := state(h)
	if err != nil {
		return err
	}
	if spec.VNFInstanceID != h.VNFInstanceID {
		return vim.Errorf(vim.ErrPermanent, "deploy", "spec of VNF %s given with the handle of VNF %s", spec.VNFInstanceID, h.VNFInstanceID)
	}
	if err := d.ensureNamespace(ctx, st, spec); err != nil {
		return err
	}
	stopped, err := d.isStopped(ctx, st.Namespace, h.VNFInstanceID)
	if err != nil {
		return err
	}
	switch st.Source {
	case sourceHelm:
		err = d.deployChart(ctx, st, spec, stopped)
	case sourceManifests:
		err = d.deployManifests(ctx, st, spec, stopped)
	default:
		err = d.deployVDUs(ctx, st, spec, stopped)
	}
	if err != nil {
		return err
	}
	if err := d.waitSettled(ctx, "deploy vnf "+h.VNFInstanceID, st.Namespace, h.VNFInstanceID); err != nil {
		return err
	}
	d.log.InfoContext(ctx, "vnf deployed", "vnfInstance", h.VNFInstanceID, "namespace", st.Namespace, "source", st.Source)
	return nil
}

// isStopped reports whether Operate(Stopped) is in force for the VNF.
func (d *Driver) isStopped(ctx context.Context, ns, id string) (bool, error) {
	ws, err := d.workloads(ctx, ns, id)
	if err != nil {
		return false, err
	}
	for _, w := range ws {
		if w.stopped {
			return true, nil
		}
	}
	return false, nil
}

// deployVDUs applies the objects built from the VDUs and removes workloads and services of
// the VNF that the spec no longer has (a VDU dropped by a flavour change).
func (d *Driver) deployVDUs(ctx context.Context, st *handleState, spec *vim.Spec, stopped bool) error {
	b := &builder{spec: spec, st: st, stopped: stopped}
	objs, err := b.objects()
	if err != nil {
		return err
	}
	if err := d.applyAll(ctx, st.Namespace, objs); err != nil {
		return err
	}
	return d.prune(ctx, st.Namespace, spec.VNFInstanceID, objs)
}

// deployManifests applies the package's manifests, labelled, into the VNF's namespace.
func (d *Driver) deployManifests(ctx context.Context, st *handleState, spec *vim.Spec, stopped bool) error {
	fsys, err := packageFS(spec)
	if err != nil {
		return err
	}
	objs, err := readManifests(fsys, spec.Artifacts.Manifests)
	if err != nil {
		return err
	}
	for _, u := range objs {
		if err := label(spec, u, stopped); err != nil {
			return err
		}
		namespaced, err := d.isNamespaced(u.GroupVersionKind())
		if err != nil {
			return err
		}
		if namespaced {
			u.SetNamespace(st.Namespace)
		}
	}
	return d.applyAll(ctx, st.Namespace, objs)
}

// prune deletes the VNF's workloads and services that are not among keep.
func (d *Driver) prune(ctx context.Context, ns, id string, keep []*unstructured.Unstructured) error {
	want := map[string]bool{}
	for _, u := range keep {
		want[u.GetKind()+"/"+u.GetName()] = true
	}
	ws, err := d.workloads(ctx, ns, id)
	if err != nil {
		return err
	}
	del := metav1.DeleteOptions{}
	for _, w := range ws {
		if want[w.resourceID()] {
			continue
		}
		if w.kind == kindStatefulSet {
			err = d.cs.AppsV1().StatefulSets(ns).Delete(ctx, w.name, del)
		} else {
			err = d.cs.AppsV1().Deployments(ns).Delete(ctx, w.name, del)
		}
		if err := ignoreNotFound(classify("prune "+w.resourceID(), err)); err != nil {
			return err
		}
	}
	svcs, err := d.cs.CoreV1().Services(ns).List(ctx, listOptions(id))
	if err != nil {
		return classify("list services", err)
	}
	for _, s := range svcs.Items {
		if want["Service/"+s.Name] {
			continue
		}
		err := d.cs.CoreV1().Services(ns).Delete(ctx, s.Name, del)
		if err := ignoreNotFound(classify("prune service "+s.Name, err)); err != nil {
			return err
		}
	}
	return nil
}

func ignoreNotFound(err error) error {
	if vim.KindOf(err) == vim.ErrNotFound {
		return nil
	}
	return err
}
