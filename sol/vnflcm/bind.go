package vnflcm

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/sol/sol013"
)

// bindTask decodes a task request into v, validates it, and returns the
// body as operationParams (without credentials). Unlike sol013.BindJSON it
// ignores attributes v does not know: python-tackerclient merges the
// contents of --additional-param-file into the top level of scale and heal
// requests, and the client must work unchanged.
func bindTask(c *gin.Context, v any) (json.RawMessage, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, sol013.DefaultMaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, sol013.Errorf(http.StatusRequestEntityTooLarge, "request body exceeds %d bytes", tooBig.Limit)
		}
		return nil, sol013.Wrapf(err, http.StatusBadRequest, "read request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte(`{}`)
	} else if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != sol013.JSON {
		return nil, sol013.Errorf(http.StatusUnsupportedMediaType, "request body must be %s", sol013.JSON)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, sol013.Errorf(http.StatusBadRequest, "invalid request body: %v", err)
	}
	if val, ok := v.(sol013.Validator); ok {
		if err := val.Validate(); err != nil {
			return nil, sol013.Errorf(http.StatusBadRequest, "invalid request: %v", err)
		}
	}
	return redactParams(body), nil
}
