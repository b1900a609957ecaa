package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// View is the form in which an API lists a collection's documents, kept
// encoded next to each document so that a listing copies it from the row
// instead of decoding the document, converting and encoding it again: on
// 50,000 packages that was most of the listing's cost.
//
// A row's view is as current as the Rev it was written under. Rows written
// under another Rev (by an older build, or before the API set its view)
// are converted when read, so a stale view is slower, never wrong; Refresh
// rewrites them.
type View[T any] struct {
	// Rev names the encoding Encode makes. Raise it whenever Encode's
	// output for a stored document changes; it must be at least 1.
	Rev int64
	// Encode returns its listed JSON encoding. It must not depend on
	// it.Seq, which a new document does not have yet when it is encoded.
	Encode func(it Item[T]) ([]byte, error)
}

// SetView makes v the view stored with every document written from now on
// and read by ListViews. It may be called while the collection is in use.
func (c *Collection[T]) SetView(v View[T]) {
	if v.Rev < 1 || v.Encode == nil {
		panic(fmt.Sprintf("store: view of %s needs a Rev ≥ 1 and an Encode", c.table))
	}
	c.view.Store(&v)
}

// viewOf returns the view columns to store with it: NULL and 0 when the
// collection has no view.
func (c *Collection[T]) viewOf(it Item[T]) (raw any, rev int64, err error) {
	v := c.view.Load()
	if v == nil {
		return nil, 0, nil
	}
	b, err := v.Encode(it)
	if err != nil {
		return nil, 0, fmt.Errorf("encode %s %s view: %w", c.table, it.ID, err)
	}
	return string(b), v.Rev, nil
}

// ViewPage is one page of views, in the order of the listing.
type ViewPage struct {
	// Views holds each document's view; they share one buffer.
	Views [][]byte
	// Next is the Seq to continue after, or 0 when this is the last page.
	Next int64
	// Stale counts the documents whose view was converted while listed.
	Stale int
}

// ListViews is List returning each document's view. A view stored under
// the current Rev is copied as the row holds it. The few other rows, from
// before the view or an older Rev, are read again whole afterwards and
// their views made here.
func (c *Collection[T]) ListViews(ctx context.Context, f query.Filter, after int64, limit int) (ViewPage, error) {
	v := c.view.Load()
	if v == nil {
		return ViewPage{}, fmt.Errorf("list %s views: the collection has no view", c.table)
	}
	// Each column costs the driver an allocation and a type lookup per
	// row, so a row sends its seq and its view, NULL when stale.
	cols := `seq, CASE WHEN view_rev = ? THEN view END`
	var p ViewPage
	err := c.list(ctx, cols, []any{v.Rev}, f, after, limit, func(ctx context.Context, q string, args []any) error {
		var err error
		p, err = c.scanViews(ctx, v, q, args, limit)
		return err
	})
	return p, err
}

func (c *Collection[T]) scanViews(ctx context.Context, v *View[T], q string, args []any, limit int) (ViewPage, error) {
	rows, err := c.db.conn(ctx).Raw(q, args...).Rows()
	if err != nil {
		return ViewPage{}, fmt.Errorf("list %s: %w", c.table, err)
	}
	defer rows.Close()
	var (
		buf   []byte       // every view of the page, back to back
		spans [][2]int     // where each view is in buf
		stale []int64      // the seqs of rows without a current view
		raw   sql.RawBytes // the row's view
		seq   int64
		last  int64 // the seq of the last row listed
		p     ViewPage
	)
	for rows.Next() {
		if err := rows.Scan(&seq, &raw); err != nil {
			return ViewPage{}, fmt.Errorf("list %s: %w", c.table, err)
		}
		if len(spans) == limit {
			p.Next = last
			break
		}
		last = seq
		if raw == nil {
			stale = append(stale, seq)
			spans = append(spans, [2]int{-1, len(stale) - 1})
			continue
		}
		spans = append(spans, [2]int{len(buf), len(buf) + len(raw)})
		buf = append(buf, raw...)
		if len(spans) == 1 { // the first view sizes the page
			buf = slices.Grow(buf, len(buf)*limit*9/8)
		}
	}
	if err := rows.Err(); err != nil {
		return ViewPage{}, fmt.Errorf("list %s: %w", c.table, err)
	}
	rows.Close()
	converted, err := c.convertSeqs(ctx, v, stale)
	if err != nil {
		return ViewPage{}, err
	}
	p.Stale = len(stale)
	p.Views = make([][]byte, 0, len(spans))
	for _, sp := range spans {
		if sp[0] >= 0 {
			p.Views = append(p.Views, buf[sp[0]:sp[1]:sp[1]])
		} else if view := converted[sp[1]]; view != nil {
			p.Views = append(p.Views, view)
		}
	}
	return p, nil
}

// convertSeqs reads the documents with the given seqs and returns their
// views, in the same order; a document deleted since it was listed has
// none, and is left out of the page as if it had gone before.
func (c *Collection[T]) convertSeqs(ctx context.Context, v *View[T], seqs []int64) ([][]byte, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	q := fmt.Sprintf(`SELECT %s FROM %s WHERE seq IN (?%s)`, columnsOf(c.db.Dialect), c.table, strings.Repeat(", ?", len(seqs)-1))
	args := make([]any, len(seqs))
	for i, s := range seqs {
		args[i] = s
	}
	items, err := c.queryItems(ctx, c.db.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	views := make(map[int64][]byte, len(items))
	for _, it := range items {
		b, err := v.Encode(it)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s view: %w", c.table, it.ID, err)
		}
		views[it.Seq] = b
	}
	out := make([][]byte, len(seqs))
	for i, s := range seqs {
		out[i] = views[s]
	}
	return out, nil
}

// RefreshViews stores the current view of every document whose row holds
// none or an older one, batch rows per transaction, and returns how many
// it rewrote. The document and its version stay as they are, and a row
// written meanwhile keeps what its writer stored. A build that changes its
// view runs this once at start, so that listings copy views again.
func (c *Collection[T]) RefreshViews(ctx context.Context, batch int) (int, error) {
	v := c.view.Load()
	if v == nil {
		return 0, fmt.Errorf("refresh %s views: the collection has no view", c.table)
	}
	qStale := c.db.rebind(fmt.Sprintf(`SELECT %s FROM %s WHERE seq > ? AND view_rev <> ? ORDER BY seq LIMIT ?`, columnsOf(c.db.Dialect), c.table))
	qSet := c.db.rebind(fmt.Sprintf(`UPDATE %s SET view = ?, view_rev = ? WHERE id = ? AND version = ?`, c.table))
	total := 0
	for after := int64(0); ; {
		var n int
		err := c.db.Tx(ctx, func(ctx context.Context) error {
			stale, err := c.queryItems(ctx, qStale, after, v.Rev, batch)
			if err != nil || len(stale) == 0 {
				return err
			}
			for _, it := range stale {
				view, rev, err := c.viewOf(it)
				if err != nil {
					return err
				}
				if _, err := c.db.sqlConn(ctx).ExecContext(ctx, qSet, view, rev, it.ID, it.Version); err != nil {
					return fmt.Errorf("refresh %s %s view: %w", c.table, it.ID, err)
				}
			}
			n, after = len(stale), stale[len(stale)-1].Seq
			return nil
		})
		if err != nil || n == 0 {
			return total, err
		}
		total += n
	}
}

// queryItems runs q, which selects columnsOf, and decodes its rows: the
// documents whose stored view is missing or stale.
func (c *Collection[T]) queryItems(ctx context.Context, q string, args ...any) ([]Item[T], error) {
	rows, err := c.db.sqlConn(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list stale %s views: %w", c.table, err)
	}
	defer rows.Close()
	var items []Item[T]
	for rows.Next() {
		var it Item[T]
		if err := scanItem(rows, &it, nil); err != nil {
			return nil, fmt.Errorf("list stale %s views: %w", c.table, err)
		}
		items = append(items, it)
	}
	return items, rows.Err()
}
