package sol013

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Media types the interfaces produce and consume.
const (
	JSON      = "application/json"
	PlainText = "text/plain"
	Zip       = "application/zip"
	Octets    = "application/octet-stream"
)

// DefaultMaxBody bounds JSON request bodies. SOL bodies are small; a larger
// one is a mistake or an attack and is answered 413 before it is read.
const DefaultMaxBody = 1 << 20

// negotiate answers 406 unless the Accept header admits one of produces.
// A missing Accept admits everything.
func negotiate(c *gin.Context, produces ...string) error {
	accept := c.GetHeader("Accept")
	if accept == "" {
		return nil
	}
	if Acceptable(accept, produces...) != "" {
		return nil
	}
	return Errorf(http.StatusNotAcceptable, "cannot produce %s for Accept %q",
		strings.Join(produces, " or "), accept)
}

// Acceptable returns the first of produces that the Accept header value
// admits (honouring wildcards and q=0), or "" if none is.
func Acceptable(accept string, produces ...string) string {
	for _, p := range produces {
		for _, rng := range strings.Split(accept, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(rng))
			if err != nil || params["q"] == "0" || params["q"] == "0.0" {
				continue
			}
			if mediaMatch(mt, p) {
				return p
			}
		}
	}
	return ""
}

func mediaMatch(rng, mt string) bool {
	if rng == "*/*" || rng == mt {
		return true
	}
	typ, _, _ := strings.Cut(mt, "/")
	return rng == typ+"/*"
}

// Negotiate is a middleware form of the Accept check for routes that produce
// something other than JSON.
func Negotiate(produces ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := negotiate(c, produces...); err != nil {
			Abort(c, err)
			return
		}
		c.Next()
	}
}

// requireContentType answers 415 unless the request's Content-Type is one
// of consumes.
func requireContentType(c *gin.Context, consumes ...string) error {
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, want := range consumes {
			if mt == want {
				return nil
			}
		}
	}
	return Errorf(http.StatusUnsupportedMediaType, "Content-Type %q is not supported here; use %s",
		ct, strings.Join(consumes, " or "))
}

// Validator is implemented by wire types that check themselves after
// decoding. Validate reports every problem, each naming its attribute path.
type Validator interface {
	Validate() error
}

// BindJSON decodes the request body into v strictly: the Content-Type must
// be JSON, the body at most DefaultMaxBody bytes, exactly one JSON value, and
// no attribute the type does not know (SOL data types are closed unless they
// say otherwise; open parts are map-typed and accept anything). It then runs
// v.Validate if v has one. Every failure is a 4xx *Error.
func BindJSON(c *gin.Context, v any) error {
	return bindBody(c, v, JSON)
}

// MergePatch is the media type of PATCH bodies (RFC 7396).
const MergePatch = "application/merge-patch+json"

// BindMergePatch is BindJSON for PATCH: SOL 013 bodies are JSON merge
// patches. Plain application/json is accepted too, since clients send it.
func BindMergePatch(c *gin.Context, v any) error {
	return bindBody(c, v, MergePatch, JSON)
}

func bindBody(c *gin.Context, v any, consumes ...string) error {
	if err := requireContentType(c, consumes...); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, DefaultMaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Errorf(http.StatusRequestEntityTooLarge, "request body exceeds %d bytes", tooBig.Limit)
		}
		return Wrapf(err, http.StatusBadRequest, "cannot read request body")
	}
	if err := decodeStrict(body, v); err != nil {
		return Errorf(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	if val, ok := v.(Validator); ok {
		if err := val.Validate(); err != nil {
			return Errorf(http.StatusBadRequest, "invalid request: %s", joinLines(err))
		}
	}
	return nil
}

func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return fmt.Errorf("%v at offset %d", syn, syn.Offset)
		}
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// joinLines flattens an errors.Join tree into one "; "-separated detail.
func joinLines(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
