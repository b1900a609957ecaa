package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// recordView lists a record as its name and state, tagged with rev so a
// test can tell which encoding it reads.
func recordView(rev int64) store.View[record] {
	return store.View[record]{Rev: rev, Encode: func(it store.Item[record]) ([]byte, error) {
		return json.Marshal(map[string]any{"id": it.ID, "name": it.Doc.Name, "state": it.Doc.State,
			"version": it.Version, "rev": rev})
	}}
}

type listedView struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Version int64  `json:"version"`
	Rev     int64  `json:"rev"`
}

type viewListing struct {
	ids   []string
	views []listedView
	stale int
}

// listAllViews pages through c's views of the documents f keeps.
func listAllViews(t *testing.T, c *store.Collection[record], f query.Filter) viewListing {
	t.Helper()
	var l viewListing
	var after int64
	for {
		p, err := c.ListViews(context.Background(), f, after, 25)
		if err != nil {
			t.Fatalf("list views: %v", err)
		}
		for _, raw := range p.Views {
			var v listedView
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("view %q: %v", raw, err)
			}
			l.ids = append(l.ids, v.ID)
			l.views = append(l.views, v)
		}
		l.stale += p.Stale
		if p.Next == 0 {
			return l
		}
		after = p.Next
	}
}

// TestCollection_Views checks that views are written with documents and
// listed as written, in order and through filters; that an update writes
// the new view; and that rows of an older Rev are listed converted.
func TestCollection_Views(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := scratch(db)
		c.SetView(recordView(1))
		seed(t, c, 60)
		l := listAllViews(t, c, nil)
		if len(l.ids) != 60 || l.stale != 0 {
			t.Fatalf("listed %d views, %d converted; want 60 stored ones", len(l.ids), l.stale)
		}
		for i, v := range l.views {
			if want := newRecord(i); v.ID != want.ID || v.Name != want.Name || v.Rev != 1 || v.Version != 1 {
				t.Fatalf("view %d is %+v, want %s %s at rev 1", i, v, want.ID, want.Name)
			}
		}
		even := query.Filter{{Path: []string{"instantiationState"}, Op: query.Eq, Values: []string{"INSTANTIATED"}}}
		if l := listAllViews(t, c, even); len(l.ids) != 30 || l.views[29].ID != "r-00058" {
			t.Fatalf("filtered: %d views, last %v", len(l.ids), l.ids[len(l.ids)-1:])
		}

		if _, err := c.Update(ctx, "r-00003", 0, func(r *record) error { r.Name = "renamed"; return nil }); err != nil {
			t.Fatal(err)
		}
		if v := listAllViews(t, c, nil).views[3]; v.Name != "renamed" || v.Version != 2 {
			t.Fatalf("after update the view is %+v", v)
		}

		// A newer build lists rows it has not rewritten yet from their
		// documents, and stores the new view when it writes a row.
		c.SetView(recordView(2))
		if _, err := c.Update(ctx, "r-00005", 0, func(r *record) error { return nil }); err != nil {
			t.Fatal(err)
		}
		l = listAllViews(t, c, nil)
		if l.stale != 59 {
			t.Fatalf("%d views converted at rev 2, want 59", l.stale)
		}
		for _, v := range l.views {
			if v.Rev != 2 {
				t.Fatalf("view %+v listed at rev %d, want 2", v, v.Rev)
			}
		}
		if v := l.views[3]; v.Name != "renamed" {
			t.Fatalf("converted view %+v lost the update", v)
		}
		if n, err := c.RefreshViews(ctx, 10); n != 59 || err != nil {
			t.Fatalf("refresh: %d views stored, %v; want 59", n, err)
		}
		if l := listAllViews(t, c, nil); l.stale != 0 || l.views[3].Name != "renamed" || l.views[3].Rev != 2 {
			t.Fatalf("after refresh: %d converted, r-00003 is %+v", l.stale, l.views[3])
		}
		if it, err := c.Get(ctx, "r-00003"); err != nil || it.Version != 2 {
			t.Fatalf("refresh changed the document's version: %+v %v", it.Meta, err)
		}
	})
}

// TestCollection_ViewEncodeError checks that a view that cannot be encoded
// fails the write, which then stores nothing.
func TestCollection_ViewEncodeError(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		c := scratch(db)
		c.SetView(store.View[record]{Rev: 1, Encode: func(it store.Item[record]) ([]byte, error) {
			if strings.HasPrefix(it.Doc.Name, "bad") {
				return nil, fmt.Errorf("cannot list %s", it.Doc.Name)
			}
			return json.Marshal(it.Doc)
		}})
		if _, err := c.Create(t.Context(), "x", &record{ID: "x", Name: "bad one"}); err == nil ||
			!strings.Contains(err.Error(), "cannot list bad one") {
			t.Fatalf("create with an unencodable view: %v", err)
		}
		if _, err := c.Get(t.Context(), "x"); err == nil {
			t.Fatal("the document was stored although its view failed")
		}
		r := record{ID: "y", Name: "good"}
		if _, err := c.Create(t.Context(), "y", &r); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Update(t.Context(), "y", 0, func(r *record) error { r.Name = "bad now"; return nil }); err == nil {
			t.Fatal("update with an unencodable view succeeded")
		}
		if it, _ := c.Get(t.Context(), "y"); it.Doc.Name != "good" || it.Version != 1 {
			t.Fatalf("after a failed update: %+v", it)
		}
	})
}
