package csar

import (
	"archive/zip"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"slices"
	"sync"
)

// copyBufferSize is the chunk size of extraction: large enough that a
// stored multi-GiB image costs few system calls.
const copyBufferSize = 1 << 20

// buffers recycles copy buffers across packages, so that a server opening
// many small packages does not allocate a fresh MiB for each.
var buffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

func getBuffer() *[copyBufferSize]byte  { return buffers.Get().(*[copyBufferSize]byte) }
func putBuffer(b *[copyBufferSize]byte) { buffers.Put(b) }

// meter enforces the size and ratio limits on the bytes actually inflated,
// whatever the zip headers declare, and honours ctx between chunks.
type meter struct {
	ctx         context.Context
	opts        Options
	packageSize int64
	total       int64
}

// entryReader counts the bytes inflated from one entry.
type entryReader struct {
	r          io.Reader
	m          *meter
	name       string
	compressed int64
	n          int64
}

func (m *meter) reader(zf *zip.File, r io.Reader) *entryReader {
	compressed := int64(min(max(zf.CompressedSize64, 1), uint64(max(m.packageSize, 1))))
	return &entryReader{r: r, m: m, name: zf.Name, compressed: compressed}
}

// Read reads from the entry and fails as soon as a limit is crossed.
func (e *entryReader) Read(p []byte) (int, error) {
	if err := e.m.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := e.r.Read(p)
	e.n += int64(n)
	e.m.total += int64(n)
	if lerr := e.m.check(e); lerr != nil {
		return n, lerr
	}
	return n, err
}

func (m *meter) check(e *entryReader) error {
	ratio := int64(m.opts.MaxCompressionRatio)
	switch {
	case e.n > m.opts.MaxFileSize:
		return newError(KindLimit, e.name, fmt.Sprintf("inflated size exceeds the per-file limit of %d", m.opts.MaxFileSize))
	case m.total > m.opts.MaxTotalSize:
		return newError(KindLimit, e.name, fmt.Sprintf("inflated total size exceeds the limit of %d", m.opts.MaxTotalSize))
	case e.n > ratioFloor && e.n > ratio*e.compressed:
		return newError(KindBomb, e.name, fmt.Sprintf("inflates beyond a compression ratio of %d", ratio))
	case m.total > ratioFloor && m.total > ratio*m.packageSize:
		return newError(KindBomb, e.name, fmt.Sprintf("package inflates beyond a compression ratio of %d", ratio))
	}
	return nil
}

// extracted is what extraction learnt about one file.
type extracted struct {
	size int64
	// sums holds the hex digest in SHA-256 and in every other algorithm
	// asked for.
	sums map[Algorithm]string
}

// sink writes extracted bytes to disk and into the digests, remembering a
// write failure so it is not mistaken for a problem with the package.
type sink struct {
	out    *os.File
	hashes []hash.Hash
	err    error
}

func (s *sink) Write(p []byte) (int, error) {
	n, err := s.out.Write(p)
	if err != nil {
		s.err = err
		return n, err
	}
	for _, h := range s.hashes {
		h.Write(p)
	}
	return n, nil
}

// extractFile inflates one entry into root, computing its SHA-256 and its
// digest in every algorithm of algs, in one pass.
func extractFile(root *os.Root, zf *zip.File, algs []Algorithm, m *meter, buf []byte) (res extracted, err error) {
	name := zf.Name
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o750); err != nil {
			return res, fmt.Errorf("create directory for %s: %w", name, err)
		}
	}
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return res, fmt.Errorf("create %s: %w", name, err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", name, cerr)
		}
	}()
	names := []Algorithm{SHA256}
	for _, a := range algs {
		if !slices.Contains(names, a) {
			names = append(names, a)
		}
	}
	s := &sink{out: out}
	for _, a := range names {
		s.hashes = append(s.hashes, a.new())
	}
	n, err := inflate(zf, s, m, buf)
	if err != nil {
		return res, err
	}
	res = extracted{size: n, sums: make(map[Algorithm]string, len(names))}
	for i, a := range names {
		res.sums[a] = hex.EncodeToString(s.hashes[i].Sum(nil))
	}
	return res, nil
}

// inflate copies the entry's content into s through the meter.
func inflate(zf *zip.File, s *sink, m *meter, buf []byte) (int64, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, wrapError(KindCorrupt, zf.Name, "cannot read entry", err)
	}
	defer rc.Close()
	n, err := io.CopyBuffer(s, m.reader(zf, rc), buf)
	switch {
	case s.err != nil:
		return n, fmt.Errorf("write %s: %w", zf.Name, s.err)
	case err == nil:
		return n, nil
	case KindOf(err) != "", errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return n, err
	}
	return n, wrapError(KindCorrupt, zf.Name, "cannot inflate entry", err)
}

// readSmall reads a small entry (TOSCA.meta, manifest) into memory, bounded
// by limit whatever its header declares.
func readSmall(zf *zip.File, m *meter, limit int64) ([]byte, error) {
	if zf.UncompressedSize64 > uint64(limit) {
		return nil, newError(KindLimit, zf.Name, fmt.Sprintf("larger than %d bytes", limit))
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, wrapError(KindCorrupt, zf.Name, "cannot read entry", err)
	}
	defer rc.Close()
	probe := *m // the bytes are inflated again on extraction: count them apart
	data, err := io.ReadAll(io.LimitReader(probe.reader(zf, rc), limit+1))
	switch {
	case err != nil && KindOf(err) == "" && m.ctx.Err() == nil:
		return nil, wrapError(KindCorrupt, zf.Name, "cannot inflate entry", err)
	case err != nil:
		return nil, err
	case int64(len(data)) > limit:
		return nil, newError(KindLimit, zf.Name, fmt.Sprintf("larger than %d bytes", limit))
	}
	return data, nil
}

// readExtracted reads a small extracted file (certificate, signature) back
// from the content directory.
func readExtracted(root *os.Root, name string) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMetaFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > maxMetaFileSize {
		return nil, newError(KindLimit, name, fmt.Sprintf("larger than %d bytes", maxMetaFileSize))
	}
	return data, nil
}
