package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// Package sources the checks onboard, relative to the repository root.
const (
	// vmSource is a VM VNF whose VNFD spans four files, with software
	// images and an additional artifact.
	vmSource = "internal/catalog/vnfd/testdata/sample_vnf"
	// manifestsSource is a CNF whose VNFD is a single file.
	manifestsSource = "testdata/packages/cnf-manifests"
	// helmSource is a CNF shipping a Helm chart.
	helmSource = "testdata/packages/cnf-helm"
)

// builtPkg is a VNF package the run built, and what it holds.
type builtPkg struct {
	vnfdID string
	zip    []byte
	// files are the package's files as zipped, manifest included.
	files map[string][]byte
}

// descriptorID finds a VNFD's descriptor_id value.
var descriptorID = regexp.MustCompile(`descriptor_id:\s*['"]?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})`)

// buildPackage builds the package source src (relative to root) with a
// fresh vnfdId, so that a run never collides with a package an earlier,
// interrupted run left onboarded: the NFVO onboards a vnfdId only once.
// opts may break the package further.
func buildPackage(root, src string, opts csartest.Options) (builtPkg, error) {
	b := builtPkg{vnfdID: uuid.NewString()}
	var errs []error
	mutate := opts.Mutate
	opts.Mutate = func(files map[string][]byte) {
		errs = append(errs, renameVNFD(files, b.vnfdID))
		if mutate != nil {
			mutate(files)
		}
	}
	after := opts.AfterManifest
	opts.AfterManifest = func(files map[string][]byte) {
		if after != nil {
			after(files)
		}
		b.files = maps.Clone(files)
	}
	zip, err := csartest.Build(filepath.Join(root, src), opts)
	if err != nil {
		return builtPkg{}, fmt.Errorf("build package %s: %w", src, err)
	}
	if err := errors.Join(errs...); err != nil {
		return builtPkg{}, fmt.Errorf("build package %s: %w", src, err)
	}
	b.zip = zip
	return b, nil
}

// renameVNFD replaces every descriptor_id of the VNFD's YAML files, and
// every other mention of it (a node type's valid_values), by id.
func renameVNFD(files map[string][]byte, id string) error {
	old := map[string]bool{}
	for name, data := range files {
		if !isYAML(name) {
			continue
		}
		for _, m := range descriptorID.FindAllSubmatch(data, -1) {
			old[string(m[1])] = true
		}
	}
	if len(old) == 0 {
		return errors.New("no descriptor_id in the VNFD")
	}
	for name, data := range files {
		if !isYAML(name) {
			continue
		}
		text := string(data)
		for o := range old {
			text = strings.ReplaceAll(text, o, id)
		}
		files[name] = []byte(text)
	}
	return nil
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// vnfdFiles are the package's descriptor files: the YAML under
// Definitions/.
func (b builtPkg) vnfdFiles() []string {
	var out []string
	for name := range b.files {
		if strings.HasPrefix(name, "Definitions/") && isYAML(name) {
			out = append(out, name)
		}
	}
	return out
}

// findSourceRoot returns the repository root holding the package
// sources: dir if given, else the working directory or the nearest
// directory above it that holds them.
func findSourceRoot(dir string) (string, error) {
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, manifestsSource)); err != nil {
			return "", fmt.Errorf("no package sources under %s: %w", dir, err)
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, manifestsSource)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no %s in %s or above it", manifestsSource, wd)
		}
	}
}
