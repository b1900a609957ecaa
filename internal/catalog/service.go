package catalog

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/mergepatch"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// ErrStateConflict means the package's state forbids the request (SOL: 409).
var ErrStateConflict = errors.New("state conflict")

// Service keeps the catalogue of VNF packages.
type Service struct {
	db       *store.DB
	jobs     *jobs.Runner
	packages *store.Collection[Package]
	sources  *store.Collection[uploadSource]
	usage    *store.Collection[Reference]
	opts     Options
	client   *http.Client
	notifier Notifier
}

// Options configure the catalogue.
type Options struct {
	// Dir is the content store: one directory per package holding the
	// uploaded zip and the extracted files.
	Dir string
	// CSAR sets the limits and the signature policy of package checks.
	CSAR csar.Options
	// FetchTimeout bounds a download for upload_from_uri, headers and body;
	// zero means DefaultFetchTimeout. A download runs as a job, so the job
	// queue's timeout bounds it too.
	FetchTimeout time.Duration
	// FetchRootCAs are the CAs an https server of upload_from_uri must
	// chain to; nil means the system's.
	FetchRootCAs *x509.CertPool
	// HTTPClient fetches packages for upload_from_uri; nil means a client
	// that checks certificates against FetchRootCAs and bounds redirects.
	HTTPClient *http.Client
}

// PackageSchema describes the attributes of a Package that filters may name.
var PackageSchema = query.SchemaOf(Package{}).Column("id", "id", query.KindString)

// NewService returns the catalogue kept in db, with content under opts.Dir,
// and registers its onboarding workers with runner (before runner starts).
func NewService(db *store.DB, runner *jobs.Runner, opts Options) (*Service, error) {
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = DefaultFetchTimeout
	}
	s := &Service{db: db, jobs: runner, opts: opts, client: opts.HTTPClient,
		packages: store.NewCollection[Package](db, store.TableVNFPackages, PackageSchema),
		sources:  store.NewCollection[uploadSource](db, store.TableUploadSources, sourceSchema),
		usage:    store.NewCollection[Reference](db, TableUsage, referenceSchema)}
	if s.client == nil {
		s.client = newFetchClient(opts.FetchRootCAs)
	}
	if err := jobs.AddWorker(runner, &processWorker{s: s}); err != nil {
		return nil, err
	}
	if err := jobs.AddWorker(runner, &fetchWorker{s: s}); err != nil {
		return nil, err
	}
	return s, nil
}

// Packages lists and reads packages; listing runs in the database.
func (s *Service) Packages() *store.Collection[Package] { return s.packages }

// Create records a new, empty package: CREATED, DISABLED and NOT_IN_USE.
func (s *Service) Create(ctx context.Context, userData map[string]any) (store.Item[Package], error) {
	p := Package{
		ID:               uuid.NewString(),
		OnboardingState:  Created,
		OperationalState: Disabled,
		UsageState:       NotInUse,
		UserDefinedData:  userData,
		CreatedAt:        time.Now().UTC(),
	}
	m, err := s.packages.Create(ctx, p.ID, &p)
	if err != nil {
		return store.Item[Package]{}, err
	}
	return store.Item[Package]{Meta: m, Doc: p}, nil
}

// Modification changes a package's operational state and/or merges into its
// user defined data (a nil value removes the key), as SOL 005's PATCH does.
type Modification struct {
	OperationalState *OperationalState
	UserDefinedData  map[string]any
}

// Modify applies mod to package id if its version is ifVersion (0: any).
func (s *Service) Modify(ctx context.Context, id string, ifVersion int64, mod Modification) (store.Item[Package], error) {
	var it store.Item[Package]
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		var err error
		if it, err = s.modify(ctx, id, ifVersion, mod); err != nil || mod.OperationalState == nil {
			return err
		}
		return s.emit(ctx, EventOperationalStateChanged, it.Doc)
	})
	return it, err
}

func (s *Service) modify(ctx context.Context, id string, ifVersion int64, mod Modification) (store.Item[Package], error) {
	return s.packages.Update(ctx, id, ifVersion, func(p *Package) error {
		if st := mod.OperationalState; st != nil {
			if p.OnboardingState != Onboarded {
				return fmt.Errorf("package %s is %s, not ONBOARDED: %w", id, p.OnboardingState, ErrStateConflict)
			}
			if p.OperationalState == *st {
				return fmt.Errorf("package %s is already %s: %w", id, *st, ErrStateConflict)
			}
			p.OperationalState = *st
		}
		p.UserDefinedData = mergepatch.Apply(p.UserDefinedData, mod.UserDefinedData)
		return nil
	})
}

// Delete removes package id and its content; an ENABLED or IN_USE package
// cannot go, nor one whose upload or processing is under way.
func (s *Service) Delete(ctx context.Context, id string) error {
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		var deleted Package
		err := s.packages.Delete(ctx, id, func(it store.Item[Package]) error {
			deleted = it.Doc
			if err := deletable(it.Doc); err != nil {
				return err
			}
			return s.unreferenced(ctx, it.Doc)
		})
		if err != nil || deleted.OnboardingState != Onboarded {
			return err // only onboarded packages were ever announced
		}
		return s.emit(ctx, EventDeleted, deleted)
	})
	if err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(s.opts.Dir, id)); err != nil {
		return fmt.Errorf("package %s: remove content: %w", id, err)
	}
	return nil
}

// unreferenced refuses a package some VNF instance still refers to even
// if its usage state says otherwise (a reference recorded before the
// package was onboarded).
func (s *Service) unreferenced(ctx context.Context, p Package) error {
	if p.VNFDID == "" || p.OnboardingState != Onboarded {
		return nil
	}
	used, err := s.used(ctx, p.VNFDID)
	if err == nil && used {
		err = fmt.Errorf("package %s is in use by VNF instances: %w", p.ID, ErrStateConflict)
	}
	return err
}

func deletable(p Package) error {
	if p.OperationalState == Enabled || p.UsageState == InUse {
		return fmt.Errorf("package %s is %s and %s; disable it and stop its use first: %w",
			p.ID, p.OperationalState, p.UsageState, ErrStateConflict)
	}
	if p.OnboardingState == Uploading || p.OnboardingState == Processing {
		return fmt.Errorf("package %s is %s: %w", p.ID, p.OnboardingState, ErrStateConflict)
	}
	return nil
}

// Onboarded returns package id if it is ONBOARDED, else ErrStateConflict:
// its content may be read only then.
func (s *Service) Onboarded(ctx context.Context, id string) (store.Item[Package], error) {
	it, err := s.packages.Get(ctx, id)
	if err == nil && it.Doc.OnboardingState != Onboarded {
		err = fmt.Errorf("package %s is %s, not ONBOARDED: %w", id, it.Doc.OnboardingState, ErrStateConflict)
	}
	return it, err
}

// ByVNFDID returns the onboarded package whose VNFD has vnfdID.
func (s *Service) ByVNFDID(ctx context.Context, vnfdID string) (store.Item[Package], error) {
	f := query.Filter{
		{Path: []string{"vnfdId"}, Op: query.Eq, Values: []string{vnfdID}},
		{Path: []string{"onboardingState"}, Op: query.Eq, Values: []string{string(Onboarded)}},
	}
	p, err := s.packages.List(ctx, f, 0, 1)
	if err != nil {
		return store.Item[Package]{}, err
	}
	if len(p.Items) == 0 {
		return store.Item[Package]{}, fmt.Errorf("no onboarded package has vnfdId %s: %w", vnfdID, store.ErrNotFound)
	}
	return p.Items[0], nil
}

// ZipPath is the uploaded zip of package id.
func (s *Service) ZipPath(id string) string { return s.zipPath(id) }
