package auth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

// FuzzAuthorizationHeader feeds arbitrary Authorization headers to a
// Validator: it must never panic, never admit the request (forging a
// signature is out of the fuzzer's reach), classify a header without a
// Bearer credential as ErrNoToken, and never echo the credential.
func FuzzAuthorizationHeader(f *testing.F) {
	v := localValidator(f, nil)
	f.Fuzz(func(t *testing.T, header string) {
		r := requestWith()
		r.Header["Authorization"] = []string{header}
		err := v.Authenticate(r, "vnflcm:v1:all")
		if !errors.Is(err, auth.ErrUnauthenticated) {
			t.Fatalf("header %q: got %v, want ErrUnauthenticated", header, err)
		}
		scheme, cred, _ := strings.Cut(header, " ")
		if isBearer := strings.EqualFold(scheme, "Bearer"); isBearer == errors.Is(err, auth.ErrNoToken) {
			t.Fatalf("header %q: got %v", header, err)
		}
		if cred = strings.TrimLeft(cred, " "); len(cred) >= 8 && strings.Contains(err.Error(), cred) {
			t.Fatalf("error %q echoes the credential", err)
		}
	})
}

func TestAuthenticate_Header(t *testing.T) {
	t.Parallel()
	v := localValidator(t, nil)
	long := "Bearer " + strings.Repeat("a", 17<<10)
	tests := []struct {
		name    string
		header  []string
		wantErr error
		detail  string
	}{
		{name: "absent", wantErr: auth.ErrNoToken},
		{name: "other scheme", header: []string{"Negotiate abc"}, wantErr: auth.ErrNoToken},
		{name: "scheme only", header: []string{"Bearer"}, wantErr: auth.ErrUnauthenticated, detail: "empty bearer token"},
		{name: "too long", header: []string{long}, wantErr: auth.ErrUnauthenticated, detail: "too long"},
		{name: "padding only", header: []string{"Bearer ==="}, wantErr: auth.ErrUnauthenticated, detail: "malformed bearer"},
		{name: "padding inside", header: []string{"Bearer ab=cd"}, wantErr: auth.ErrUnauthenticated, detail: "malformed bearer"},
		{name: "token68 but not a JWT", header: []string{"Bearer abc+/~=="}, wantErr: auth.ErrUnauthenticated,
			detail: "malformed token"},
		{name: "several spaces before the token", header: []string{"Bearer   a.b.c"}, wantErr: auth.ErrUnauthenticated,
			detail: "malformed token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := requestWith(tt.header...)
			err := v.Authenticate(r)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("got %v, want %v with %q", err, tt.wantErr, tt.detail)
			}
			if tt.wantErr != auth.ErrNoToken && errors.Is(err, auth.ErrNoToken) {
				t.Fatalf("got %v, which claims no token was sent", err)
			}
		})
	}
}
