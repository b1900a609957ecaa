package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// markerParam is SOL 013's paging parameter.
const markerParam = "nextpage_opaque_marker"

// maxPages bounds a walk, so a server whose links loop cannot hang the run.
const maxPages = 1000

// page is one item of a list, decoded.
type item = map[string]any

// walk lists path with query and follows every Link rel="next", sending
// only the marker the link carries, as SOL 013 §5.4 lets a client do. Every
// page must be valid against schemas. It returns the items of all pages and
// how many pages there were.
func (a *api) walk(ctx context.Context, path string, query url.Values, schemas []check.Validator) ([]item, int, error) {
	return a.walkPages(ctx, path, query, func(r *check.Response, items *[]item) error {
		return r.ExpectJSON(http.StatusOK, items, schemas...)
	})
}

// collect is walk for cleaning up: it wants the items, whatever the
// pages' media type or validity.
func (a *api) collect(ctx context.Context, path string, query url.Values) ([]item, error) {
	items, _, err := a.walkPages(ctx, path, query, func(r *check.Response, items *[]item) error {
		if err := r.ExpectStatus(http.StatusOK); err != nil {
			return err
		}
		return json.Unmarshal(r.Body, items)
	})
	return items, err
}

func (a *api) walkPages(ctx context.Context, path string, query url.Values,
	read func(*check.Response, *[]item) error) ([]item, int, error) {
	next := path
	if len(query) > 0 {
		next += "?" + query.Encode()
	}
	var all []item
	seen := map[string]bool{}
	for pages := 1; ; pages++ {
		r, err := a.client().Get(ctx, next)
		if err != nil {
			return nil, pages, err
		}
		var items []item
		if err := read(r, &items); err != nil {
			return nil, pages, fmt.Errorf("page %d: %w", pages, err)
		}
		all = append(all, items...)
		marker, err := nextMarker(r, path)
		if err != nil || marker == "" {
			return all, pages, err
		}
		if seen[marker] || pages >= maxPages {
			return nil, pages, fmt.Errorf("page %d: Link rel=next repeats a marker or exceeds %d pages", pages, maxPages)
		}
		seen[marker] = true
		next = path + "?" + url.Values{markerParam: {marker}}.Encode()
	}
}

// nextMarker returns the marker of the response's Link rel="next", or ""
// on the last page. The link must point at the same list.
func nextMarker(r *check.Response, path string) (string, error) {
	for _, h := range r.Header.Values("Link") {
		for _, link := range strings.Split(h, ",") {
			target, ok := nextTarget(link)
			if !ok {
				continue
			}
			u, err := r.URL.Parse(target)
			if err != nil {
				return "", fmt.Errorf("%s: Link %q: %w", r, link, err)
			}
			if u.Path != path {
				return "", fmt.Errorf("%s: Link rel=next points at %s, not the list %s", r, u.Path, path)
			}
			m := u.Query().Get(markerParam)
			if m == "" {
				return "", fmt.Errorf("%s: Link rel=next %q has no %s", r, target, markerParam)
			}
			return m, nil
		}
	}
	return "", nil
}

// nextTarget parses one link-value of a Link header (RFC 8288) and returns
// its target if its relation is "next".
func nextTarget(link string) (string, bool) {
	link = strings.TrimSpace(link)
	if !strings.HasPrefix(link, "<") {
		return "", false
	}
	end := strings.Index(link, ">")
	if end < 0 {
		return "", false
	}
	target, params := link[1:end], strings.TrimSpace(link[end+1:])
	if strings.Contains(target, "<") || !strings.HasPrefix(params, ";") {
		return "", false
	}
	for _, p := range strings.Split(params[1:], ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "rel") && strings.EqualFold(strings.Trim(v, `"`), "next") {
			return target, true
		}
	}
	return "", false
}

// ids lists the id of every item and fails on an item without one or an
// id seen twice.
func ids(items []item) (map[string]bool, error) {
	out := make(map[string]bool, len(items))
	for i, it := range items {
		id, _ := it["id"].(string)
		if id == "" {
			return nil, fmt.Errorf("item %d has no id", i)
		}
		if out[id] {
			return nil, fmt.Errorf("item %s listed twice", id)
		}
		out[id] = true
	}
	return out, nil
}
