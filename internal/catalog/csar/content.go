package csar

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Content is an extracted package directory opened for reading. Every
// access goes through an os.Root, so no name can reach outside the
// directory, whatever it contains.
type Content struct {
	dir  string
	root *os.Root
}

// OpenContent opens a directory that Open extracted earlier, for serving
// its files after a restart.
func OpenContent(dir string) (*Content, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open package content: %w", err)
	}
	return &Content{dir: dir, root: root}, nil
}

// Dir returns the content directory.
func (c *Content) Dir() string { return c.dir }

// FS returns the extracted files as a file system, with slash-separated
// names relative to the package root (e.g. "Definitions/vnfd.yaml").
func (c *Content) FS() fs.FS { return c.root.FS() }

// Open opens a regular file of the package for reading, as for artifact
// download. name is package-relative; a leading "/" is tolerated (URL
// paths), anything else that is not a canonical relative path, or that names
// a directory, is refused with an *fs.PathError wrapping fs.ErrInvalid or
// fs.ErrNotExist. The *os.File is an io.ReadSeeker for range requests.
func (c *Content) Open(name string) (*os.File, error) {
	clean := strings.TrimPrefix(name, "/")
	if !fs.ValidPath(clean) || clean == "." || strings.ContainsAny(clean, "\\\x00") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := c.root.Open(clean)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f, nil
}

// Close releases the directory handle; the files stay on disk.
func (c *Content) Close() error { return c.root.Close() }
