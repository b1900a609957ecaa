package csar

import (
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Warning is a non-fatal finding about a package, such as a file the
// manifest does not list.
type Warning struct {
	Entry  string
	Detail string
}

// String returns the warning as one readable line.
func (w Warning) String() string {
	if w.Entry == "" {
		return w.Detail
	}
	return fmt.Sprintf("%q: %s", w.Entry, w.Detail)
}

// layout is where a package keeps its definitions, manifest and
// certificate, found from TOSCA.meta or, without it, from the root YAML.
type layout struct {
	meta        *Meta
	entry       string
	other       []string
	manifest    string // "" when absent and optional
	certificate string // "" when absent
	warnings    []Warning
}

// detectLayout finds the SOL 004 structure of the archive.
func detectLayout(a *archive, m *meter, opts Options) (*layout, error) {
	if zf, ok := a.byName[MetaPath]; ok {
		data, err := readSmall(zf, m, maxMetaFileSize)
		if err != nil {
			return nil, err
		}
		meta, err := parseMeta(data)
		if err != nil {
			return nil, err
		}
		return metaLayout(a, meta, opts)
	}
	return rootLayout(a, opts)
}

// metaLayout resolves and checks every path TOSCA.meta names.
func metaLayout(a *archive, meta *Meta, opts Options) (*layout, error) {
	l := &layout{meta: meta}
	var err error
	if l.entry, err = a.ref(KeyEntryDefinitions, meta.EntryDefinitions, false); err != nil {
		return nil, err
	}
	if err := l.findManifest(a, opts); err != nil {
		return nil, err
	}
	for _, key := range []string{KeyEntryChangeLog, KeyEntryLicenses} {
		if v := meta.Keys[key]; v != "" {
			if _, err := a.ref(key, v, key == KeyEntryLicenses); err != nil {
				return nil, err
			}
		}
	}
	if l.certificate, err = a.optionalRef(KeyEntryCertificate, meta.EntryCertificate); err != nil {
		return nil, err
	}
	if l.certificate == "" && l.manifest != "" {
		l.certificate = a.sibling(l.manifest, ".cert")
	}
	for _, o := range meta.OtherDefinitions {
		clean, err := a.ref(KeyOtherDefinitions, o, false)
		if err != nil {
			return nil, err
		}
		l.other = append(l.other, clean)
	}
	return l, nil
}

// findManifest takes ETSI-Entry-Manifest, or else the only .mf at the root.
func (l *layout) findManifest(a *archive, opts Options) error {
	var err error
	if l.manifest, err = a.optionalRef(KeyEntryManifest, l.meta.EntryManifest); err != nil || l.manifest != "" {
		return err
	}
	roots := a.rootFiles(".mf")
	switch {
	case len(roots) == 1:
		l.manifest = roots[0]
		l.warnings = append(l.warnings, Warning{Entry: MetaPath, Detail: fmt.Sprintf("names no %s; using %q", KeyEntryManifest, roots[0])})
	case opts.ManifestOptional:
		l.warnings = append(l.warnings, Warning{Entry: MetaPath, Detail: "package has no manifest"})
	default:
		return newError(KindStructure, MetaPath, fmt.Sprintf("names no %s and the root holds %d .mf files", KeyEntryManifest, len(roots)))
	}
	return nil
}

// rootLayout handles a package without TOSCA-Metadata: one YAML file at the
// root is the entry definitions, its same-named .mf the manifest and its
// same-named .cert the certificate.
func rootLayout(a *archive, opts Options) (*layout, error) {
	yamls := append(a.rootFiles(".yaml"), a.rootFiles(".yml")...)
	switch len(yamls) {
	case 0:
		return nil, newError(KindStructure, "", "no "+MetaPath+" and no YAML file at the root")
	case 1:
	default:
		sort.Strings(yamls)
		return nil, newError(KindStructure, "", "no "+MetaPath+" and several YAML files at the root: "+strings.Join(yamls, ", "))
	}
	l := &layout{entry: yamls[0], manifest: a.sibling(yamls[0], ".mf")}
	if l.manifest == "" && !opts.ManifestOptional {
		return nil, newError(KindStructure, yamls[0], "no same-named .mf manifest beside the entry definitions")
	}
	l.certificate = a.sibling(yamls[0], ".cert")
	return l, nil
}

// ref validates a path named by TOSCA.meta key and checks it is in the
// package (as a file, or also as a directory when dirOK).
func (a *archive) ref(key, value string, dirOK bool) (string, error) {
	clean, err := refPath(value)
	if err != nil {
		return "", wrapError(KindUnsafePath, MetaPath, fmt.Sprintf("%s %q", key, truncate(value, 80)), err)
	}
	if a.byName[clean] == nil && !(dirOK && a.dirs[clean]) {
		return "", newError(KindStructure, MetaPath, fmt.Sprintf("%s names %q, which is not in the package", key, clean))
	}
	return clean, nil
}

func (a *archive) optionalRef(key, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	return a.ref(key, value, false)
}

// rootFiles lists the files at the root whose extension is ext, ignoring
// case.
func (a *archive) rootFiles(ext string) []string {
	var out []string
	for _, zf := range a.files {
		if !strings.Contains(zf.Name, "/") && strings.EqualFold(path.Ext(zf.Name), ext) {
			out = append(out, zf.Name)
		}
	}
	return out
}

// sibling returns the file beside name with its extension replaced by ext,
// or "" when the package has none.
func (a *archive) sibling(name, ext string) string {
	s := strings.TrimSuffix(name, path.Ext(name)) + ext
	if a.byName[s] == nil {
		return ""
	}
	return s
}

// templateMetadata reads the metadata section of the extracted entry
// definitions YAML; without TOSCA-Metadata it carries the package facts
// (template_name, template_author, template_version...).
func templateMetadata(root *os.Root, name string) (map[string]string, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	var doc struct {
		Metadata map[string]any `yaml:"metadata"`
	}
	dec := yaml.NewDecoder(io.LimitReader(f, maxMetaFileSize))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, wrapError(KindManifest, name, "cannot read the metadata section", err)
	}
	out := make(map[string]string, len(doc.Metadata))
	for k, v := range doc.Metadata {
		out[k] = fmt.Sprint(v)
	}
	return out, nil
}
