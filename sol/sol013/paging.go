package sol013

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// DefaultPageSize is how many items one page of a list holds. SOL 013
// leaves the size to the server; clients follow the Link header.
const DefaultPageSize = 100

// markerParam is the SOL 013 paging parameter.
const markerParam = "nextpage_opaque_marker"

// ListRequest is a parsed GET on a list resource.
type ListRequest struct {
	Filter   query.Filter
	Selector Selector
	// After is the Seq the page starts after (0 for the first page).
	After int64
	Limit int
	// state is what a next page marker carries: everything that shaped
	// this listing, so a client that sends only the marker gets the
	// same listing continued.
	state marker
}

type marker struct {
	Filter string     `json:"f,omitempty"`
	Sel    url.Values `json:"s,omitempty"`
	After  int64      `json:"a"`
}

// ParseList reads filter, selectors and paging marker of a list request and
// checks the filter against the resource's schema. With a marker, the
// listing's state comes from the marker alone.
func ParseList(c *gin.Context, schema *query.Schema) (ListRequest, error) {
	q, err := listQuery(c.Request.URL.RawQuery)
	if err != nil {
		return ListRequest{}, err
	}
	st := marker{Filter: q.Get("filter"), Sel: url.Values{}}
	if m := q.Get(markerParam); m != "" {
		var err error
		if st, err = decodeMarker(m); err != nil {
			return ListRequest{}, err
		}
	} else {
		for _, p := range selectorParams {
			if v, ok := q[p]; ok {
				st.Sel[p] = v
			}
		}
	}
	r := ListRequest{After: st.After, Limit: DefaultPageSize, state: st}
	if r.Selector, err = ParseSelector(st.Sel); err != nil {
		return r, err
	}
	if st.Filter != "" {
		if r.Filter, err = ParseFilter(st.Filter); err != nil {
			return r, err
		}
		if err := schema.Check(r.Filter); err != nil {
			return r, err // query.ErrInvalid: a 400 through the classifier
		}
	}
	return r, nil
}

// listQuery parses a list request's query string. net/url drops every
// pair holding a ';' (Go 1.17 stopped treating it as a separator), which
// would silently turn "filter=(eq,a,1);(eq,b,2)" sent unencoded into no
// filter at all; SOL 013 filters use ';' between terms, so pairs are split
// on '&' alone here. python-tackerclient's "exclude-fields" is taken as
// exclude_fields.
func listQuery(raw string) (url.Values, error) {
	q := url.Values{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, Errorf(http.StatusBadRequest, "malformed query parameter %q", pair)
		}
		if key == "exclude-fields" {
			key = "exclude_fields"
		}
		q[key] = append(q[key], val)
	}
	return q, nil
}

func decodeMarker(m string) (marker, error) {
	var st marker
	raw, err := base64.RawURLEncoding.DecodeString(m)
	if err == nil {
		err = json.Unmarshal(raw, &st)
	}
	if err != nil || st.After < 0 {
		return marker{}, Errorf(http.StatusBadRequest, "%s is not one this server issued", markerParam)
	}
	return st, nil
}

// SetNextLink sets the Link header to the page after next, if there is one.
func (r ListRequest) SetNextLink(c *gin.Context, next int64) {
	if next == 0 {
		return
	}
	st := r.state
	st.After = next
	raw, _ := json.Marshal(st)
	u := url.URL{Scheme: scheme(c.Request), Host: c.Request.Host, Path: c.Request.URL.Path,
		RawQuery: markerParam + "=" + base64.RawURLEncoding.EncodeToString(raw)}
	c.Header("Link", "<"+u.String()+`>; rel="next"`)
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		return p
	}
	return "http"
}

// Lister is what ListPage lists from: a store collection, or a service that
// narrows one (for example to one API's subscriptions).
type Lister[T any] interface {
	// Schema describes the attributes filters may name.
	Schema() *query.Schema
	// List returns up to limit items after seq after that match f.
	List(ctx context.Context, f query.Filter, after int64, limit int) (store.Page[T], error)
}

// ListPage answers a list request from coll: it parses the request, lists
// one page in the database, converts each item with wire, applies the
// selector as sel says and sets the Link header.
func ListPage[T, W any](c *gin.Context, coll Lister[T], sel Selection,
	wire func(store.Item[T]) W) (any, error) {
	r, err := ParseList(c, coll.Schema())
	if err != nil {
		return nil, err
	}
	p, err := coll.List(c.Request.Context(), r.Filter, r.After, r.Limit)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(p.Items))
	for _, it := range p.Items {
		v, err := r.Selector.Apply(wire(it), sel)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	r.SetNextLink(c, p.Next)
	return out, nil
}
