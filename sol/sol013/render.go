package sol013

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// jsonRender writes a JSON body with an exact content type. gin's own JSON
// renderer appends a charset and escapes HTML, neither of which SOL wants.
type jsonRender struct {
	contentType string
	body        any
}

func (r jsonRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	if b, ok := r.body.(encodedJSON); ok {
		// Its length is known: no chunked encoding.
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, err := w.Write(b)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r.body)
}

func (r jsonRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", r.contentType)
}

// encodedJSON is a body already encoded as the encoder below would write
// it, final newline included; it is written as it is.
type encodedJSON []byte
