package sol013

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
)

// HandlerFunc is the shape of every SOL handler: bind and validate the
// request, call an internal service, convert, and return the body or an
// error. The body may be a *Reply to choose the status and headers, nil for
// 204 No Content, or any value to send as JSON with 200.
type HandlerFunc func(c *gin.Context) (any, error)

// Reply is a response with a status and headers other than 200 JSON.
type Reply struct {
	Status int
	Header http.Header
	// Body is marshalled as JSON unless it is nil (no body) or RawBody is set.
	Body any
	// ContentType overrides application/json for Body.
	ContentType string
}

// Created answers 201 with the Location header SOL 013 requires.
func Created(location string, body any) *Reply {
	return &Reply{Status: http.StatusCreated, Header: http.Header{"Location": {location}}, Body: body}
}

// Accepted answers 202 with a Location header (for example of an LCM
// operation occurrence) and no body.
func Accepted(location string) *Reply {
	h := http.Header{}
	if location != "" {
		h.Set("Location", location)
	}
	return &Reply{Status: http.StatusAccepted, Header: h}
}

// Wrap adapts h to gin for a route that answers JSON: it checks Accept
// (406), then funnels every error of h through [Problem].
func Wrap(h HandlerFunc) gin.HandlerFunc {
	return WrapProducing([]string{JSON}, h)
}

// WrapProducing is Wrap for a route whose successful responses have one of
// the media types in produces; with none, the handler negotiates itself.
func WrapProducing(produces []string, h HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(produces) > 0 {
			if err := negotiate(c, produces...); err != nil {
				Abort(c, err)
				return
			}
		}
		body, err := h(c)
		if err != nil {
			Abort(c, err)
			return
		}
		respond(c, body)
	}
}

func respond(c *gin.Context, body any) {
	switch b := body.(type) {
	case nil:
		c.Status(http.StatusNoContent)
	case *Reply:
		for k, vs := range b.Header {
			for _, v := range vs {
				c.Writer.Header().Add(k, v)
			}
		}
		if b.Body == nil {
			c.Status(b.Status)
			return
		}
		writeJSON(c, b.Status, b.ContentType, b.Body)
	default:
		writeJSON(c, http.StatusOK, "", b)
	}
}

func writeJSON(c *gin.Context, status int, contentType string, body any) {
	if contentType == "" {
		contentType = "application/json"
	}
	c.Render(status, jsonRender{contentType: contentType, body: body})
}

// Abort answers err as ProblemDetails and stops the handler chain. Server
// errors are logged here, once, with the request's context.
func Abort(c *gin.Context, err error) {
	pd, hdr := Problem(err)
	if pd.Status >= http.StatusInternalServerError {
		slog.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method,
			"path", c.FullPath(), "status", pd.Status, "err", err)
	}
	for k, vs := range hdr {
		for _, v := range vs {
			c.Writer.Header().Add(k, v)
		}
	}
	pd.Instance = c.Request.URL.Path
	c.Abort()
	c.Render(pd.Status, jsonRender{contentType: ProblemMediaType, body: pd})
}

// Recovery answers a panicking handler with a 500 ProblemDetails and logs
// the panic, so one bad request cannot take the server down.
func Recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				Abort(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}
