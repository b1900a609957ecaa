package sol013

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// ETag formats a resource version as a strong entity tag.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// SetETag sets the ETag header of a single-resource response.
func SetETag(c *gin.Context, version int64) { c.Header("ETag", ETag(version)) }

// IfMatch returns the version the request's If-Match header demands, or 0
// when there is none (or it is "*", which any existing resource matches).
// A tag that cannot be one of ours can match nothing: 412.
func IfMatch(c *gin.Context) (int64, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	if strings.Contains(h, ",") {
		return 0, Errorf(http.StatusPreconditionFailed, "If-Match with several entity tags is not supported; send the one ETag you read")
	}
	// A weak tag never matches under If-Match's strong comparison (RFC 9110 §13.1.1).
	tag, quoted := strings.CutPrefix(h, `"`)
	tag, closed := strings.CutSuffix(tag, `"`)
	v, err := strconv.ParseInt(tag, 10, 64)
	if !quoted || !closed || err != nil || v <= 0 {
		return 0, Errorf(http.StatusPreconditionFailed, "If-Match %s does not match the resource's ETag", h)
	}
	return v, nil
}
