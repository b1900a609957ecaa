package tosca

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Options tune a load.
type Options struct {
	// Inputs are values for the topology inputs, by name; they are checked
	// against the input definitions and used by get_input.
	Inputs map[string]any
	// Limits bound the cost of the load; zero fields take defaults.
	Limits Limits
	// CheckArtifactFiles makes artifact files and operation
	// implementations that name files (not URLs, not artifacts in a
	// repository) errors unless they are in the package, as SOL 004
	// requires of a CSAR.
	CheckArtifactFiles bool
}

// supportedVersions are the tosca_definitions_version values understood.
var supportedVersions = map[string]bool{
	"tosca_simple_yaml_1_0": true, "tosca_simple_yaml_1_1": true,
	"tosca_simple_yaml_1_2": true, "tosca_simple_yaml_1_3": true,
}

var topKeys = []string{
	"tosca_definitions_version", "namespace", "metadata", "description", "dsl_definitions",
	"repositories", "imports", "artifact_types", "data_types", "capability_types",
	"interface_types", "relationship_types", "node_types", "group_types", "policy_types",
	"topology_template", "template_name", "template_author", "template_version",
}

// file is one parsed definitions file.
type file struct {
	path    string
	root    *Value
	version string
	imports []Import
	types   []*Type
	// imported lists the files this one imports, for namespace prefixes.
	imported []*file
}

// loader holds the state of one Load.
type loader struct {
	ctx    context.Context
	fsys   fs.FS
	lim    Limits
	d      *diag
	p      *parser
	budget budget
	total  int64
	reg    *registry
	files  map[string]*file
	order  []*file
	stack  []string
	repos  map[string]*Repository
	// sol001 records the SOL 001 profile families imported ("v2", "v4").
	sol001 map[string]Pos
	// builtin marks types of the profile being built.
	builtin bool
	// checkFiles is Options.CheckArtifactFiles.
	checkFiles bool
	// prefixes and builtinPrefixes record imports with namespace_prefix.
	prefixes        []prefixed
	builtinPrefixes []string
}

func newLoader(ctx context.Context, fsys fs.FS, lim Limits) *loader {
	d := &diag{}
	lim = lim.withDefaults()
	return &loader{
		ctx: ctx, fsys: fsys, lim: lim, d: d, p: &parser{d: d},
		budget: budget{nodes: lim.MaxNodes, aliasNodes: lim.MaxAliasNodes}, reg: newRegistry(nil),
		files: map[string]*file{}, repos: map[string]*Repository{},
		sol001: map[string]Pos{},
	}
}

// Load reads the service template at entry from fsys (the contents of a
// CSAR), follows its imports, builds the type system and validates every
// template. The error joins every problem found (see Errors); the template
// is returned only when there is none.
func Load(ctx context.Context, fsys fs.FS, entry string, opts Options) (*ServiceTemplate, error) {
	profiles, err := builtinProfiles()
	if err != nil {
		return nil, fmt.Errorf("load built-in types: %w", err)
	}
	l := newLoader(ctx, fsys, opts.Limits)
	l.checkFiles = opts.CheckArtifactFiles
	entry = strings.TrimPrefix(entry, "/")
	if !fs.ValidPath(entry) {
		return nil, fmt.Errorf("load %s: not a valid path in the package", entry)
	}
	top := l.loadFile(entry, Pos{File: entry}, "")
	if err := l.ctx.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", entry, err)
	}
	if top == nil || l.d.failed() {
		return nil, l.d.err()
	}
	l.reg.base = profiles.tosca
	if fam := l.sol001Family(); fam != "" {
		l.reg.base = profiles.sol001For(fam)
	}
	if l.d.failed() {
		return nil, l.d.err()
	}
	l.applyPrefixes(profiles)
	l.resolveTypes()
	st := l.buildTemplate(top, opts.Inputs)
	if l.d.failed() {
		return nil, l.d.err()
	}
	return st, nil
}

// loadFile reads, parses and registers one file and, depth first, its
// imports. It returns nil when the file could not be read.
func (l *loader) loadFile(name string, from Pos, path string) *file {
	for i, s := range l.stack {
		if s == name {
			cycle := append(append([]string{}, l.stack[i:]...), name)
			l.d.add(CodeImportCycle, from, path, "import cycle: %s", strings.Join(cycle, " -> "))
			return nil
		}
	}
	if f, ok := l.files[name]; ok {
		return f
	}
	if l.ctx.Err() != nil {
		return nil
	}
	if len(l.files) >= l.lim.MaxFiles {
		l.d.add(CodeLimit, from, path, "more than %d definitions files", l.lim.MaxFiles)
		return nil
	}
	root, ok := l.parseFile(name, from, path)
	if !ok {
		return nil
	}
	f := &file{path: name, root: root}
	l.files[name] = f
	l.order = append(l.order, f)
	l.stack = append(l.stack, name)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()
	l.readHeader(f)
	l.followImports(f)
	l.defineTypes(f)
	return f
}

func (l *loader) parseFile(name string, from Pos, path string) (*Value, bool) {
	data, err := l.readFile(name)
	if err != nil {
		var le *limitError
		code := CodeImport
		if errors.As(err, &le) {
			code = CodeLimit
		}
		l.d.add(code, from, path, "%v", err)
		return nil, false
	}
	root, err := parseYAML(name, data, &l.budget, l.lim.MaxDepth)
	if err != nil {
		var ye *yamlError
		switch {
		case errors.As(err, &ye) && ye.limit:
			l.d.add(CodeLimit, ye.pos, "", "%s", ye.msg)
		case errors.As(err, &ye):
			l.d.add(CodeSyntax, ye.pos, "", "%s", ye.msg)
		default:
			l.d.add(CodeSyntax, Pos{File: name, Line: yamlErrorLine(err)}, "", "%v", err)
		}
		return nil, false
	}
	if root.Kind != KindMap {
		l.d.add(CodeSyntax, root.Pos, "", "a definitions file must be a map")
		return nil, false
	}
	return root, true
}

// readHeader checks the version and reads imports and repositories.
func (l *loader) readHeader(f *file) {
	l.p.checkKeys(f.root, "", topKeys...)
	v := f.root.Get("tosca_definitions_version")
	f.version = l.p.str(v, "tosca_definitions_version")
	switch {
	case v == nil:
		l.d.add(CodeVersion, f.root.Pos, "tosca_definitions_version", "missing")
	case !supportedVersions[f.version]:
		l.d.add(CodeVersion, v.Pos, "tosca_definitions_version", "unsupported version %q", f.version)
	}
	if rv := f.root.Get("repositories"); l.p.wantMap(rv, "repositories") {
		for _, e := range rv.Map {
			r := &Repository{Name: e.Key, Pos: e.KeyPos}
			if e.Value.Kind == KindMap {
				r.URL = l.p.str(e.Value.Get("url"), joinPath("repositories", e.Key, "url"))
				r.Description = l.p.str(e.Value.Get("description"), joinPath("repositories", e.Key, "description"))
			} else {
				r.URL = l.p.str(e.Value, joinPath("repositories", e.Key))
			}
			l.repos[e.Key] = r
		}
	}
	f.imports = l.p.parseImports(f.root.Get("imports"), "imports")
}

func (l *loader) followImports(f *file) {
	for i, imp := range f.imports {
		path := fmt.Sprintf("imports.%d", i)
		target, ok := l.resolveImport(f.path, imp, path)
		if !ok {
			continue
		}
		if target.builtin {
			if _, ok := l.sol001[target.family]; !ok {
				l.sol001[target.family] = imp.Pos
			}
			if imp.NamespacePrefix != "" && !slices.Contains(l.builtinPrefixes, imp.NamespacePrefix) {
				if len(l.builtinPrefixes) >= maxPrefixes {
					l.d.add(CodeLimit, imp.Pos, path, "more than %d namespace prefixes", maxPrefixes)
					continue
				}
				l.builtinPrefixes = append(l.builtinPrefixes, imp.NamespacePrefix)
			}
			continue
		}
		g := l.loadFile(target.file, imp.Pos, path)
		if g == nil {
			continue
		}
		f.imported = append(f.imported, g)
		if imp.NamespacePrefix != "" {
			l.addPrefix(prefixed{prefix: imp.NamespacePrefix, file: g}, imp.Pos, path)
		}
	}
}

// maxPrefixes bounds the namespace prefixes of one load: each makes every
// type of its files reachable under another name.
const maxPrefixes = 64

func (l *loader) addPrefix(p prefixed, pos Pos, path string) {
	for _, q := range l.prefixes {
		if q == p {
			return
		}
	}
	if len(l.prefixes) >= maxPrefixes {
		l.d.add(CodeLimit, pos, path, "more than %d namespace prefixes", maxPrefixes)
		return
	}
	l.prefixes = append(l.prefixes, p)
}

// prefixed records a file imported under a namespace prefix.
type prefixed struct {
	prefix string
	file   *file
}

// defineTypes registers the type definitions of a file.
func (l *loader) defineTypes(f *file) {
	for kind := TypeKind(0); kind < numTypeKinds; kind++ {
		sec := typeSections[kind]
		v := f.root.Get(sec)
		if !l.p.wantMap(v, sec) {
			continue
		}
		for _, e := range v.Map {
			path := joinPath(sec, e.Key)
			t := l.p.typeDef(kind, e.Key, e.Value, path)
			t.Pos, t.builtin = e.KeyPos, l.builtin
			if prev := l.reg.define(t); prev != nil {
				if l.builtin {
					continue // an overlay's definition was loaded first
				}
				l.d.add(CodeDuplicate, e.KeyPos, path, "%s %q already defined at %s", kind, e.Key, prev.Pos)
				continue
			}
			f.types = append(f.types, t)
		}
	}
}

// applyPrefixes makes the types of files imported with a namespace prefix
// reachable as prefix:name.
func (l *loader) applyPrefixes(profiles *profileSet) {
	for _, pf := range l.prefixes {
		seen := map[*file]bool{}
		var walk func(*file)
		walk = func(f *file) {
			if seen[f] {
				return
			}
			seen[f] = true
			for _, t := range f.types {
				l.reg.alias(pf.prefix+":"+t.Name, t)
			}
			for _, g := range f.imported {
				walk(g)
			}
		}
		walk(pf.file)
	}
	for _, prefix := range l.builtinPrefixes {
		for _, t := range l.reg.base.own {
			l.reg.alias(prefix+":"+t.Name, t)
		}
	}
}

// sol001Family returns the SOL 001 profile family the package imports, ""
// for none; importing both 2.x and later type files is an error.
func (l *loader) sol001Family() string {
	switch len(l.sol001) {
	case 0:
		return ""
	case 1:
		for fam := range l.sol001 {
			return fam
		}
	}
	l.d.add(CodeImport, l.sol001["v4"], "imports", "imports both SOL 001 2.x and later type files")
	return ""
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine extracts the line yaml.v3 names in a syntax error, or 0.
func yamlErrorLine(err error) int {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
