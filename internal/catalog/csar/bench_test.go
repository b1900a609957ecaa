package csar_test

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
)

// BenchmarkOpenSmall opens and verifies a small VM VNF package (64 KiB
// image, TOSCA.meta, manifest) and reports the median time per open.
func BenchmarkOpenSmall(b *testing.B) {
	zipPath := vmPackage(b).write(b)
	base := b.TempDir()
	var times []time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		dir := filepath.Join(base, fmt.Sprint(i))
		start := time.Now()
		p, err := csar.Open(b.Context(), zipPath, dir, csar.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
		times = append(times, time.Since(start))
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns/op")
}

const largeImageSize = 200 << 20

// BenchmarkOpenLarge opens and verifies a 200 MB package whose image
// artifact is incompressible; MB/s is over the zip size.
func BenchmarkOpenLarge(b *testing.B) {
	zipPath, size := largePackage(b)
	base := b.TempDir()
	b.SetBytes(size)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		dir := filepath.Join(base, fmt.Sprint(i))
		p, err := csar.Open(b.Context(), zipPath, dir, csar.Options{Strict: true})
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
}

// BenchmarkSHA256Large digests the same 200 MB file with plain SHA-256, the
// floor Open's throughput is measured against.
func BenchmarkSHA256Large(b *testing.B) {
	zipPath, size := largePackage(b)
	buf := make([]byte, 1<<20)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(zipPath)
		if err != nil {
			b.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.CopyBuffer(h, f, buf); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// largePackage streams a package with a 200 MB pseudo-random image into
// b.TempDir, never holding the image in memory, and returns its path and
// size.
func largePackage(b *testing.B) (string, int64) {
	b.Helper()
	zipPath := filepath.Join(b.TempDir(), "large.zip")
	out, err := os.Create(zipPath)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	small := &pkgBuilder{}
	small.add("TOSCA-Metadata/TOSCA.meta", []byte("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: bench\nEntry-Definitions: Definitions/vnfd.yaml\nETSI-Entry-Manifest: vnf.mf\n"))
	small.add("Definitions/vnfd.yaml", []byte(vnfdTop))
	for _, f := range small.files {
		w, _ := zw.Create(f.name)
		w.Write(f.data)
	}
	imageSum := writeImage(b, zw)
	small.files = append(small.files[1:], zfile{name: imagePath, sha256: imageSum})
	w, _ := zw.Create("vnf.mf")
	w.Write(small.manifestText("vnf.mf", nil, nil))
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	info, err := out.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return zipPath, info.Size()
}

// writeImage stores largeImageSize pseudo-random bytes and returns their
// SHA-256.
func writeImage(b *testing.B, zw *zip.Writer) string {
	b.Helper()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: imagePath, Method: zip.Store})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{1})
	h := sha256.New()
	chunk := make([]byte, 1<<20)
	for range largeImageSize / len(chunk) {
		rng.Read(chunk)
		h.Write(chunk)
		if _, err := w.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
