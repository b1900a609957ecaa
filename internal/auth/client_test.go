package auth_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/auth"
)

func TestParseClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    auth.Client
		wantErr string
	}{
		{name: "id and secret", in: "nfvo:s3cret", want: auth.Client{ID: "nfvo", Secret: "s3cret"}},
		{name: "with SOL scopes", in: "vnfm:pw:vnflcm:v1:all,grant:v1:all",
			want: auth.Client{ID: "vnfm", Secret: "pw", Scopes: []string{"vnflcm:v1:all", "grant:v1:all"}}},
		{name: "duplicate scopes collapse", in: "a:b:x,x,y", want: auth.Client{ID: "a", Secret: "b", Scopes: []string{"x", "y"}}},
		{name: "secret with symbols", in: "a:p@ss word%&=", want: auth.Client{ID: "a", Secret: "p@ss word%&="}},
		{name: "no colon", in: "nfvo", wantErr: "want ID:SECRET"},
		{name: "empty id", in: ":secret", wantErr: "empty client id"},
		{name: "empty secret", in: "nfvo:", wantErr: "empty client secret"},
		{name: "empty scope list", in: "nfvo:pw:", wantErr: "scope \"\""},
		{name: "empty scope in list", in: "nfvo:pw:a,,b", wantErr: "scope \"\""},
		{name: "scope with a space", in: "nfvo:pw:a b", wantErr: "scope \"a b\""},
		{name: "control character in secret", in: "nfvo:pw\x00x", wantErr: "outside printable ASCII"},
		{name: "non-ASCII id", in: "nföo:pw", wantErr: "outside printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auth.ParseClient(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				if _, secret, ok := strings.Cut(tt.in, ":"); ok && len(secret) > 3 && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.want.ID || got.Secret != tt.want.Secret || !slices.Equal(got.Scopes, tt.want.Scopes) {
				t.Fatalf("got %#v %v, want %#v %v", got, got.Scopes, tt.want, tt.want.Scopes)
			}
		})
	}
}

func TestClient_RedactsSecret(t *testing.T) {
	t.Parallel()
	c := auth.Client{ID: "nfvo", Secret: "hunter2"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, c); strings.Contains(got, c.Secret) {
			t.Errorf("%s prints the secret: %s", verb, got)
		}
	}
}

// FuzzParseClient checks that the parser never panics and that what it
// accepts is well-formed and prints back to an equal client.
func FuzzParseClient(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		c, err := auth.ParseClient(s)
		if err != nil {
			return
		}
		if c.ID == "" || c.Secret == "" || strings.Contains(c.ID, ":") || strings.Contains(c.Secret, ":") {
			t.Fatalf("accepted %q as %#v", s, c)
		}
		if c.String() != c.ID+":[redacted]" {
			t.Fatalf("String() = %q", c.String())
		}
		again := c.ID + ":" + c.Secret
		if len(c.Scopes) > 0 {
			again += ":" + strings.Join(c.Scopes, ",")
		}
		back, err := auth.ParseClient(again)
		if err != nil || back.ID != c.ID || back.Secret != c.Secret || !slices.Equal(back.Scopes, c.Scopes) {
			t.Fatalf("%q parsed as %#v %v, which prints as %q and parses back as %#v %v (%v)",
				s, c, c.Scopes, again, back, back.Scopes, err)
		}
	})
}
