package kubernetes

import (
	"context"
	"errors"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// watchFunc opens one watch.
type watchFunc func(ctx context.Context) (watch.Interface, error)

// wait says what a wait waits for.
type wait struct {
	op string
	// key names the objects whose changes the hub signals (instanceKey, namespaceKey).
	key string
	// watches are the wait's own, opened when the hub is off.
	watches []watchFunc
	// cached reports whether the hub's copy shows the condition holding; nil asks cond at
	// every change. It may be wrong either way for a moment, as the copy lags: a false
	// true costs one check of cond, a false false is righted by the change still to come.
	cached func(*hubRun) bool
	// cond is the condition, checked against the API server.
	cond func(context.Context) (bool, error)
}

// waitUntil returns once w.cond holds. It subscribes to the changes first and then checks,
// and checks again after each burst of changes, so no change between the check and the
// subscription is missed; on the hub it also checks hubRecheck after its last check. The
// wait is bounded by Options.ReadyTimeout (ErrTimeout) and by ctx.
func (d *Driver) waitUntil(ctx context.Context, w wait) error {
	wctx, cancel := context.WithTimeout(ctx, d.opts.ReadyTimeout)
	defer cancel()
	s := d.hub.subscribe(wctx, w.key)
	if s == nil {
		return d.waitWatching(ctx, wctx, w)
	}
	defer d.hub.unsubscribe(s)
	recheck := time.NewTimer(hubRecheck)
	defer recheck.Stop()
	for asked := true; ; {
		if asked || w.cached == nil || !s.run.isSynced() || w.cached(s.run) {
			done, err := w.cond(wctx)
			if err != nil {
				return d.waitError(ctx, wctx, w.op, err)
			}
			if done {
				return nil
			}
			recheck.Reset(hubRecheck)
		}
		asked = false
		select {
		case <-wctx.Done():
			return d.waitError(ctx, wctx, w.op, wctx.Err())
		case <-s.run.failed:
			return d.waitWatching(ctx, wctx, w)
		case <-s.events:
		case <-recheck.C:
			asked = true
		}
	}
}

// hubRecheck is how long a wait on the hub goes without asking the API server. The hub
// sees only objects with the instance label, so a change to one that lost it (a namespace
// relabelled by hand, say) sends no event; the recheck bounds how long such a wait lags.
var hubRecheck = 30 * time.Second

// waitWatching is waitUntil on the wait's own watches. A watch the server closes is
// reopened.
func (d *Driver) waitWatching(ctx, wctx context.Context, w wait) error {
	for {
		opened := time.Now()
		g, err := openWatches(wctx, w.watches)
		if err != nil {
			return d.waitError(ctx, wctx, w.op, err)
		}
		done, err := d.waitOnce(wctx, g, w.cond)
		g.stop()
		if err != nil {
			return d.waitError(ctx, wctx, w.op, err)
		}
		if done {
			return nil
		}
		// The server closed a watch. Reopen at once after a long watch; after a short one
		// (an error event) pause first, so a failing watch cannot spin.
		if time.Since(opened) < rewatchPause {
			select {
			case <-wctx.Done():
				return d.waitError(ctx, wctx, w.op, wctx.Err())
			case <-time.After(rewatchPause):
			}
		}
	}
}

// rewatchPause is the least time between two openings of the watches of one wait.
const rewatchPause = time.Second

// waitOnce checks cond now and after each event, until it holds (true), the watches close
// (false) or an error.
func (d *Driver) waitOnce(ctx context.Context, g *watchGroup, cond func(context.Context) (bool, error)) (bool, error) {
	for {
		ok, err := cond(ctx)
		if err != nil || ok {
			return ok, err
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-g.closed:
			return false, nil
		case <-g.events:
		}
	}
}

// waitError classifies the error that ended a wait: the driver's own deadline is ErrTimeout,
// the caller's context its own error.
func (d *Driver) waitError(parent, wctx context.Context, op string, err error) error {
	if parent.Err() != nil {
		return vim.ContextError(op, parent.Err())
	}
	if wctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return vim.Errorf(vim.ErrTimeout, op, "not done after %s", d.opts.ReadyTimeout)
	}
	return classify(op, err)
}

// watchGroup merges several watches into one coalesced event signal.
type watchGroup struct {
	events chan struct{}
	closed chan struct{}
	ws     []watch.Interface
	once   sync.Once
}

func openWatches(ctx context.Context, fns []watchFunc) (*watchGroup, error) {
	g := &watchGroup{events: make(chan struct{}, 1), closed: make(chan struct{})}
	for _, fn := range fns {
		w, err := fn(ctx)
		if err != nil {
			g.stop()
			return nil, err
		}
		g.ws = append(g.ws, w)
		go g.forward(w)
	}
	return g, nil
}

func (g *watchGroup) forward(w watch.Interface) {
	for ev := range w.ResultChan() {
		if ev.Type == watch.Error {
			break
		}
		select {
		case g.events <- struct{}{}:
		default: // a check is already due; it will see this change too
		}
	}
	g.once.Do(func() { close(g.closed) })
}

func (g *watchGroup) stop() {
	for _, w := range g.ws {
		w.Stop()
	}
}

// listOptions selects the objects of one VNF instance.
func listOptions(id string) metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: LabelInstance + "=" + labelValue(id)}
}

// instanceSelector selects the objects of one VNF instance in the hub's copy.
func instanceSelector(id string) labels.Selector {
	return labels.SelectorFromSet(labels.Set{LabelInstance: labelValue(id)})
}

// instanceWatches watch the pods, workloads and Jobs of a VNF instance.
func (d *Driver) instanceWatches(ns, id string) []watchFunc {
	opts := listOptions(id)
	return []watchFunc{
		func(ctx context.Context) (watch.Interface, error) { return d.cs.CoreV1().Pods(ns).Watch(ctx, opts) },
		func(ctx context.Context) (watch.Interface, error) {
			return d.cs.AppsV1().Deployments(ns).Watch(ctx, opts)
		},
		func(ctx context.Context) (watch.Interface, error) {
			return d.cs.AppsV1().StatefulSets(ns).Watch(ctx, opts)
		},
		func(ctx context.Context) (watch.Interface, error) { return d.cs.BatchV1().Jobs(ns).Watch(ctx, opts) },
	}
}
