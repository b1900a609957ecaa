package kubernetes

import (
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// DriverName is the Handle.Driver of this driver.
const DriverName = "kubernetes"

// handleVersion is the layout of handleState this driver writes.
const handleVersion = 1

// Options tune a Driver; zero values take the defaults.
type Options struct {
	// ReadyTimeout bounds each wait for readiness or removal (default 5 min).
	ReadyTimeout time.Duration
	// NamespacePrefix prefixes the namespaces the driver creates per VNF (default "vnf-").
	NamespacePrefix string
	// Logger receives one line per completed change (default: discard).
	Logger *slog.Logger
	// QPS and Burst are the client's request rate to the API server; 0 keeps
	// the config's, and a config without one gets defaultQPS and defaultBurst.
	QPS   float32
	Burst int
}

// Driver is the Kubernetes VIM driver. It is safe for concurrent use.
type Driver struct {
	cfg    *rest.Config
	cs     kubernetes.Interface
	dyn    dynamic.Interface
	mapper meta.ResettableRESTMapper
	opts   Options
	log    *slog.Logger
	// hub shares cluster-wide watches among the driver's waits (nil: each wait watches
	// on its own).
	hub *hub
}

var _ vim.Driver = (*Driver)(nil)

// Client request rate of a driver whose config sets none. client-go's own
// default, 5 a second, held the VNFM to a few instantiations a second:
// each one lists and watches its workloads until they are ready. The API
// server protects itself with priority and fairness.
const (
	defaultQPS   = 200
	defaultBurst = 400
)

// New returns a driver for the cluster cfg reaches. Options.QPS and Burst
// set the request rate; without them a cfg without a rate gets defaultQPS
// and defaultBurst.
func New(cfg *rest.Config, opts Options) (*Driver, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = defaultQPS, defaultBurst
	}
	if opts.QPS > 0 {
		cfg.QPS = opts.QPS
	}
	if opts.Burst > 0 {
		cfg.Burst = opts.Burst
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("dynamic client: %w", err)
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 5 * time.Minute
	}
	if opts.NamespacePrefix == "" {
		opts.NamespacePrefix = "vnf-"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cs.Discovery()))
	return &Driver{cfg: cfg, cs: cs, dyn: dyn, mapper: mapper, opts: opts, log: log,
		hub: newHub(cs, log)}, nil
}

// NewForConnection returns a driver for a VIM connection (vimType kubernetes or
// ETSINFV.KUBERNETES.V_1).
func NewForConnection(c vim.Connection, opts Options) (*Driver, error) {
	if !c.IsKubernetes() {
		return nil, vim.Errorf(vim.ErrPermanent, "kubernetes driver", "vim type %q is not kubernetes", c.VIMType)
	}
	if c.Endpoint == "" {
		return nil, vim.Errorf(vim.ErrPermanent, "kubernetes driver", "connection to %s has no endpoint", c.VIMID)
	}
	cfg := &rest.Config{
		Host:        c.Endpoint,
		BearerToken: c.BearerToken.Reveal(),
		TLSClientConfig: rest.TLSClientConfig{
			CAData: c.CACert, CertData: c.ClientCert, KeyData: []byte(c.ClientKey.Reveal()),
		},
	}
	return New(cfg, opts)
}

// Capabilities implements vim.Driver.
func (d *Driver) Capabilities() vim.Capabilities {
	return vim.Capabilities{
		Containers: true, ComputeAsContainer: true, HelmCharts: true, Manifests: true,
		LiveHeal: true, Zones: true, Storage: true,
	}
}

// source says where a VNF's objects come from.
type source string

const (
	sourceVDUs      source = "vdus"
	sourceManifests source = "manifests"
	sourceHelm      source = "helm"
)

// handleState is the driver's part of a vim.Handle.
type handleState struct {
	Namespace string `json:"namespace"`
	// OwnNamespace: the driver created the namespace for the VNF and deletes it.
	OwnNamespace bool   `json:"ownNamespace,omitempty"`
	Source       source `json:"source"`
	// NameSuffix is appended to the names of objects built from VDUs in a shared namespace.
	NameSuffix string `json:"nameSuffix,omitempty"`
	Release    string `json:"release,omitempty"`
	// Kinds are the group/version/kinds of the package's manifests, for Delete to find them.
	Kinds []string `json:"kinds,omitempty"`
}

// NewHandle implements vim.Driver.
func (d *Driver) NewHandle(spec *vim.Spec) (vim.Handle, error) {
	st, err := d.planHandle(spec)
	if err != nil {
		return vim.Handle{}, err
	}
	return vim.NewDriverHandle(DriverName, handleVersion, spec.VNFInstanceID, st)
}

func (d *Driver) planHandle(spec *vim.Spec) (*handleState, error) {
	if spec.VNFInstanceID == "" {
		return nil, vim.Errorf(vim.ErrPermanent, "new handle", "spec has no VNF instance ID")
	}
	st := &handleState{Namespace: spec.Namespace, Source: sourceVDUs}
	if st.Namespace == "" {
		st.Namespace = dnsLabel(d.opts.NamespacePrefix+spec.VNFInstanceID, 63)
		st.OwnNamespace = true
	} else {
		st.NameSuffix = shortHash(spec.VNFInstanceID)
	}
	a := spec.Artifacts
	switch {
	case a == nil:
	case a.HelmChart != "":
		st.Source = sourceHelm
		st.Release = a.ReleaseName
		if st.Release == "" {
			st.Release = dnsLabel("vnf-"+spec.VNFInstanceID, 53)
		}
	case len(a.Manifests) > 0:
		st.Source = sourceManifests
		kinds, err := manifestKinds(a.Package, a.Manifests)
		if err != nil {
			return nil, err
		}
		st.Kinds = kinds
	}
	return st, nil
}

// state decodes the driver's part of h.
func state(h vim.Handle) (*handleState, error) {
	var st handleState
	if err := h.DecodeState(DriverName, handleVersion, &st); err != nil {
		return nil, err
	}
	if st.Namespace == "" || h.VNFInstanceID == "" {
		return nil, vim.Errorf(vim.ErrPermanent, "decode handle", "handle has no namespace or VNF instance")
	}
	return &st, nil
}

// packageFS returns the package content of a spec with artifacts.
func packageFS(spec *vim.Spec) (fs.FS, error) {
	if spec.Artifacts == nil || spec.Artifacts.Package == nil {
		return nil, vim.Errorf(vim.ErrPermanent, "read package", "spec has artifacts but no package content")
	}
	return spec.Artifacts.Package, nil
}
