package kubernetes

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"path"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// helmMaxHistory bounds the release revisions Helm keeps.
const helmMaxHistory = 10

// deployChart installs the package's chart as the VNF's release, or upgrades it. A release
// a crash left pending is first brought back: uninstalled when it never got deployed, rolled
// back otherwise. A failed upgrade is rolled back to the previous revision.
func (d *Driver) deployChart(ctx context.Context, st *handleState, spec *vim.Spec, stopped bool) error {
	op := "deploy chart " + spec.Artifacts.HelmChart
	fsys, err := packageFS(spec)
	if err != nil {
		return err
	}
	ch, err := loadChart(fsys, spec.Artifacts.HelmChart)
	if err != nil {
		return err
	}
	cfg, err := d.helmConfig(st.Namespace)
	if err != nil {
		return err
	}
	last, err := lastRelease(cfg, st.Release)
	if err != nil {
		return classify(op, err)
	}
	if last != nil {
		if last, err = recoverRelease(cfg, last); err != nil {
			return classify(op, err)
		}
	}
	post := &labeller{spec: spec, stopped: stopped}
	// Helm's install and upgrade race with themselves when their context is
	// cancelled mid-call (failRelease writes the release's status while the
	// goroutine doing the work still does; the race detector shows it), so
	// they get a context that is never cancelled. Without --wait they only
	// apply objects and return quickly; ctx is honoured right after, and
	// the wait for readiness that follows honours it throughout.
	hctx := context.WithoutCancel(ctx)
	if last == nil {
		in := action.NewInstall(cfg)
		in.ReleaseName, in.Namespace, in.PostRenderer = st.Release, st.Namespace, post
		_, err = in.RunWithContext(hctx, ch, spec.Artifacts.HelmValues)
		return classifyHelm(op+": install", errors.Join(err, ctx.Err()))
	}
	up := action.NewUpgrade(cfg)
	up.Namespace, up.PostRenderer, up.MaxHistory = st.Namespace, post, helmMaxHistory
	if _, err = up.RunWithContext(hctx, st.Release, ch, spec.Artifacts.HelmValues); err != nil {
		return classifyHelm(op+": upgrade", errors.Join(err, rollbackFailed(cfg, last)))
	}
	return classifyHelm(op+": upgrade", ctx.Err())
}

// rollbackFailed rolls the release back to prev when an upgrade recorded a failed revision
// after it. An upgrade that failed before recording one (a chart that does not render)
// changed nothing, and rolling back then would go one revision too far.
func rollbackFailed(cfg *action.Configuration, prev *release.Release) error {
	now, err := lastRelease(cfg, prev.Name)
	if err != nil || now == nil || now.Version == prev.Version || now.Info.Status != release.StatusFailed {
		return err
	}
	rb := action.NewRollback(cfg)
	rb.Version = prev.Version
	return rb.Run(prev.Name)
}

// classifyHelm classifies a Helm SDK error: API and network errors as classify does, and
// anything else (a chart that does not load or render) as permanent.
func classifyHelm(op string, err error) error {
	if err == nil {
		return nil
	}
	var status apierrors.APIStatus
	var ne net.Error
	if errors.As(err, &status) || errors.As(err, &ne) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return classify(op, err)
	}
	return vim.Errorf(vim.ErrPermanent, op, "%v", err)
}

// lastRelease returns the latest revision of a release, or nil when there is none.
func lastRelease(cfg *action.Configuration, name string) (*release.Release, error) {
	h := action.NewHistory(cfg)
	h.Max = 1
	rels, err := h.Run(name)
	if errors.Is(err, driver.ErrReleaseNotFound) {
		return nil, nil
	}
	if err != nil || len(rels) == 0 {
		return nil, err
	}
	latest := rels[0]
	for _, r := range rels {
		if r.Version > latest.Version {
			latest = r
		}
	}
	return latest, nil
}

// recoverRelease brings a release left pending or failed by a crash back to a state Helm
// can upgrade; it returns nil when the release had to be removed.
func recoverRelease(cfg *action.Configuration, r *release.Release) (*release.Release, error) {
	switch r.Info.Status {
	case release.StatusPendingInstall, release.StatusUninstalling:
		return nil, uninstall(cfg, r.Name)
	case release.StatusFailed:
		if r.Version == 1 {
			return nil, uninstall(cfg, r.Name)
		}
	case release.StatusPendingUpgrade, release.StatusPendingRollback:
		if err := action.NewRollback(cfg).Run(r.Name); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func uninstall(cfg *action.Configuration, name string) error {
	un := action.NewUninstall(cfg)
	un.IgnoreNotFound = true
	_, err := un.Run(name)
	return err
}

// uninstallChart uninstalls the VNF's release; a release or namespace already gone is fine.
func (d *Driver) uninstallChart(ctx context.Context, st *handleState) error {
	if err := ctx.Err(); err != nil {
		return vim.ContextError("uninstall release "+st.Release, err)
	}
	cfg, err := d.helmConfig(st.Namespace)
	if err != nil {
		return err
	}
	err = uninstall(cfg, st.Release)
	return ignoreNotFound(classify("uninstall release "+st.Release, err))
}

// helmConfig is a Helm action configuration for namespace, storing releases in Secrets.
func (d *Driver) helmConfig(namespace string) (*action.Configuration, error) {
	cfg := new(action.Configuration)
	getter := newRESTClientGetter(d.cfg, namespace)
	logf := func(format string, v ...any) {} // Helm's debug chatter; errors come back as values
	if err := cfg.Init(getter, namespace, "secret", logf); err != nil {
		return nil, classify("helm configuration", err)
	}
	return cfg, nil
}

// loadChart loads a chart archive (.tgz) or chart directory from the package.
func loadChart(fsys fs.FS, name string) (*chart.Chart, error) {
	op := "load chart " + name
	name = path.Clean(strings.TrimPrefix(name, "/"))
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, vim.Errorf(vim.ErrPermanent, op, "%v", err)
	}
	if !info.IsDir() {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, vim.Errorf(vim.ErrPermanent, op, "%v", err)
		}
		ch, err := loader.LoadArchive(bytes.NewReader(data))
		if err != nil {
			return nil, vim.Errorf(vim.ErrPermanent, op, "%v", err)
		}
		return ch, nil
	}
	var files []*loader.BufferedFile
	err = fs.WalkDir(fsys, name, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, name+"/"), Data: data})
		return nil
	})
	if err != nil {
		return nil, vim.Errorf(vim.ErrPermanent, op, "%v", err)
	}
	ch, err := loader.LoadFiles(files)
	if err != nil {
		return nil, vim.Errorf(vim.ErrPermanent, op, "%v", err)
	}
	return ch, nil
}

// labeller is a Helm post-renderer that labels every rendered object as the VNF's, sets the
// replicas of the VDUs' workloads, and so lets Observe, Scale and Delete find them.
type labeller struct {
	spec    *vim.Spec
	stopped bool
}

// Run implements postrender.PostRenderer.
func (l *labeller) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	objs, err := decodeObjects(in.Bytes())
	if err != nil {
		return nil, err
	}
	for _, u := range objs {
		if err := label(l.spec, u, l.stopped); err != nil {
			return nil, err
		}
	}
	out, err := encodeObjects(objs)
	if err != nil {
		return nil, err
	}
	return bytes.NewBuffer(out), nil
}
