package sol013

import (
	"encoding/json"
	"net/http"
)

// jsonRender writes a JSON body with an exact content type. gin's own JSON
// renderer appends a charset and escapes HTML, neither of which SOL wants.
type jsonRender struct {
	contentType string
	body        any
}

func (r jsonRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r.body)
}

func (r jsonRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", r.contentType)
}
