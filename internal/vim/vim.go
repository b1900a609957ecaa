package vim

import (
	"context"
	"encoding/json"
	"fmt"
)

// Driver realises VNFs on one VIM. The LCM engine calls it with a Spec it built from the VNFD
// and the LCM request, and with the Handle it persisted.
//
// The contract every method keeps:
//
//   - Idempotent: calling a method twice with the same arguments leaves the VIM as calling it
//     once does, and the second call succeeds (Delete of nothing included).
//   - Crash safe: a new Driver (another process) given the same Handle continues or repeats the
//     work of a call that was interrupted at any point, without leaking resources.
//   - ctx is honoured: when it is cancelled the method returns promptly with an error for which
//     errors.Is(err, ctx.Err()) holds; the VIM may be left part way, and repeating the call
//     converges.
//   - Errors carry a kind (ErrNotFound, ErrConflict, ErrTransient, ErrPermanent, ErrTimeout),
//     tested with errors.Is; no VIM client type is reachable through errors.As.
//   - Calls that change resources return once the VIM reports them ready, or with ErrTimeout.
//
// The engine's sequence is NewHandle (persist the Handle), then Deploy, and later Scale, Heal,
// Operate, Observe, and Delete. Because NewHandle touches nothing, a crash between any two steps
// leaves the engine a Handle to resume or clean up with.
type Driver interface {
	// Capabilities says what the driver can realise.
	Capabilities() Capabilities

	// NewHandle names where the spec's resources will live, without touching the VIM. It is
	// pure: the same spec gives the same Handle. It fails with ErrPermanent when the driver
	// cannot realise the spec (an unsupported source, a VDU kind it lacks).
	NewHandle(spec *Spec) (Handle, error)

	// Deploy creates the VNF's resources or converges them to the spec: workloads, instances
	// per VDU, connection points, storage and placement. A stopped VNF stays stopped: its
	// instances stay at zero (or, where Capabilities.StopKeepsInstances, powered off at their
	// number), and the spec's counts become the ones Operate(Started) restores.
	Deploy(ctx context.Context, h Handle, spec *Spec) error

	// Scale sets the number of VNFC instances of one VDU. ErrNotFound when the VDU has not
	// been deployed.
	Scale(ctx context.Context, h Handle, vduID string, replicas int) error

	// Heal replaces the named VNFC instances (VNFC.ID as Observe reports it) and waits for
	// their replacements. Names that no longer exist count as replaced, so a Heal repeated
	// after a crash succeeds; a name the VIM knows as another VNF's resource is ErrNotFound.
	Heal(ctx context.Context, h Handle, vnfcIDs []string) error

	// Operate stops or starts the VNF. Stopping keeps each VDU's desired count and either
	// powers its instances off, keeping them with their storage and identity (drivers whose
	// Capabilities.StopKeepsInstances), or removes them. Starting powers the kept instances
	// on, and brings each VDU to its desired count. While stopped, Scale changes only the
	// desired count.
	Operate(ctx context.Context, h Handle, state OperationalState) error

	// Delete removes everything of the VNF, including what the driver created for it (such
	// as a namespace), and returns once it is gone. Deleting nothing succeeds.
	Delete(ctx context.Context, h Handle) error

	// Observe reports the VNF's actual state. ErrNotFound when nothing of it exists.
	Observe(ctx context.Context, h Handle) (*State, error)
}

// Capabilities says what a driver can realise, so the engine and the contract suite can
// choose, or skip with a reason.
type Capabilities struct {
	// Containers: container VDUs (Vdu.OsContainerDeployableUnit).
	Containers bool
	// VirtualMachines: Vdu.Compute VDUs as virtual machines.
	VirtualMachines bool
	// ComputeAsContainer: a Vdu.Compute VDU runs as one container of its software image.
	ComputeAsContainer bool
	// HelmCharts: Spec.Artifacts.HelmChart.
	HelmCharts bool
	// Manifests: Spec.Artifacts.Manifests (Kubernetes manifests from the package).
	Manifests bool
	// LiveHeal: Heal replaces instances while the others keep serving.
	LiveHeal bool
	// Zones: VDU.Zones and zone-scoped placement rules are honoured.
	Zones bool
	// Storage: virtual block and file storage.
	Storage bool
	// StopKeepsInstances: Operate(Stopped) powers instances off and keeps them, so a stop
	// loses no disk and a start brings back the same instances (virtual machines). Without
	// it a stop removes them and a start makes new ones (containers).
	StopKeepsInstances bool
}

// HandleVersion is the version of the Handle layout this package writes.
const HandleVersion = 1

// Handle is what the engine persists about one VNF on a VIM, so that another process can
// resume or clean up its work. State is the driver's own, opaque to the engine; Version says
// which layout of State the driver wrote, so a newer driver can read an older Handle.
type Handle struct {
	// Driver names the driver that wrote the Handle ("kubernetes", "openstack").
	Driver string `json:"driver"`
	// Version is the driver's State layout version.
	Version int `json:"version"`
	// VNFInstanceID is the VNF instance the resources belong to.
	VNFInstanceID string `json:"vnfInstanceId"`
	// State is the driver's data, as JSON.
	State json.RawMessage `json:"state,omitempty"`
}

// NewDriverHandle builds a Handle whose State is state marshalled as JSON.
func NewDriverHandle(driver string, version int, vnfInstanceID string, state any) (Handle, error) {
	raw, err := json.Marshal(state)
	if err != nil {
		return Handle{}, fmt.Errorf("marshal %s handle state: %w", driver, err)
	}
	return Handle{Driver: driver, Version: version, VNFInstanceID: vnfInstanceID, State: raw}, nil
}

// DecodeState checks that the Handle was written by driver at a version it reads (1 to max)
// and unmarshals its State into v. A mismatch is ErrPermanent.
func (h Handle) DecodeState(driver string, max int, v any) error {
	if h.Driver != driver {
		return Errorf(ErrPermanent, "decode handle", "handle of driver %q given to driver %q", h.Driver, driver)
	}
	if h.Version < 1 || h.Version > max {
		return Errorf(ErrPermanent, "decode handle", "handle version %d not in 1..%d", h.Version, max)
	}
	if err := json.Unmarshal(h.State, v); err != nil {
		return Errorf(ErrPermanent, "decode handle", "handle state: %v", err)
	}
	return nil
}

// OperationalState is the state Operate drives a VNF to.
type OperationalState string

// Operational states of SOL 003 OperateVnfRequest.changeStateTo.
const (
	Started OperationalState = "STARTED"
	Stopped OperationalState = "STOPPED"
)

// State is a VNF's actual state on the VIM.
type State struct {
	// Namespace (or project) the resources live in.
	Namespace string
	// Stopped reports that Operate(Stopped) is in force.
	Stopped bool
	// VDUs by VDU ID.
	VDUs map[string]VDUState
	// VNFCs are the instances, sorted by VDU then ID.
	VNFCs []VNFC
	// ConnectionPoints by CP ID.
	ConnectionPoints map[string]CPState
	// Storages by storage ID (per-VNFC storage: one entry per instance, ID "storage/vnfc").
	Storages map[string]StorageState
}

// VDUState is what the VIM reports for one VDU.
type VDUState struct {
	// Desired is the number of instances the VNF should run when started.
	Desired int
	// Replicas is the number of instances the VIM is asked to run now (0 when stopped, also
	// when the stopped instances are kept).
	Replicas int
	// Ready is the number of instances that are ready.
	Ready int
	// ResourceID is the VIM's id of the workload (kind/name on Kubernetes).
	ResourceID string
}

// VNFC is one VNFC instance.
type VNFC struct {
	// ID is the VIM-side name of the instance (the pod name on Kubernetes), as Heal takes it.
	ID string
	// VDUID is the VDU it is an instance of.
	VDUID string
	// ResourceID is the VIM's unique id of the resource (the pod UID on Kubernetes).
	ResourceID string
	// ResourceType is the VIM's kind of resource ("Pod", "Server").
	ResourceType string
	// Ready reports that the instance serves.
	Ready bool
	// Phase is the VIM's lifecycle word for it (Pending, Running, ...).
	Phase string
	// Host is the node or hypervisor it runs on; Zone its availability zone.
	Host string
	Zone string
	// Addresses are its IP addresses.
	Addresses []string
	// Images are the images of its containers (or its image).
	Images []string
}

// CPState is what the VIM reports for one connection point.
type CPState struct {
	// ResourceID is the VIM's id (service name, port id).
	ResourceID string
	// Addresses are its virtual addresses (cluster IPs, fixed IPs).
	Addresses []string
}

// StorageState is what the VIM reports for one storage.
type StorageState struct {
	ResourceID string
	// Bound reports that the storage is provisioned and attached.
	Bound     bool
	SizeBytes int64
}
