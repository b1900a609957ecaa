// Package kubernetes owns the Kubernetes VIM driver: it realises a vim.Spec on a Kubernetes
// cluster through client-go, from the VDUs (Deployments or StatefulSets, Services,
// PersistentVolumeClaims, pod affinity and zone constraints), from the Kubernetes manifests a
// package ships, or from its Helm chart (through the Helm v3 SDK).
//
// Every object carries the labels of its VNF instance (and VDU), which is how Observe, Heal and
// Delete find it: the driver keeps no state of its own besides the immutable vim.Handle.
// Objects are written with server-side apply under one field manager, created in slow-start
// batches, scaled through the /scale subresource, and readiness is waited for on watches.
package kubernetes
