package tosca

import (
	"fmt"
	"io"
	"io/fs"
	"net/url"
	pathpkg "path"
	"regexp"
	"strconv"
	"strings"
)

// sol001URL matches the published location of the SOL 001 type files, e.g.
// https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml.
var sol001URL = regexp.MustCompile(`^https?://forge\.etsi\.org/rep/nfv/SOL001/raw/(v[0-9]+\.[0-9]+\.[0-9]+)/(etsi_nfv_sol001_(?:common|vnfd|nsd|pnfd)_types\.yaml)$`)

// sol001File matches the file names of the SOL 001 type files, which
// packages also ship next to their descriptors.
var sol001File = regexp.MustCompile(`^etsi_nfv_sol001_(?:common|vnfd|nsd|pnfd)_types\.yaml$`)

// SOL001Versions are the SOL 001 versions whose type-file URLs resolve to the
// built-in profile.
var SOL001Versions = []string{
	"v2.5.1", "v2.6.1", "v2.7.1", "v2.8.1", "v3.3.1", "v3.5.1", "v3.6.1",
	"v4.2.1", "v4.3.1", "v4.4.1",
}

func knownSOL001Version(v string) bool {
	for _, k := range SOL001Versions {
		if k == v {
			return true
		}
	}
	return false
}

// parseImports reads an imports list in its TOSCA 1.2 and 1.3 forms.
func (p *parser) parseImports(v *Value, path string) []Import {
	if !p.wantList(v, path) {
		return nil
	}
	var out []Import
	for i, item := range v.List {
		ipath := joinPath(path, strconv.Itoa(i))
		switch {
		case item.Kind != KindMap:
			out = append(out, Import{File: p.str(item, ipath), Pos: item.Pos})
		case item.Get("file") != nil:
			out = append(out, p.importDef(item, ipath))
		case len(item.Map) == 1:
			e := item.Map[0]
			if e.Value.Kind == KindMap {
				out = append(out, p.importDef(e.Value, joinPath(path, e.Key)))
			} else {
				out = append(out, Import{File: p.str(e.Value, joinPath(path, e.Key)), Pos: e.Value.Pos})
			}
		default:
			p.d.add(CodeSyntax, item.Pos, ipath, "import must be a file name or a map with a file")
		}
	}
	return out
}

func (p *parser) importDef(v *Value, path string) Import {
	p.checkKeys(v, path, "file", "repository", "namespace_prefix", "namespace_uri")
	return Import{
		File:            p.str(v.Get("file"), joinPath(path, "file")),
		Repository:      p.str(v.Get("repository"), joinPath(path, "repository")),
		NamespacePrefix: p.str(v.Get("namespace_prefix"), joinPath(path, "namespace_prefix")),
		NamespaceURI:    p.str(v.Get("namespace_uri"), joinPath(path, "namespace_uri")),
		Pos:             v.Pos,
	}
}

// importTarget says where an import leads: a file of the CSAR or the
// built-in SOL 001 profile.
type importTarget struct {
	file    string
	builtin bool
	// family is the built-in SOL 001 profile family, "v2" or "v4".
	family string
}

// resolveImport maps an import of the file from to its target.
func (l *loader) resolveImport(from string, imp Import, path string) (importTarget, bool) {
	if imp.File == "" {
		l.d.add(CodeImport, imp.Pos, path, "import has no file")
		return importTarget{}, false
	}
	if imp.Repository != "" {
		return l.resolveRepositoryImport(imp, path)
	}
	if u, err := url.Parse(imp.File); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		return l.resolveURL(imp.File, imp.Pos, path)
	}
	name := imp.File
	if strings.HasPrefix(name, "/") {
		name = strings.TrimPrefix(name, "/")
	} else {
		name = pathpkg.Join(pathpkg.Dir(from), name)
	}
	if !fs.ValidPath(name) {
		l.d.add(CodeImport, imp.Pos, path, "import %q leaves the package", imp.File)
		return importTarget{}, false
	}
	if _, err := fs.Stat(l.fsys, name); err != nil && sol001File.MatchString(pathpkg.Base(name)) {
		// A package that names the SOL 001 type files without shipping
		// them gets the built-in profile; SOL 001 2.x files are TOSCA 1.2.
		fam := "v4"
		if f := l.files[from]; f != nil && f.version == "tosca_simple_yaml_1_2" {
			fam = "v2"
		}
		return importTarget{builtin: true, family: fam}, true
	}
	return importTarget{file: name}, true
}

func (l *loader) resolveRepositoryImport(imp Import, path string) (importTarget, bool) {
	repo := l.repos[imp.Repository]
	if repo == nil {
		l.d.add(CodeUnknownName, imp.Pos, path, "unknown repository %q", imp.Repository)
		return importTarget{}, false
	}
	return l.resolveURL(strings.TrimSuffix(repo.URL, "/")+"/"+strings.TrimPrefix(imp.File, "/"), imp.Pos, path)
}

// resolveURL accepts only the well-known SOL 001 URLs: loading never goes to
// the network.
func (l *loader) resolveURL(u string, pos Pos, path string) (importTarget, bool) {
	m := sol001URL.FindStringSubmatch(u)
	if m == nil {
		l.d.add(CodeImport, pos, path, "cannot import %q: only package files and the ETSI SOL 001 type files can be imported", u)
		return importTarget{}, false
	}
	if !knownSOL001Version(m[1]) {
		l.d.add(CodeImport, pos, path, "SOL 001 version %s is not built in (have %s)", m[1], strings.Join(SOL001Versions, ", "))
		return importTarget{}, false
	}
	return importTarget{builtin: true, family: sol001Family(m[1])}, true
}

// readFile reads one file of the package under the size limits.
func (l *loader) readFile(name string) ([]byte, error) {
	f, err := l.fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, l.lim.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > l.lim.MaxFileSize {
		return nil, &limitError{fmt.Sprintf("%s is larger than %d bytes", name, l.lim.MaxFileSize)}
	}
	l.total += int64(len(data))
	if l.total > l.lim.MaxTotalSize {
		return nil, &limitError{fmt.Sprintf("definitions larger than %d bytes in total", l.lim.MaxTotalSize)}
	}
	return data, nil
}

// checkPackageFile reports a file an artifact or implementation names that
// is not in the package. URLs and files outside the package are left to
// the caller's policy on external artifacts.
func (l *loader) checkPackageFile(from, file string, pos Pos, path string) {
	if !l.checkFiles || file == "" {
		return
	}
	if u, err := url.Parse(file); err != nil || (u.Scheme != "" && len(u.Scheme) > 1) {
		return
	}
	name := pathpkg.Join(pathpkg.Dir(from), file)
	if strings.HasPrefix(file, "/") {
		name = strings.TrimPrefix(pathpkg.Clean(file), "/")
	}
	if !fs.ValidPath(name) {
		l.d.add(CodeUnknownName, pos, path, "file %q is outside the package", file)
		return
	}
	if _, err := fs.Stat(l.fsys, name); err != nil {
		l.d.add(CodeUnknownName, pos, path, "file %q is not in the package", file)
	}
}
