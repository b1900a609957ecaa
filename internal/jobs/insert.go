package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// ErrNoTx is returned when a call that must join the caller's store
// transaction finds none in its ctx.
var ErrNoTx = errors.New("no store transaction in context")

// InsertTx inserts a job in the store transaction ctx carries, so that it
// becomes visible, and runs, only if that transaction commits. opts may be
// nil. It returns ErrNoTx outside a transaction.
func (r *Runner) InsertTx(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobRow, error) {
	tx, ok := store.SQLTx(ctx)
	if !ok {
		return nil, fmt.Errorf("insert %s job: %w", args.Kind(), ErrNoTx)
	}
	res, err := r.client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("insert %s job: %w", args.Kind(), err)
	}
	return res.Job, nil
}

// Insert inserts a job in a transaction of its own; use InsertTx when the
// job goes with a state change.
func (r *Runner) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobRow, error) {
	var row *rivertype.JobRow
	err := r.db.Tx(ctx, func(ctx context.Context) error {
		var err error
		row, err = r.InsertTx(ctx, args, opts)
		return err
	})
	return row, err
}

// CompleteTx marks job completed in the store transaction ctx carries, so
// that the job's completion and the worker's final state change commit
// together: a crash between them cannot run the job again after the state
// change, nor lose it. Call it from a worker's Work, with a ctx derived
// from the one Work received, inside store.DB.Tx. River supports this on
// both drivers used here (SQLite and PostgreSQL through database/sql).
func CompleteTx[T river.JobArgs](ctx context.Context, job *river.Job[T]) error {
	tx, ok := store.SQLTx(ctx)
	if !ok {
		return fmt.Errorf("complete job %d: %w", job.ID, ErrNoTx)
	}
	// The driver type parameter only constrains the transaction type: River
	// completes through the driver of the client working the job, which it
	// finds in ctx, so this is right for the SQLite driver too.
	if _, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("complete job %d: %w", job.ID, err)
	}
	return nil
}
