package kubernetes

import (
	"errors"
	"net"
	"net/url"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// classify turns a client-go error into a vim error of the right kind (vim.Classify).
func classify(op string, err error) error { return vim.Classify(op, err, kindOf) }

func kindOf(err error) error {
	switch {
	case apierrors.IsNotFound(err):
		return vim.ErrNotFound
	case apierrors.IsConflict(err), apierrors.IsAlreadyExists(err):
		return vim.ErrConflict
	case apierrors.IsServerTimeout(err), apierrors.IsTimeout(err):
		return vim.ErrTimeout
	case apierrors.IsTooManyRequests(err), apierrors.IsServiceUnavailable(err),
		apierrors.IsInternalError(err), apierrors.IsUnexpectedServerError(err):
		return vim.ErrTransient
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err), apierrors.IsForbidden(err),
		apierrors.IsUnauthorized(err), apierrors.IsMethodNotSupported(err),
		apierrors.IsNotAcceptable(err), apierrors.IsUnsupportedMediaType(err),
		apierrors.IsRequestEntityTooLargeError(err):
		return vim.ErrPermanent
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) {
		return vim.ErrTransient
	}
	if _, ok := err.(apierrors.APIStatus); ok {
		return vim.ErrPermanent
	}
	return vim.ErrTransient
}
