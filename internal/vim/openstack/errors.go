package openstack

import (
	"errors"
	"net"
	"net/http"
	"net/url"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

// classify turns a gophercloud error into a vim error of the right kind (vim.Classify).
func classify(op string, err error) error { return vim.Classify(op, err, kindOf) }

// kindOf maps HTTP status codes: 404 not found, 409 conflict, 408/504 timeout, 429 and 5xx
// transient, other 4xx permanent; network errors are transient.
func kindOf(err error) error {
	var ce gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ce) {
		return kindOfStatus(ce.Actual)
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) {
		return vim.ErrTransient
	}
	var me gophercloud.ErrMissingInput
	if errors.As(err, &me) {
		return vim.ErrPermanent
	}
	return vim.ErrTransient
}

func kindOfStatus(code int) error {
	switch {
	case code == http.StatusNotFound:
		return vim.ErrNotFound
	case code == http.StatusConflict:
		return vim.ErrConflict
	case code == http.StatusRequestTimeout || code == http.StatusGatewayTimeout:
		return vim.ErrTimeout
	case code == http.StatusTooManyRequests || code >= 500:
		return vim.ErrTransient
	}
	return vim.ErrPermanent
}

// isNotFound reports a 404 from any OpenStack API.
func isNotFound(err error) bool {
	return gophercloud.ResponseCodeIs(err, http.StatusNotFound)
}
