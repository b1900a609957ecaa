package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// filterSet are the packages the filter and selector checks query: three
// that differ in userDefinedData, tagged with the run and the set name.
var filterSet = []map[string]any{
	{"set": "filter", "tier": "gold", "name": "alpha-one", "nested": map[string]any{"level": "deep"}},
	{"set": "filter", "tier": "silver", "name": "beta-two"},
	{"set": "filter", "tier": "bronze", "name": "gamma-three"},
}

// pagingPageSize is the page size the paging checks expect of the servers:
// make test-conformance starts them with it (Cadenza's --page-size; SOL 013
// leaves the size to the server). pagingCount, how many packages (and VNF
// instances) the checks create, is more than one page of it.
const (
	pagingPageSize = 100
	pagingCount    = pagingPageSize + 10
)

func (p *vnfpkgm) filterPkgs(ctx context.Context) ([]pkgInfo, error) {
	return p.filtered.get(func() ([]pkgInfo, error) {
		out := make([]pkgInfo, len(filterSet))
		for i, udd := range filterSet {
			pkg, err := p.create(ctx, udd)
			if err != nil {
				return nil, err
			}
			out[i] = pkg
		}
		return out, nil
	})
}

// scoped restricts a filter to the run's filter set.
func (p *vnfpkgm) scoped(filter string) string {
	return filter + ";" + p.runFilter() + ";(eq,userDefinedData/set,filter)"
}

// filterCase is a filter and which of filterSet it must select.
type filterCase struct {
	filter string
	want   []int
}

func (p *vnfpkgm) filterChecks() []check.Check {
	pick := func(name string, cases ...filterCase) check.Check {
		return check.Check{Name: "filter: " + name, Run: p.runFilterCases(cases)}
	}
	return []check.Check{
		{Name: "filter: (eq,onboardingState,CREATED) over every page", Run: p.checkFilterCreated},
		pick("eq and neq on userDefinedData",
			filterCase{p.scoped("(eq,userDefinedData/tier,silver)"), []int{1}},
			filterCase{p.scoped("(neq,userDefinedData/tier,gold)"), []int{1, 2}}),
		pick("cont on a string",
			filterCase{p.scoped("(cont,userDefinedData/name,two)"), []int{1}},
			filterCase{p.scoped("(ncont,userDefinedData/name,two)"), []int{0, 2}},
			filterCase{p.scoped("(cont,userDefinedData/name,e)"), []int{0, 1, 2}}),
		pick("several values in one term",
			filterCase{p.scoped("(eq,userDefinedData/tier,gold,bronze)"), []int{0, 2}},
			filterCase{p.scoped("(neq,userDefinedData/tier,gold,bronze)"), []int{1}}),
		pick("several terms",
			filterCase{p.scoped("(eq,onboardingState,CREATED);(eq,userDefinedData/tier,bronze)"), []int{2}},
			filterCase{p.scoped("(eq,userDefinedData/tier,silver);(eq,userDefinedData/name,alpha-one)"), nil}),
		pick("nested attribute userDefinedData/key/key",
			filterCase{p.scoped("(eq,userDefinedData/nested/level,deep)"), []int{0}}),
		{Name: "filter: cont on id", Run: p.checkFilterID},
		{Name: "filter: malformed filters: 400 ProblemDetails", Run: p.expectBadQueries("filter",
			"(eq,onboardingState", "eq,onboardingState,CREATED", "(bogus,onboardingState,CREATED)",
			"(eq,,CREATED)", "(eq,onboardingState,CREATED);", "((eq,onboardingState,CREATED))")},
		{Name: "filter: unknown attribute: 400 ProblemDetails", Run: p.expectBadQueries("filter",
			"(eq,noSuchAttribute,x)", "(eq,_links/noSuch,x)")},
	}
}

// list walks the package list with query and returns the items, each
// checked against the list schemas.
func (p *vnfpkgm) list(ctx context.Context, query url.Values) ([]item, error) {
	schemas, err := p.schema("vnfPkgsInfo")
	if err != nil {
		return nil, err
	}
	items, _, err := p.walk(ctx, p.prefix()+"/vnf_packages", query, schemas)
	return items, err
}

func (p *vnfpkgm) runFilterCases(cases []filterCase) func(context.Context) error {
	return func(ctx context.Context) error {
		pkgs, err := p.filterPkgs(ctx)
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		var errs []error
		for _, c := range cases {
			items, err := p.list(ctx, url.Values{"filter": {c.filter}})
			if err == nil {
				err = selects(items, pkgs, c.want)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("filter %s: %w", c.filter, err))
			}
		}
		return errors.Join(errs...)
	}
}

// selects checks that items are exactly the packages of pkgs at want.
func selects(items []item, pkgs []pkgInfo, want []int) error {
	got, err := ids(items)
	if err != nil {
		return err
	}
	var wantIDs, gotIDs []string
	for _, i := range want {
		wantIDs = append(wantIDs, pkgs[i].ID)
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

func (p *vnfpkgm) checkFilterCreated(ctx context.Context) error {
	pkgs, err := p.filterPkgs(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	items, err := p.list(ctx, url.Values{"filter": {"(eq,onboardingState,CREATED)"}})
	if err != nil {
		return err
	}
	got, err := ids(items)
	if err != nil {
		return err
	}
	var errs []error
	for _, it := range items {
		if it["onboardingState"] != "CREATED" {
			errs = append(errs, fmt.Errorf("package %v is %v", it["id"], it["onboardingState"]))
		}
	}
	for _, pkg := range pkgs {
		if !got[pkg.ID] {
			errs = append(errs, fmt.Errorf("CREATED package %s not selected", pkg.ID))
		}
	}
	return errors.Join(errs...)
}

// checkFilterID filters on a fragment of one package's id, a plain string
// attribute rather than one inside userDefinedData.
func (p *vnfpkgm) checkFilterID(ctx context.Context) error {
	pkgs, err := p.filterPkgs(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	id := pkgs[2].ID
	frag := id[len(id)/3 : 2*len(id)/3]
	return p.runFilterCases([]filterCase{{p.scoped("(cont,id," + frag + ")"), []int{2}}})(ctx)
}

// expectBadQueries sends each value of param and expects 400.
func (p *vnfpkgm) expectBadQueries(param string, values ...string) func(context.Context) error {
	return func(ctx context.Context) error {
		var errs []error
		for _, v := range values {
			r, err := p.client().Get(ctx, p.prefix()+"/vnf_packages?"+url.Values{param: {v}}.Encode())
			if err == nil {
				err = p.problem(r, http.StatusBadRequest)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%s: %w", param, v, err))
			}
		}
		return errors.Join(errs...)
	}
}

func (p *vnfpkgm) selectorChecks() []check.Check {
	return []check.Check{
		{Name: "selector: default excludes userDefinedData", Run: p.checkSelector("",
			absent("userDefinedData"), present("id", "onboardingState", "_links"))},
		{Name: "selector: exclude_default excludes userDefinedData", Run: p.checkSelector("exclude_default",
			absent("userDefinedData"), present("id", "_links"))},
		{Name: "selector: all_fields includes userDefinedData", Run: p.checkSelector("all_fields",
			present("id", "userDefinedData", "_links"))},
		// The selectors below leave _links, which SOL 003's schema requires.
		{Name: "selector: exclude_fields=userDefinedData/tier", Run: p.checkSelector("exclude_fields=userDefinedData/tier",
			present("id", "userDefinedData", "_links"), absentIn("userDefinedData", "tier"))},
		{Name: "selector: fields=userDefinedData,_links", Run: p.checkSelector("fields=userDefinedData,_links",
			present("id", "onboardingState", "operationalState", "usageState", "userDefinedData", "_links"))},
		{Name: "selector: invalid combinations: 400 ProblemDetails", Run: p.checkBadSelectors},
	}
}

// attrCheck checks one listed item.
type attrCheck func(it item) error

func present(names ...string) attrCheck {
	return func(it item) error {
		var missing []string
		for _, n := range names {
			if _, ok := it[n]; !ok {
				missing = append(missing, n)
			}
		}
		if missing != nil {
			return fmt.Errorf("lacks %s", strings.Join(missing, ", "))
		}
		return nil
	}
}

func absent(names ...string) attrCheck {
	return func(it item) error {
		for _, n := range names {
			if _, ok := it[n]; ok {
				return fmt.Errorf("has %s", n)
			}
		}
		return nil
	}
}

func absentIn(parent string, names ...string) attrCheck {
	return func(it item) error {
		obj, _ := it[parent].(map[string]any)
		for _, n := range names {
			if _, ok := obj[n]; ok {
				return fmt.Errorf("has %s/%s", parent, n)
			}
		}
		return nil
	}
}

// checkSelector lists the first package of the filter set with the
// selector query and applies every attribute check to it.
func (p *vnfpkgm) checkSelector(selector string, checks ...attrCheck) func(context.Context) error {
	return func(ctx context.Context) error {
		pkgs, err := p.filterPkgs(ctx)
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		q, err := url.ParseQuery(selector)
		if err != nil {
			return err
		}
		q.Set("filter", p.scoped("(eq,id,"+pkgs[0].ID+")"))
		items, err := p.list(ctx, q)
		if err != nil {
			return err
		}
		if len(items) != 1 {
			return fmt.Errorf("%d items listed, want the one package %s", len(items), pkgs[0].ID)
		}
		var errs []error
		for _, c := range checks {
			if err := c(items[0]); err != nil {
				errs = append(errs, fmt.Errorf("with %q the package %w", selector, err))
			}
		}
		want := withRun(filterSet[0], p.runID)
		for _, ex := range q["exclude_fields"] {
			if k, ok := strings.CutPrefix(ex, "userDefinedData/"); ok {
				delete(want, k)
			}
		}
		if udd, ok := items[0]["userDefinedData"]; ok && !sameJSON(udd, want) {
			errs = append(errs, fmt.Errorf("userDefinedData %v, want %v", udd, want))
		}
		return errors.Join(errs...)
	}
}

func withRun(udd map[string]any, runID string) map[string]any {
	out := map[string]any{runKey: runID}
	for k, v := range udd {
		out[k] = v
	}
	return out
}

func (p *vnfpkgm) checkBadSelectors(ctx context.Context) error {
	var errs []error
	for _, q := range []string{"all_fields&fields=userDefinedData", "all_fields&exclude_fields=_links",
		"fields=userDefinedData&exclude_fields=_links", "exclude_default&exclude_fields=_links", "fields=", "exclude_fields=a,,b"} {
		r, err := p.client().Get(ctx, p.prefix()+"/vnf_packages?"+q)
		if err == nil {
			err = p.problem(r, http.StatusBadRequest)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", q, err))
		}
	}
	return errors.Join(errs...)
}

func (p *vnfpkgm) pagingChecks() []check.Check {
	var made lazy[map[string]bool]
	setUp := func(ctx context.Context) (map[string]bool, error) {
		return made.get(func() (map[string]bool, error) { return p.createMany(ctx, pagingCount) })
	}
	return []check.Check{
		{Name: fmt.Sprintf("paging: %d packages under a filter, Link rel=next, marker only", pagingCount),
			Run: p.checkPaging(setUp, true)},
		{Name: "paging: the whole list, every package once", Run: p.checkPaging(setUp, false)},
	}
}

// createMany creates n packages of the paging set, four at a time, and
// returns their ids.
func (p *vnfpkgm) createMany(ctx context.Context, n int) (map[string]bool, error) {
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
				pkg, err := p.create(ctx, map[string]any{"set": "paging", "n": i})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					out[pkg.ID] = true
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

func (p *vnfpkgm) checkPaging(setUp func(context.Context) (map[string]bool, error), filtered bool) func(context.Context) error {
	return func(ctx context.Context) error {
		made, err := setUp(ctx)
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		q := url.Values{}
		if filtered {
			q.Set("filter", p.runFilter()+";(eq,userDefinedData/set,paging)")
		}
		schemas, err := p.schema("vnfPkgsInfo")
		if err != nil {
			return err
		}
		items, pages, err := p.walk(ctx, p.prefix()+"/vnf_packages", q, schemas)
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
				errs = append(errs, fmt.Errorf("package %s never listed", id))
			}
		}
		if filtered && len(got) != len(made) {
			errs = append(errs, fmt.Errorf("the filter listed %d packages, want the %d made", len(got), len(made)))
		}
		if pages < 2 {
			errs = append(errs, fmt.Errorf("%d items came in %d page, want more than one page", len(items), pages))
		}
		return errors.Join(errs...)
	}
}
