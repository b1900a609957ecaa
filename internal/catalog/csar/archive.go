package csar

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// archive is a zip central directory that passed the entry checks: every
// name is canonical and local, every entry is a regular file or directory,
// names are unique (also ignoring case), and declared sizes are in bounds.
type archive struct {
	files  []*zip.File          // regular files, in archive order
	byName map[string]*zip.File // regular files by name
	dirs   map[string]bool      // directories, explicit or implied
}

// openArchive reads the central directory of the zip in r and checks every
// entry before a single byte is inflated.
func openArchive(r io.ReaderAt, size int64, opts Options) (*archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, classifyOpenError(r, err)
	}
	if len(zr.File) > opts.MaxEntries {
		return nil, newError(KindLimit, "", fmt.Sprintf("%d entries exceed the limit of %d", len(zr.File), opts.MaxEntries))
	}
	a := &archive{byName: make(map[string]*zip.File), dirs: make(map[string]bool)}
	c := newEntryChecker(opts, size)
	for _, zf := range zr.File {
		name, isDir, err := c.check(zf)
		if err != nil {
			return nil, err
		}
		if isDir {
			a.dirs[name] = true
			continue
		}
		a.files = append(a.files, zf)
		a.byName[name] = zf
	}
	if err := a.checkConflicts(); err != nil {
		return nil, err
	}
	return a, nil
}

// classifyOpenError tells bytes that are not a zip from a zip that is
// truncated or damaged: a zip starts with a local file header (or, when
// empty, with the end of central directory record).
func classifyOpenError(r io.ReaderAt, err error) error {
	head := make([]byte, 4)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	if bytes.Equal(head, []byte("PK\x03\x04")) || bytes.Equal(head, []byte("PK\x05\x06")) {
		return wrapError(KindCorrupt, "", "zip is truncated or damaged", err)
	}
	return wrapError(KindNotZip, "", "content is not a zip archive", err)
}

// checkConflicts rejects a file whose name is also a directory (explicit or
// implied by a deeper path), comparing names without case.
func (a *archive) checkConflicts() error {
	files := make(map[string]string, len(a.files))
	for name := range a.byName {
		files[foldName(name)] = name
	}
	for _, zf := range a.files {
		for dir := path.Dir(zf.Name); dir != "."; dir = path.Dir(dir) {
			a.dirs[dir] = true
		}
	}
	for dir := range a.dirs {
		if name, ok := files[foldName(dir)]; ok {
			return newError(KindDuplicate, name, "file collides with a directory of the same name")
		}
	}
	return nil
}

// entryChecker validates entries one by one, tracking names and declared
// totals across the archive.
type entryChecker struct {
	opts        Options
	packageSize int64
	seen        map[string]string // folded name -> name
	declared    uint64
}

func newEntryChecker(opts Options, packageSize int64) *entryChecker {
	return &entryChecker{opts: opts, packageSize: packageSize, seen: make(map[string]string)}
}

// check validates one entry and returns its name without a trailing slash.
func (c *entryChecker) check(zf *zip.File) (string, bool, error) {
	name, isDir, err := entryName(zf.Name)
	if err != nil {
		return "", false, err
	}
	isDir = isDir || zf.Mode().IsDir()
	if err := checkEntryType(zf, name, isDir); err != nil {
		return "", false, err
	}
	if isDir {
		return name, true, nil
	}
	if err := c.checkUnique(name); err != nil {
		return "", false, err
	}
	return name, false, c.checkDeclaredSize(zf, name)
}

func (c *entryChecker) checkUnique(name string) error {
	folded := foldName(name)
	prev, ok := c.seen[folded]
	switch {
	case ok && prev == name:
		return newError(KindDuplicate, name, "entry appears more than once")
	case ok:
		return newError(KindDuplicate, name, fmt.Sprintf("entry differs only in case from %q", prev))
	}
	c.seen[folded] = name
	return nil
}

// checkDeclaredSize rejects early what the headers already admit to. The
// same limits are enforced again on the bytes actually inflated, since
// headers may lie.
func (c *entryChecker) checkDeclaredSize(zf *zip.File, name string) error {
	size := zf.UncompressedSize64
	if size > uint64(c.opts.MaxFileSize) {
		return newError(KindLimit, name, fmt.Sprintf("declared size %d exceeds the per-file limit of %d", size, c.opts.MaxFileSize))
	}
	c.declared += size
	if c.declared > uint64(c.opts.MaxTotalSize) {
		return newError(KindLimit, name, fmt.Sprintf("declared total size exceeds the limit of %d", c.opts.MaxTotalSize))
	}
	ratio := uint64(c.opts.MaxCompressionRatio)
	compressed := min(max(zf.CompressedSize64, 1), uint64(max(c.packageSize, 1)))
	if size > uint64(ratioFloor) && size > ratio*compressed {
		return newError(KindBomb, name, fmt.Sprintf("declared compression ratio exceeds %d", ratio))
	}
	return nil
}

// entryName validates a zip entry name: relative, slash-separated,
// canonical (no ".", ".." or empty elements), without backslashes, NUL or
// drive letters.
func entryName(raw string) (string, bool, error) {
	isDir := strings.HasSuffix(raw, "/")
	name := strings.TrimSuffix(raw, "/")
	switch {
	case strings.HasPrefix(raw, "/") || hasDriveLetter(raw):
		return "", false, newError(KindUnsafePath, raw, "absolute path")
	case strings.ContainsAny(raw, "\\\x00"):
		return "", false, newError(KindUnsafePath, raw, "name contains a backslash or NUL byte")
	case name == "" || name == "." || !fs.ValidPath(name):
		return "", false, newError(KindUnsafePath, raw, "path is not a canonical relative path (\"..\", \".\" or empty element)")
	case tooLong(name):
		return "", false, newError(KindUnsafePath, truncate(raw, 80), "name too long for the content store")
	}
	return name, isDir, nil
}

// tooLong reports a name the file system would refuse: longer than
// maxNameLen, or with an element longer than maxElemLen.
func tooLong(name string) bool {
	if len(name) > maxNameLen {
		return true
	}
	for _, elem := range strings.Split(name, "/") {
		if len(elem) > maxElemLen {
			return true
		}
	}
	return false
}

const (
	maxNameLen = 1024
	maxElemLen = 255
)

func hasDriveLetter(name string) bool {
	return len(name) >= 2 && name[1] == ':' &&
		(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z')
}

// checkEntryType accepts regular files and directories stored or deflated
// in the clear.
func checkEntryType(zf *zip.File, name string, isDir bool) error {
	mode := zf.Mode()
	special := fs.ModeDevice | fs.ModeCharDevice | fs.ModeNamedPipe | fs.ModeSocket | fs.ModeIrregular
	switch {
	case mode&fs.ModeSymlink != 0:
		return newError(KindEntryType, name, "symbolic link entries are not allowed")
	case mode&special != 0:
		return newError(KindEntryType, name, "device, pipe or socket entries are not allowed")
	case zf.Flags&0x1 != 0:
		return newError(KindEntryType, name, "encrypted entries are not supported")
	case isDir && zf.UncompressedSize64 != 0:
		return newError(KindEntryType, name, "directory entry has content")
	case zf.Method != zip.Store && zf.Method != zip.Deflate:
		return newError(KindEntryType, name, fmt.Sprintf("compression method %d is not supported", zf.Method))
	}
	return nil
}

// foldName is the key under which names that differ only in case collide.
func foldName(name string) string {
	return strings.ToLower(strings.ToUpper(name))
}
