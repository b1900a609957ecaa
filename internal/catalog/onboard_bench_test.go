package catalog

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
	"github.com/cadenza-mano/cadenza/internal/jobs"
	"github.com/cadenza-mano/cadenza/internal/store"
)

const benchSource = "../../testdata/packages/cnf-manifests"

// newBenchService is a catalogue on SQLite whose jobs are never worked:
// the benchmarks call Process themselves, to measure onboarding alone.
func newBenchService(b *testing.B) *Service {
	b.Helper()
	db, err := store.Open(context.Background(), "sqlite://"+filepath.Join(b.TempDir(), "b.db"), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	runner, err := jobs.New(context.Background(), db, jobs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewService(db, runner, Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// onboardOnce uploads data to a new package and processes it to the end.
func onboardOnce(b *testing.B, s *Service, data []byte) {
	ctx := context.Background()
	it, err := s.Create(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Upload(ctx, it.ID, bytes.NewReader(data)); err != nil {
		b.Fatal(err)
	}
	if err := s.Process(ctx, it.ID, nil); err != nil {
		b.Fatal(err)
	}
	p, err := s.packages.Get(ctx, it.ID)
	if err != nil || p.Doc.OnboardingState != Onboarded {
		b.Fatalf("not onboarded: %+v %v", p.Doc, err)
	}
	// Free the vnfdId for the next round.
	_, _ = s.packages.Update(ctx, it.ID, 0, func(p *Package) error { p.VNFDID = p.ID; return nil })
}

// BenchmarkOnboard_Small is the whole onboarding of a small CNF package:
// upload to disk, zip checks, manifest hashes, VNFD load and the record.
func BenchmarkOnboard_Small(b *testing.B) {
	data, err := csartest.Build(benchSource, csartest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := newBenchService(b)
	b.ReportAllocs()
	var durations []time.Duration
	for b.Loop() {
		start := time.Now()
		onboardOnce(b, s, data)
		durations = append(durations, time.Since(start))
	}
	b.ReportMetric(float64(p50(durations).Microseconds()), "p50-µs")
}

// BenchmarkOnboard_200MB onboards a package with a 200 MB incompressible
// image, and hashes the same bytes with SHA-256 alone, so the MB/s of the
// two can be compared.
func BenchmarkOnboard_200MB(b *testing.B) {
	image := make([]byte, 200<<20)
	_, _ = rand.Read(image)
	data, err := csartest.Build(benchSource, csartest.Options{Mutate: func(f map[string][]byte) {
		f["Files/images/big.img"] = image
	}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("onboard", func(b *testing.B) {
		s := newBenchService(b)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			onboardOnce(b, s, data)
		}
	})
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			sha256.Sum256(data)
		}
	})
}

func p50(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
