package check

import (
	"net/http"
	"net/http/httptest"
)

// Recorded makes a Response of an exchange served in-process, so handler
// tests can use the same assertions as the runner:
//
//	rec := httptest.NewRecorder()
//	engine.ServeHTTP(rec, req)
//	_, err := check.Recorded(req, rec).ExpectProblem(http.StatusNotFound, schema)
func Recorded(req *http.Request, rec *httptest.ResponseRecorder) *Response {
	res := rec.Result()
	return &Response{Method: req.Method, URL: req.URL, Status: res.StatusCode,
		Header: res.Header, Body: rec.Body.Bytes()}
}
