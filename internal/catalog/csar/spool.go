package csar

import (
	"context"
	"fmt"
	"io"
	"os"
)

// Spool copies an upload (an HTTP request body, a download from a URI) into
// a new file at path, stopping as soon as it exceeds limit bytes so an
// oversized package never fills the disk. It returns the number of bytes
// written. On failure the partial file is removed; exceeding the limit is a
// *Error of KindLimit.
func Spool(ctx context.Context, r io.Reader, path string, limit int64) (n int64, err error) {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return 0, fmt.Errorf("create package file: %w", err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close package file: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	bp := getBuffer()
	defer putBuffer(bp)
	n, err = io.CopyBuffer(out, io.LimitReader(ctxReader{ctx, r}, limit+1), bp[:])
	switch {
	case err != nil:
		return n, fmt.Errorf("receive package: %w", err)
	case n > limit:
		return n, newError(KindLimit, "", fmt.Sprintf("package exceeds the size limit of %d bytes", limit))
	}
	return n, nil
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
