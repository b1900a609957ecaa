package kubernetes

import (
	"context"
	"log/slog"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	batchlisters "k8s.io/client-go/listers/batch/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

// hub shares one cluster-wide watch per kind among all the waits of a driver. A wait of its
// own opens four watches and lists the VNF's objects after every change; a thousand VNFs
// deploying at once made those requests the API server's main load
// (TestConcurrentInstantiations). The hub keeps one informer per kind, selecting the objects
// that carry LabelInstance, tells each wait of the changes to its VNF, and keeps a copy a
// wait checks before it asks the API server. The API server stays the truth: a wait ends
// only when a check against it holds, so a copy that lags costs a request, not a wrong answer.
//
// The informers start with the first wait and stop after hubIdle without one. A cluster
// that refuses the cluster-wide lists and watches (credentials limited to a namespace)
// leaves the hub off for hubRefusedPause; the waits then watch on their own.
type hub struct {
	cs  kubernetes.Interface
	log *slog.Logger

	mu      sync.Mutex
	subs    map[string]map[*subscription]struct{} // by key; a key without subscriptions is removed
	run     *hubRun
	refused time.Time // when the cluster last refused the hub
	idle    *time.Timer
}

// Timings of the hub; variables so that tests can shorten them.
var (
	hubIdle         = 2 * time.Minute
	hubRefusedPause = 5 * time.Minute
)

// hubRun is one start of the hub's informers.
type hubRun struct {
	cancel context.CancelFunc
	synced chan struct{} // closed when every informer has its first list
	failed chan struct{} // closed when the hub gave up; its waits watch on their own

	pods       corelisters.PodLister
	namespaces corelisters.NamespaceLister
	deps       appslisters.DeploymentLister
	sets       appslisters.StatefulSetLister
	jobs       batchlisters.JobLister
}

// subscription is one wait's interest in the objects of a key (see instanceKey,
// namespaceKey).
type subscription struct {
	key    string
	events chan struct{} // one pending signal; a check sees every change before it
	run    *hubRun
}

func newHub(cs kubernetes.Interface, log *slog.Logger) *hub {
	return &hub{cs: cs, log: log, subs: map[string]map[*subscription]struct{}{}}
}

// instanceKey is the key of a VNF's objects in a namespace.
func instanceKey(ns, id string) string { return ns + "/" + labelValue(id) }

// namespaceKey is the key of a namespace itself.
func namespaceKey(ns string) string { return ns }

// subscribe registers interest in key, starting the informers if they are not running. It
// returns nil when the hub is off (refused, or not startable now): the caller watches on
// its own.
func (h *hub) subscribe(ctx context.Context, key string) *subscription {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.run == nil && !h.start(ctx) {
		return nil
	}
	s := &subscription{key: key, events: make(chan struct{}, 1), run: h.run}
	if h.subs[key] == nil {
		h.subs[key] = map[*subscription]struct{}{}
	}
	h.subs[key][s] = struct{}{}
	if h.idle != nil {
		h.idle.Stop()
		h.idle = nil
	}
	return s
}

// unsubscribe ends a subscription; the last one arms the idle stop.
func (h *hub) unsubscribe(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s.key][s]; !ok {
		return
	}
	delete(h.subs[s.key], s)
	if len(h.subs[s.key]) == 0 {
		delete(h.subs, s.key)
	}
	if len(h.subs) == 0 && h.run != nil {
		run := h.run
		h.idle = time.AfterFunc(hubIdle, func() { h.stopIdle(run) })
	}
}

func (h *hub) stopIdle(run *hubRun) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.run == run && len(h.subs) == 0 {
		run.cancel()
		h.run = nil
		h.idle = nil
	}
}

// hubKinds are the kinds the hub watches, each listed once at start to learn whether the
// cluster lets the driver read it cluster-wide.
var hubKinds = []struct {
	name string
	list func(context.Context, kubernetes.Interface, metav1.ListOptions) error
}{
	{"pods", func(ctx context.Context, cs kubernetes.Interface, o metav1.ListOptions) error {
		_, err := cs.CoreV1().Pods("").List(ctx, o)
		return err
	}},
	{"namespaces", func(ctx context.Context, cs kubernetes.Interface, o metav1.ListOptions) error {
		_, err := cs.CoreV1().Namespaces().List(ctx, o)
		return err
	}},
	{"deployments", func(ctx context.Context, cs kubernetes.Interface, o metav1.ListOptions) error {
		_, err := cs.AppsV1().Deployments("").List(ctx, o)
		return err
	}},
	{"statefulsets", func(ctx context.Context, cs kubernetes.Interface, o metav1.ListOptions) error {
		_, err := cs.AppsV1().StatefulSets("").List(ctx, o)
		return err
	}},
	{"jobs", func(ctx context.Context, cs kubernetes.Interface, o metav1.ListOptions) error {
		_, err := cs.BatchV1().Jobs("").List(ctx, o)
		return err
	}},
}

// start checks that the cluster serves the hub's lists and starts the informers. Called
// with h.mu held.
func (h *hub) start(ctx context.Context) bool {
	if !h.refused.IsZero() && time.Since(h.refused) < hubRefusedPause {
		return false
	}
	probe := metav1.ListOptions{LabelSelector: LabelInstance, Limit: 1}
	for _, k := range hubKinds {
		if err := k.list(ctx, h.cs, probe); err != nil {
			if refusal(err) {
				h.refused = time.Now()
				h.log.Warn("kubernetes: cluster-wide watches refused; each wait watches its VNF's namespace",
					"kind", k.name, "err", err)
			}
			return false
		}
	}
	h.refused = time.Time{}
	h.run = h.newRun()
	return true
}

func refusal(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err)
}

// newRun makes and starts the informers.
func (h *hub) newRun() *hubRun {
	ctx, cancel := context.WithCancel(context.Background())
	f := informers.NewSharedInformerFactoryWithOptions(h.cs, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = LabelInstance }),
		informers.WithTransform(dropManagedFields))
	run := &hubRun{
		cancel: cancel, synced: make(chan struct{}), failed: make(chan struct{}),
		pods:       f.Core().V1().Pods().Lister(),
		namespaces: f.Core().V1().Namespaces().Lister(),
		deps:       f.Apps().V1().Deployments().Lister(),
		sets:       f.Apps().V1().StatefulSets().Lister(),
		jobs:       f.Batch().V1().Jobs().Lister(),
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    h.notify,
		UpdateFunc: func(_, obj any) { h.notify(obj) },
		DeleteFunc: h.notify,
	}
	for _, inf := range []cache.SharedIndexInformer{
		f.Core().V1().Pods().Informer(), f.Core().V1().Namespaces().Informer(),
		f.Apps().V1().Deployments().Informer(), f.Apps().V1().StatefulSets().Informer(),
		f.Batch().V1().Jobs().Informer(),
	} {
		// Neither call fails before the informer starts.
		_, _ = inf.AddEventHandler(handler)
		_ = inf.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *cache.Reflector, err error) {
			if refusal(err) {
				h.fail(run, err)
				return
			}
			cache.DefaultWatchErrorHandler(ctx, r, err)
		})
	}
	f.StartWithContext(ctx)
	go func() {
		if f.WaitForCacheSyncWithContext(ctx).Err == nil {
			close(run.synced)
		}
	}()
	go func() {
		<-ctx.Done()
		f.Shutdown()
	}()
	return run
}

// fail turns the hub off after the cluster refused one of its watches (its credentials
// changed): the waits of the run go on watching on their own.
func (h *hub) fail(run *hubRun, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.run != run {
		return
	}
	h.log.Warn("kubernetes: cluster-wide watch refused; each wait watches its VNF's namespace", "err", err)
	h.refused = time.Now()
	h.run = nil
	close(run.failed)
	run.cancel()
}

// notify signals the waits interested in obj.
func (h *hub) notify(obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	key := namespaceKey(m.GetName())
	if m.GetNamespace() != "" {
		key = m.GetNamespace() + "/" + m.GetLabels()[LabelInstance]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[key] {
		select {
		case s.events <- struct{}{}:
		default:
		}
	}
}

// dropManagedFields keeps the cached copies small: the waits never read managed fields.
func dropManagedFields(obj any) (any, error) {
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

// isSynced reports whether the run's copy has been listed once.
func (r *hubRun) isSynced() bool {
	select {
	case <-r.synced:
		return true
	default:
		return false
	}
}
