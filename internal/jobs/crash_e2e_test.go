//go:build e2e

package jobs_test

import "testing"

// TestCrashedLeaderJobRunsAgainToCompletion kills the runner that leads
// maintenance, as when the only replica dies: the new runner must wait out
// the dead one's lease (about 15 s) before it can rescue the job.
func TestCrashedLeaderJobRunsAgainToCompletion(t *testing.T) {
	testCrashedJob(t, true)
}
