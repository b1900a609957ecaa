package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// lcmFilterSet are the instances the filter and selector checks query,
// by set name and metadata.
var lcmFilterSet = []struct {
	set  string
	tier string
}{{"filter-alpha", "gold"}, {"filter-beta", "silver"}, {"filter-gamma", "bronze"}}

func (l *vnflcm) filterInstances(ctx context.Context) ([]instance, error) {
	return l.filtered.get(func() ([]instance, error) {
		out := make([]instance, len(lcmFilterSet))
		for i, f := range lcmFilterSet {
			inst, err := l.create(ctx, f.set, map[string]any{"group": "filter", "tier": f.tier})
			if err != nil {
				return nil, err
			}
			out[i] = inst
		}
		return out, nil
	})
}

// scoped restricts a filter to the run's filter set.
func (l *vnflcm) scoped(filter string) string {
	return filter + ";" + l.runFilter() + ";(eq,metadata/group,filter)"
}

func (l *vnflcm) queryChecks() []check.Check {
	pick := func(name string, cases ...filterCase) check.Check {
		return check.Check{Name: "filter: " + name, Run: l.runFilterCases(cases)}
	}
	return []check.Check{
		pick("eq, neq and cont on vnfInstanceName",
			filterCase{l.scoped("(eq,vnfInstanceName," + l.instanceName("filter-beta") + ")"), []int{1}},
			filterCase{l.scoped("(neq,vnfInstanceName," + l.instanceName("filter-beta") + ")"), []int{0, 2}},
			filterCase{l.scoped("(cont,vnfInstanceName,gamma)"), []int{2}}),
		pick("several values in one term, on metadata",
			filterCase{l.scoped("(eq,metadata/tier,gold,bronze)"), []int{0, 2}},
			filterCase{l.scoped("(neq,metadata/tier,gold)"), []int{1, 2}}),
		pick("several terms, instantiationState and vnfdId",
			filterCase{l.scoped("(eq,instantiationState,NOT_INSTANTIATED)"), []int{0, 1, 2}},
			filterCase{l.scoped("(eq,instantiationState,INSTANTIATED)"), nil},
			filterCase{l.scoped("(eq,metadata/tier,silver);(eq,vnfInstanceName," + l.instanceName("filter-alpha") + ")"), nil}),
		{Name: "filter: malformed filters and unknown attributes: 400 ProblemDetails", Run: l.expectBadQueries("filter",
			"(eq,instantiationState", "eq,instantiationState,NOT_INSTANTIATED", "(bogus,vnfdId,x)", "(eq,noSuchAttribute,x)")},
		{Name: "selector: default excludes metadata", Run: l.checkSelector("",
			absent("metadata"), present("id", "vnfdId", "instantiationState", "_links"))},
		{Name: "selector: exclude_default excludes metadata", Run: l.checkSelector("exclude_default",
			absent("metadata"), present("id", "_links"))},
		{Name: "selector: all_fields includes metadata", Run: l.checkSelector("all_fields",
			present("id", "metadata", "_links"))},
		{Name: "selector: fields=metadata", Run: l.checkSelector("fields=metadata",
			present("id", "vnfdId", "metadata", "_links"))},
		{Name: "selector: exclude_fields=vnfInstanceDescription: every other attribute", Run: l.checkSelector("exclude_fields=vnfInstanceDescription",
			absent("vnfInstanceDescription"), present("id", "vnfInstanceName", "metadata", "_links"))},
		{Name: "selector: invalid combinations: 400 ProblemDetails", Run: l.expectBadQueries("",
			"all_fields&fields=metadata", "fields=metadata&exclude_fields=vnfInstanceName", "fields=")},
		{Name: fmt.Sprintf("paging: %d instances under a filter, Link rel=next, every one once", pagingCount), Run: l.checkPaging},
	}
}

func (l *vnflcm) runFilterCases(cases []filterCase) func(context.Context) error {
	return func(ctx context.Context) error {
		insts, err := l.filterInstances(ctx)
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		var errs []error
		for _, c := range cases {
			items, err := l.list(ctx, url.Values{"filter": {c.filter}})
			if err == nil {
				err = selectsInstances(items, insts, c.want)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("filter %s: %w", c.filter, err))
			}
		}
		return errors.Join(errs...)
	}
}

// selectsInstances checks that items are exactly the instances of insts
// at want.
func selectsInstances(items []item, insts []instance, want []int) error {
	got, err := ids(items)
	if err != nil {
		return err
	}
	var wantIDs, gotIDs []string
	for _, i := range want {
		wantIDs = append(wantIDs, insts[i].ID)
	}
	for id := range got {
		gotIDs = append(gotIDs, id)
	}
	sort.Strings(wantIDs)
	sort.Strings(gotIDs)
	if !slices.Equal(gotIDs, wantIDs) {
		return fmt.Errorf("selected %v, want %v", gotIDs, wantIDs)
	}
	return nil
}

// expectBadQueries lists instances with each query, param=value (or the
// value as a whole query when param is ""), and expects 400.
func (l *vnflcm) expectBadQueries(param string, values ...string) func(context.Context) error {
	return func(ctx context.Context) error {
		var errs []error
		for _, v := range values {
			q := v
			if param != "" {
				q = url.Values{param: {v}}.Encode()
			}
			r, err := l.client().Get(ctx, l.prefix()+"/vnf_instances?"+q)
			if err == nil {
				err = l.problem(r, http.StatusBadRequest)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", q, err))
			}
		}
		return errors.Join(errs...)
	}
}

// checkSelector lists the first instance of the filter set with the
// selector query and applies every attribute check to it.
func (l *vnflcm) checkSelector(selector string, checks ...attrCheck) func(context.Context) error {
	return func(ctx context.Context) error {
		insts, err := l.filterInstances(ctx)
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		q, err := url.ParseQuery(selector)
		if err != nil {
			return err
		}
		q.Set("filter", l.scoped("(eq,id,"+insts[0].ID+")"))
		items, err := l.list(ctx, q)
		if err != nil {
			return err
		}
		if len(items) != 1 {
			return fmt.Errorf("%d items listed, want the one instance %s", len(items), insts[0].ID)
		}
		var errs []error
		for _, c := range checks {
			if err := c(items[0]); err != nil {
				errs = append(errs, fmt.Errorf("with %q the instance %w", selector, err))
			}
		}
		want := map[string]any{runKey: l.runID, "set": lcmFilterSet[0].set, "group": "filter", "tier": lcmFilterSet[0].tier}
		if md, ok := items[0]["metadata"]; ok && !sameJSON(md, want) {
			errs = append(errs, fmt.Errorf("metadata %v, want %v", md, want))
		}
		return errors.Join(errs...)
	}
}

// checkPaging creates more instances than a page holds, four at a time,
// and walks them under a filter.
func (l *vnflcm) checkPaging(ctx context.Context) error {
	made, err := l.createMany(ctx, pagingCount)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	schemas, err := l.schema("vnfInstances")
	if err != nil {
		return err
	}
	q := url.Values{"filter": {l.runFilter() + ";(eq,metadata/group,paging)"}}
	items, pages, err := l.walk(ctx, l.prefix()+"/vnf_instances", q, schemas)
	if err != nil {
		return err
	}
	got, err := ids(items)
	if err != nil {
		return err
	}
	var errs []error
	for id := range made {
		if !got[id] {
			errs = append(errs, fmt.Errorf("instance %s never listed", id))
		}
	}
	if len(got) != len(made) || len(items) != len(made) {
		errs = append(errs, fmt.Errorf("the filter listed %d items (%d distinct), want the %d made", len(items), len(got), len(made)))
	}
	if pages < 2 {
		errs = append(errs, fmt.Errorf("%d items came in %d page, want more than one page", len(items), pages))
	}
	return errors.Join(errs...)
}

func (l *vnflcm) createMany(ctx context.Context, n int) (map[string]bool, error) {
	var (
		mu   sync.Mutex
		out  = map[string]bool{}
		errs []error
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				inst, err := l.create(ctx, fmt.Sprintf("paging-%03d", i), map[string]any{"group": "paging"})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					out[inst.ID] = true
				}
				mu.Unlock()
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		return nil, fmt.Errorf("%d of %d creations failed; the first: %w", len(errs), n, errs[0])
	}
	return out, nil
}
