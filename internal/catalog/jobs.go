package catalog

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/cadenza-mano/cadenza/internal/jobs"
)

// ProcessArgs is the job that onboards an uploaded package.
type ProcessArgs struct {
	PackageID string `json:"package_id"`
}

// Kind names the job kind in the queue.
func (ProcessArgs) Kind() string { return "catalog.process_package" }

type processWorker struct {
	river.WorkerDefaults[ProcessArgs]
	s *Service
}

// Work onboards the package and completes the job with the final state.
func (w *processWorker) Work(ctx context.Context, job *river.Job[ProcessArgs]) error {
	return w.s.Process(ctx, job.Args.PackageID, func(ctx context.Context) error {
		return jobs.CompleteTx(ctx, job)
	})
}

// FetchArgs is the job that downloads a package for upload_from_uri.
type FetchArgs struct {
	PackageID string `json:"package_id"`
}

// Kind names the job kind in the queue.
func (FetchArgs) Kind() string { return "catalog.fetch_package" }

// InsertOpts bounds the tries of a download: see fetchMaxAttempts.
func (FetchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: fetchMaxAttempts}
}

type fetchWorker struct {
	river.WorkerDefaults[FetchArgs]
	s *Service
}

// Work downloads the package, then hands it to processing.
func (w *fetchWorker) Work(ctx context.Context, job *river.Job[FetchArgs]) error {
	return w.s.fetch(ctx, job.Args.PackageID, job.Attempt >= job.MaxAttempts)
}
