package openstack

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gcos "github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// DriverName is the Handle.Driver of this driver.
const DriverName = "openstack"

// handleVersion is the layout of handleState this driver writes.
const handleVersion = 1

// Options tune a Driver; zero values take the defaults.
type Options struct {
	// ReadyTimeout bounds each wait for a stack to settle (default 10 min).
	ReadyTimeout time.Duration
	// PollInterval is the pause between reads of a stack's status (default 500 ms).
	PollInterval time.Duration
	// Logger receives one line per completed change (default: discard).
	Logger *slog.Logger
	// WrapTransport, when set, wraps the HTTP transport of every OpenStack call (to measure
	// or trace them).
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// Driver is the OpenStack VIM driver. It is safe for concurrent use.
type Driver struct {
	compute, network, image, heat *gophercloud.ServiceClient
	// volume is the block storage (Cinder) client; nil when the catalogue has no block
	// storage service, and then the driver claims no storage.
	volume *gophercloud.ServiceClient
	opts   Options
	log    *slog.Logger
	// waited is the time spent pausing between status reads, in nanoseconds: time the
	// driver waits on OpenStack without a call in flight.
	waited atomic.Int64
}

var _ vim.Driver = (*Driver)(nil)

// handleState is the driver's part of a Handle: the stack of the VNF.
type handleState struct {
	Stack string `json:"stack"`
}

// New authenticates to the Keystone v3 endpoint of c and returns a driver for its region.
// The token is cached by the client and renewed when it expires (reauthentication).
func New(ctx context.Context, c vim.Connection, opts Options) (*Driver, error) {
	const op = "openstack driver"
	if !c.IsOpenStack() || c.OpenStack == nil {
		return nil, vim.Errorf(vim.ErrPermanent, op, "vim %s (%s) is not an openstack connection", c.VIMID, c.VIMType)
	}
	if c.Endpoint == "" {
		return nil, vim.Errorf(vim.ErrPermanent, op, "connection to %s has no keystone endpoint", c.VIMID)
	}
	provider, err := gcos.NewClient(c.Endpoint)
	if err != nil {
		return nil, vim.Errorf(vim.ErrPermanent, op, "keystone endpoint: %v", err)
	}
	if len(c.CACert) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(c.CACert) {
			return nil, vim.Errorf(vim.ErrPermanent, op, "ca certificate of %s is not PEM", c.VIMID)
		}
		provider.HTTPClient = http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	}
	if opts.WrapTransport != nil {
		base := provider.HTTPClient.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		provider.HTTPClient.Transport = opts.WrapTransport(base)
	}
	if err := gcos.Authenticate(ctx, provider, authOptions(c)); err != nil {
		return nil, classify("authenticate to keystone", err)
	}
	return newDriver(provider, c.OpenStack.Region, opts)
}

// authOptions maps the connection to gophercloud's, with reauthentication on.
func authOptions(c vim.Connection) gophercloud.AuthOptions {
	a := c.OpenStack
	o := gophercloud.AuthOptions{IdentityEndpoint: c.Endpoint, AllowReauth: true}
	if !a.ApplicationCredentialSecret.Empty() {
		o.ApplicationCredentialID = a.ApplicationCredentialID
		o.ApplicationCredentialSecret = a.ApplicationCredentialSecret.Reveal()
		o.Username, o.UserID = a.Username, a.UserID
		o.DomainName = a.UserDomain
		return o
	}
	o.Username, o.UserID, o.Password = a.Username, a.UserID, a.Password.Reveal()
	o.DomainName = cmp.Or(a.UserDomain, "Default")
	o.Scope = &gophercloud.AuthScope{ProjectID: a.ProjectID}
	if a.ProjectID == "" {
		o.Scope = &gophercloud.AuthScope{ProjectName: a.ProjectName, DomainName: cmp.Or(a.ProjectDomain, "Default")}
	}
	return o
}

func newDriver(provider *gophercloud.ProviderClient, region string, opts Options) (*Driver, error) {
	eo := gophercloud.EndpointOpts{Region: cmp.Or(region, "RegionOne")}
	d := &Driver{opts: opts, log: opts.Logger}
	var err error
	for _, s := range []struct {
		c   **gophercloud.ServiceClient
		new func(*gophercloud.ProviderClient, gophercloud.EndpointOpts) (*gophercloud.ServiceClient, error)
	}{{&d.compute, gcos.NewComputeV2}, {&d.network, gcos.NewNetworkV2}, {&d.image, gcos.NewImageV2}, {&d.heat, gcos.NewOrchestrationV1}} {
		if *s.c, err = s.new(provider, eo); err != nil {
			return nil, vim.Errorf(vim.ErrPermanent, "openstack driver", "service catalogue: %v", err)
		}
	}
	if d.volume, err = gcos.NewBlockStorageV3(provider, eo); err != nil {
		var nf *gophercloud.ErrEndpointNotFound
		if !errors.As(err, &nf) {
			return nil, vim.Errorf(vim.ErrTransient, "openstack driver", "block storage endpoint: %v", err)
		}
		d.volume = nil
	}
	// 2.37 lets a server have no network; 2.26 reports tags. The fake-driver clouds of the
	// tests and every supported release have it.
	d.compute.Microversion = "2.37"
	if d.opts.ReadyTimeout <= 0 {
		d.opts.ReadyTimeout = 10 * time.Minute
	}
	if d.opts.PollInterval <= 0 {
		d.opts.PollInterval = 500 * time.Millisecond
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d, nil
}

// Capabilities: virtual machines and zones, stopped servers kept, and block storage when the
// cloud has a block storage service (Cinder) in its catalogue; no containers.
func (d *Driver) Capabilities() vim.Capabilities {
	return vim.Capabilities{VirtualMachines: true, Zones: true, LiveHeal: true, Storage: d.volume != nil,
		StopKeepsInstances: true}
}

// NewHandle names the VNF's stack. It fails with ErrPermanent for specs that are not made of
// Vdu.Compute VDUs.
func (d *Driver) NewHandle(spec *vim.Spec) (vim.Handle, error) {
	if spec.Artifacts != nil {
		return vim.Handle{}, vim.Errorf(vim.ErrPermanent, "name stack", "openstack driver deploys VDUs, not manifests or charts")
	}
	for _, v := range spec.VDUs {
		if v.Compute == nil {
			return vim.Handle{}, vim.Errorf(vim.ErrPermanent, "name stack", "vdu %s is not a Vdu.Compute", v.ID)
		}
	}
	return vim.NewDriverHandle(DriverName, handleVersion, spec.VNFInstanceID, handleState{Stack: stackName(spec.VNFInstanceID)})
}

func (d *Driver) state(h vim.Handle) (handleState, error) {
	var st handleState
	if err := h.DecodeState(DriverName, handleVersion, &st); err != nil {
		return st, err
	}
	if st.Stack == "" {
		return st, vim.Errorf(vim.ErrPermanent, "decode handle", "handle names no stack")
	}
	return st, nil
}
