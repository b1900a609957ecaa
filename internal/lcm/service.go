package lcm

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/cadenza-mano/cadenza/internal/catalog/vnfd"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vim"
)

// Names of the engine's collection tables (created by the store's
// migrations).
const (
	TableInstances = "vnf_instances"
	TableOpOccs    = "vnf_lcm_op_occs"
)

// Granter asks permission for the resources an operation changes. The
// NFVO's grant API implements it for a VNFM beside an NFVO; LocalGranter
// for a standalone VNFM.
type Granter interface {
	// Grant returns the grant for req, or an error that fails the
	// operation (FAILED_TEMP).
	Grant(ctx context.Context, req GrantRequest) (Grant, error)
}

// GrantRequest is what an operation asks to change.
type GrantRequest struct {
	VNFInstanceID         string
	VNFDID                string
	OpOccID               string
	Operation             Operation
	IsAutomaticInvocation bool
	// FlavourID and InstantiationLevelID are those the operation
	// instantiates or changes to, when it does.
	FlavourID            string
	InstantiationLevelID string
	// AddResources, RemoveResources and UpdateResources are the resources
	// the operation creates, deletes or changes, derived from the VNFD
	// and the request (see GrantResources).
	AddResources    []GrantResource
	RemoveResources []GrantResource
	UpdateResources []GrantResource
	// VIMConnections are the VIM connections the instance has or the
	// request names, without credentials: the VIMs the NFVO should
	// prefer.
	VIMConnections map[string]VIMConnectionInfo
}

// Resource types of a GrantResource (SOL 003 ResourceDefinition.type).
const (
	ResourceCompute     = "COMPUTE"
	ResourceStorage     = "STORAGE"
	ResourceVirtualLink = "VL"
	ResourceLinkPort    = "LINKPORT"
)

// GrantResource is one resource an operation adds, removes or changes.
type GrantResource struct {
	// ID is unique within the request.
	ID   string
	Type string
	// VDUID is the VDU of a compute or storage resource.
	VDUID string
	// TemplateID is the VNFD's descriptor of the resource (a VDU, a
	// virtual storage or a virtual link).
	TemplateID string
	// ResourceID and VIMConnectionID locate an existing resource on its
	// VIM (removals and updates).
	ResourceID      string
	VIMConnectionID string
}

// Grant is a granted change: its ID and, when the NFVO decides the VIM,
// the connections to use (with credentials) and the zones resources go
// to.
type Grant struct {
	ID             string
	VIMConnections map[string]VIMConnectionInfo
	// Zones maps the ID of an added resource to the zone it is granted in.
	Zones map[string]string
	// VIMAssets are the NFVO's flavours and images on the granted VIM;
	// nil when it gave none.
	VIMAssets *VIMAssets
}

// VIMAssets are assets the NFVO manages on the VIM for the VNF's
// descriptors (SOL 003 Grant.vimAssets). The VNFM uses them for the
// resources it creates instead of making or finding its own.
type VIMAssets struct {
	// Flavours maps a virtual compute descriptor (a VDU's ID) to the
	// VIM's compute flavour ID.
	Flavours map[string]string `json:"flavours,omitempty"`
	// Images maps a software image descriptor (the ID of the VDU or
	// virtual storage carrying the image) to the VIM's image ID.
	Images map[string]string `json:"images,omitempty"`
}

// Package is a VNF package as the engine uses it: the VNFD and the files.
type Package struct {
	VNFD    *vnfd.VNFD
	Content fs.FS
}

// PackageSource finds the onboarded package of a VNFD.
type PackageSource interface {
	// Package returns the package whose VNFD has vnfdID; ErrPackage
	// (wrapped) when there is none.
	Package(ctx context.Context, vnfdID string) (*Package, error)
}

// DriverFactory returns the driver for a VIM connection. A nil connection
// means the VNFM's default VIM.
type DriverFactory interface {
	Driver(ctx context.Context, conn *vim.Connection) (vim.Driver, error)
}

// DriverFactoryFunc adapts a function to DriverFactory.
type DriverFactoryFunc func(ctx context.Context, conn *vim.Connection) (vim.Driver, error)

// Driver calls f.
func (f DriverFactoryFunc) Driver(ctx context.Context, conn *vim.Connection) (vim.Driver, error) {
	return f(ctx, conn)
}

// Options configure the engine; Granter, Packages and Drivers are required.
type Options struct {
	Granter  Granter
	Packages PackageSource
	Drivers  DriverFactory
	// Logger receives one line per state change; nil means slog.Default().
	Logger *slog.Logger
}

// Service is the lifecycle engine.
type Service struct {
	db        *store.DB
	jobs      *jobs.Runner
	instances *store.Collection[VNFInstance]
	ops       *store.Collection[OpOcc]
	opts      Options
	log       *slog.Logger
	notifier  Notifier
}

// InstanceSchema and OpOccSchema describe the attributes filters may name.
var (
	InstanceSchema = query.SchemaOf(VNFInstance{}).Column("id", "id", query.KindString)
	OpOccSchema    = query.SchemaOf(OpOcc{}).Column("id", "id", query.KindString)
)

// NewService returns the engine over db and registers its worker with
// runner (before runner starts).
func NewService(db *store.DB, runner *jobs.Runner, opts Options) (*Service, error) {
	s := &Service{db: db, jobs: runner, opts: opts, log: opts.Logger,
		instances: store.NewCollection[VNFInstance](db, TableInstances, InstanceSchema),
		ops:       store.NewCollection[OpOcc](db, TableOpOccs, OpOccSchema)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := jobs.AddWorker(runner, &opWorker{s: s}); err != nil {
		return nil, err
	}
	return s, nil
}

// Instances lists and reads VNF instances.
func (s *Service) Instances() *store.Collection[VNFInstance] { return s.instances }

// OpOccs lists and reads operation occurrences.
func (s *Service) OpOccs() *store.Collection[OpOcc] { return s.ops }
