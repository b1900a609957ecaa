package etsischema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// EnvDir names the environment variable that points at the schema
// directory when none is found beside the repository.
const EnvDir = "CADENZA_ETSI_SCHEMAS"

// ErrUnavailable means ETSI ships no usable schema under that name: the
// file is missing, or empty with nothing sound to stand in for it.
var ErrUnavailable = errors.New("no usable ETSI schema")

// Set is a directory of ETSI schemas, laid out as ETSI's conformance tests
// lay them out (SOL00x/<API>-API/<name>.schema.json). Schemas are compiled
// on first use and cached; a Set is safe for concurrent use.
type Set struct {
	fsys fs.FS

	mu    sync.Mutex
	cache map[string]*Schema
}

// Open returns the set of schemas in dir.
func Open(dir string) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open ETSI schemas: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open ETSI schemas: %s is not a directory", dir)
	}
	return OpenFS(os.DirFS(dir)), nil
}

// OpenFS returns the set of schemas in fsys.
func OpenFS(fsys fs.FS) *Set {
	return &Set{fsys: fsys, cache: map[string]*Schema{}}
}

// Locate returns the schema directory: ../shared/etsi/schemas relative to
// the working directory or to the module root above it (where the shared
// reference material sits beside the repository), else the directory named
// by $CADENZA_ETSI_SCHEMAS.
func Locate() (string, error) {
	var tried []string
	rel := filepath.Join("..", "shared", "etsi", "schemas")
	candidates := []string{rel}
	if root, ok := moduleRoot(); ok {
		candidates = append(candidates, filepath.Join(root, rel))
	}
	if env := os.Getenv(EnvDir); env != "" {
		candidates = append(candidates, env)
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
		tried = append(tried, c)
	}
	return "", fmt.Errorf("locate ETSI schemas: none of %s exists (set %s)", strings.Join(tried, ", "), EnvDir)
}

// moduleRoot is the nearest directory at or above the working directory
// that holds a go.mod.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Schema returns the compiled schema called name, a path below the set's
// root with or without the ".schema.json" suffix, for example
// "SOL005/VNFPackageManagement-API/vnfPkgInfo". Case is ignored, as ETSI's
// file names and the spec's resource names disagree on it.
func (s *Set) Schema(name string) (*Schema, error) {
	key := clean(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.cache[key]; ok {
		return sch, nil
	}
	sch, err := s.load(key)
	if err != nil {
		return nil, fmt.Errorf("load schema %s: %w", name, err)
	}
	s.cache[key] = sch
	return sch, nil
}

// Validate checks the JSON document body against the schema called name.
func (s *Set) Validate(name string, body []byte) error {
	sch, err := s.Schema(name)
	if err != nil {
		return err
	}
	return sch.Validate(body)
}

// ValidateValue checks v, marshalled to JSON, against the schema called name.
func (s *Set) ValidateValue(name string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("validate against %s: marshal: %w", name, err)
	}
	return s.Validate(name, body)
}

// clean is the cache key of a schema name: slash separated, without the
// file suffix. Lower-cased, it is the key of the fix table.
func clean(name string) string {
	name = path.Clean(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".schema")
	return strings.TrimPrefix(name, "/")
}
