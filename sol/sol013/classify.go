package sol013

import (
	"errors"
	"net/http"

	"github.com/cadenza-mano/cadenza/internal/store"
)

func init() {
	RegisterClassifier(func(err error) (int, string) {
		switch {
		case errors.Is(err, store.ErrNotFound):
			return http.StatusNotFound, err.Error()
		case errors.Is(err, store.ErrExists):
			return http.StatusConflict, err.Error()
		case errors.Is(err, store.ErrVersionMismatch):
			return http.StatusPreconditionFailed, err.Error()
		}
		return 0, ""
	})
}
