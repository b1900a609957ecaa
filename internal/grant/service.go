package grant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
)

// Names of the collections (created by the store's migrations).
const (
	TableGrants = "grants"
	TableUsage  = "grant_usage"
)

// Options tune the decisions.
type Options struct {
	// DeferAbove defers requests adding more than this many resources to
	// a job that decides them later (the 202 path); 0 decides every
	// request at once.
	DeferAbove int
	// Logger receives one line per decision; nil means slog.Default().
	Logger *slog.Logger
}

// Service decides, keeps and reads grants.
type Service struct {
	db     *store.DB
	grants *store.Collection[Grant]
	usage  *store.Collection[Usage]
	reg    *vimreg.Registry
	jobs   *jobs.Runner
	opts   Options
	log    *slog.Logger
}

// New returns the grant service over db and reg and registers its worker
// with runner (before runner starts).
func New(db *store.DB, runner *jobs.Runner, reg *vimreg.Registry, opts Options) (*Service, error) {
	s := &Service{db: db, reg: reg, jobs: runner, opts: opts, log: opts.Logger,
		grants: store.NewCollection[Grant](db, TableGrants, query.SchemaOf(Grant{}).Column("id", "id", query.KindString)),
		usage:  store.NewCollection[Usage](db, TableUsage, query.SchemaOf(Usage{}).Column("id", "id", query.KindString))}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := jobs.AddWorker(runner, &decideWorker{s: s}); err != nil {
		return nil, err
	}
	return s, nil
}

// namespace derives grant ids from operation occurrences.
var namespace = uuid.MustParse("0b7f3c1e-9d4a-5e62-8c1f-2a3b4c5d6e7f")

// idFor is the grant id of a request: one grant per operation occurrence
// and operation, so a VNFM that repeats a request (a lost response, a
// retried operation) gets the grant it has, not a second share of quota.
func idFor(req *Request) string {
	return uuid.NewSHA1(namespace, []byte(req.VNFLcmOpOccID+"/"+req.Operation)).String()
}

// Request decides req, or defers it. It returns the grant (PROCESSING
// when deferred), ErrInvalid (wrapped) for a request that cannot be
// decided, or a *RejectedError.
func (s *Service) Request(ctx context.Context, req Request) (Grant, error) {
	if err := req.Validate(); err != nil {
		return Grant{}, err
	}
	id := idFor(&req)
	if g, err := s.grants.Get(ctx, id); err == nil && g.Doc.State != Rejected {
		return g.Doc, nil
	}
	g := Grant{ID: id, State: Processing, Created: time.Now().UTC(), Request: req}
	if s.deferred(&req) {
		return g, s.db.Tx(ctx, func(ctx context.Context) error {
			if err := s.replace(ctx, &g); err != nil {
				return err
			}
			_, err := s.jobs.InsertTx(ctx, DecideArgs{GrantID: id}, nil)
			return err
		})
	}
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		if err := s.decide(ctx, &g); err != nil {
			return err
		}
		return s.replace(ctx, &g)
	})
	s.logDecision(ctx, g, err)
	return g, err
}

func (s *Service) deferred(req *Request) bool {
	return s.opts.DeferAbove > 0 && len(req.AddResources)+len(req.TempResources) > s.opts.DeferAbove
}

// replace stores g, in place of a rejected grant of the same request.
func (s *Service) replace(ctx context.Context, g *Grant) error {
	err := s.grants.Delete(ctx, g.ID, nil)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err = s.grants.Create(ctx, g.ID, g)
	return err
}

// Get returns grant id; store.ErrNotFound (wrapped) when there is none.
func (s *Service) Get(ctx context.Context, id string) (Grant, error) {
	it, err := s.grants.Get(ctx, id)
	return it.Doc, err
}

// Connection returns the VIM of a granted grant and its credentials, to
// send to the VNFM that asked. Callers must not log the credentials.
func (s *Service) Connection(ctx context.Context, g Grant) (vimreg.VIM, error) {
	v, err := s.reg.Get(ctx, g.VIMID)
	if err != nil {
		return v, fmt.Errorf("granted vim %s: %w", g.VIMID, err)
	}
	v.AccessInfo, err = s.reg.AccessInfo(ctx, g.VIMID)
	return v, err
}

// decide chooses the VIM, places the resources and charges the VIM's
// quota, in the caller's transaction. A rejection leaves no trace.
func (s *Service) decide(ctx context.Context, g *Grant) error {
	v, connID, err := s.chooseVIM(ctx, &g.Request)
	if err != nil {
		return err
	}
	g.VIMID, g.ConnectionID = v.ID, connID
	if err := place(g, v); err != nil {
		return err
	}
	if err := s.charge(ctx, v, &g.Request); err != nil {
		return err
	}
	g.State = Granted
	return nil
}

// chooseVIM returns the registered VIM the request prefers, else the
// default, and the connection id it goes under.
func (s *Service) chooseVIM(ctx context.Context, req *Request) (vimreg.VIM, string, error) {
	found := map[string]vimreg.VIM{}
	connID, vimID := preferredVIM(req, func(id string) bool {
		v, err := s.reg.Get(ctx, id)
		if err == nil {
			found[id] = v
		}
		return err == nil
	})
	if vimID != "" {
		return found[vimID], connID, nil
	}
	v, err := s.reg.Default(ctx)
	if errors.Is(err, vimreg.ErrNoDefault) {
		return v, "", rejectf("no VIM for the operation: the request names no VIM the NFVO knows and no default VIM is registered")
	}
	return v, v.ID, err
}

// charge adds the request's resources to the VIM's usage, or rejects
// them when they would exceed its quota.
func (s *Service) charge(ctx context.Context, v vimreg.VIM, req *Request) error {
	_, err := s.usage.Update(ctx, v.ID, 0, func(u *Usage) error {
		after := u.apply(req)
		if err := checkQuota(v, *u, after); err != nil {
			return err
		}
		*u = after
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		u := Usage{}.apply(req)
		if err := checkQuota(v, Usage{}, u); err != nil {
			return err
		}
		_, err = s.usage.Create(ctx, v.ID, &u)
	}
	return err
}

// logDecision logs one line per decision; never credentials.
func (s *Service) logDecision(ctx context.Context, g Grant, err error) {
	attrs := []any{"grant", g.ID, "operation", g.Request.Operation, "vnfInstance", g.Request.VNFInstanceID,
		"opOcc", g.Request.VNFLcmOpOccID, "add", len(g.Request.AddResources), "remove", len(g.Request.RemoveResources)}
	var rej *RejectedError
	switch {
	case errors.As(err, &rej):
		s.log.InfoContext(ctx, "grant rejected", append(attrs, "reason", rej.Reason)...)
	case err != nil:
		s.log.WarnContext(ctx, "grant failed", append(attrs, "err", err)...)
	default:
		s.log.InfoContext(ctx, "granted", append(attrs, "vim", g.VIMID, "state", g.State)...)
	}
}

// DecideArgs is the job that decides a deferred grant.
type DecideArgs struct {
	GrantID string `json:"grant_id"`
}

// Kind names the job kind in the queue.
func (DecideArgs) Kind() string { return "grant.decide" }

type decideWorker struct {
	river.WorkerDefaults[DecideArgs]
	s *Service
}

// Work decides the grant and records the decision, the VIM's usage and
// the job's completion in one transaction.
func (w *decideWorker) Work(ctx context.Context, job *river.Job[DecideArgs]) error {
	s := w.s
	var g Grant
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		it, err := s.grants.Get(ctx, job.Args.GrantID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && it.Doc.State != Processing) {
			return jobs.CompleteTx(ctx, job)
		}
		if err != nil {
			return err
		}
		g = it.Doc
		derr := s.decide(ctx, &g)
		var rej *RejectedError
		if errors.As(derr, &rej) {
			// decide charged nothing; record the refusal only.
			g = it.Doc
			g.State, g.Reason = Rejected, rej.Reason
		} else if derr != nil {
			return derr
		}
		if _, err := s.grants.Update(ctx, g.ID, it.Version, func(d *Grant) error { *d = g; return nil }); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, job)
	})
	if g.ID != "" && err == nil {
		var rerr error
		if g.State == Rejected {
			rerr = &RejectedError{Reason: g.Reason}
		}
		s.logDecision(ctx, g, rerr)
	}
	return err
}
