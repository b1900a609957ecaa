package vim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/vim"
)

func TestConnectionHidesCredentials(t *testing.T) {
	t.Parallel()
	const token, key = "s3cr3t-token-value", "-----BEGIN PRIVATE KEY-----abc"
	c := vim.Connection{
		VIMID: "vim-1", VIMType: vim.VIMTypeKubernetesETSIV1, Endpoint: "https://127.0.0.1:6443",
		BearerToken: vim.NewSecret(token), ClientKey: vim.NewSecret(key), CACert: []byte("CA"),
	}
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, text string }{
		{name: "String", text: c.String()},
		{name: "%v", text: fmt.Sprintf("%v", c)},
		{name: "%+v", text: fmt.Sprintf("%+v", c)},
		{name: "%#v", text: fmt.Sprintf("%#v", c)},
		{name: "pointer %+v", text: fmt.Sprintf("%+v", &c)},
		{name: "JSON", text: string(raw)},
		{name: "secret %#v", text: fmt.Sprintf("%#v", c.BearerToken)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if strings.Contains(tt.text, token) || strings.Contains(tt.text, "PRIVATE KEY") {
				t.Errorf("credential shown: %s", tt.text)
			}
		})
	}
	if !c.IsKubernetes() || c.BearerToken.Reveal() != token {
		t.Error("connection lost its type or token")
	}
	if !strings.Contains(string(raw), `"auth":"bearer token"`) {
		t.Errorf("JSON does not say how it authenticates: %s", raw)
	}
}

func TestOpenStackConnectionHidesCredentials(t *testing.T) {
	t.Parallel()
	const password, appSecret = "pa55-w0rd-value", "app-cred-s3cret"
	tests := []struct {
		name string
		auth vim.OpenStackAuth
		kind string
	}{
		{name: "password", kind: "password", auth: vim.OpenStackAuth{Username: "admin",
			Password: vim.NewSecret(password), ProjectName: "admin", UserDomain: "Default", Region: "RegionOne"}},
		{name: "application credential", kind: "application credential", auth: vim.OpenStackAuth{
			ApplicationCredentialID: "ac-1", ApplicationCredentialSecret: vim.NewSecret(appSecret)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := vim.Connection{VIMID: "vim-os", VIMType: vim.VIMTypeOpenStackETSIV3,
				Endpoint: "http://127.0.0.1:5000/v3", OpenStack: &tt.auth}
			raw, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c),
				fmt.Sprintf("%#v", c), fmt.Sprintf("%+v", &c), fmt.Sprintf("%+v", *c.OpenStack),
				fmt.Sprintf("%#v", *c.OpenStack), string(raw)} {
				if strings.Contains(text, password) || strings.Contains(text, appSecret) {
					t.Errorf("credential shown: %s", text)
				}
			}
			if !strings.Contains(string(raw), `"auth":"`+tt.kind+`"`) {
				t.Errorf("JSON does not say how it authenticates: %s", raw)
			}
			if !c.IsOpenStack() || c.IsKubernetes() {
				t.Errorf("%s: IsOpenStack %v, IsKubernetes %v", c.VIMType, c.IsOpenStack(), c.IsKubernetes())
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		kind error
		ctx  error
	}{
		{name: "errorf", err: vim.Errorf(vim.ErrConflict, "scale web", "409"), kind: vim.ErrConflict},
		{name: "cancelled", err: vim.ContextError("deploy", context.Canceled), kind: vim.ErrTransient, ctx: context.Canceled},
		{name: "deadline", err: vim.ContextError("deploy", context.DeadlineExceeded), kind: vim.ErrTimeout, ctx: context.DeadlineExceeded},
		{name: "wrapped", err: fmt.Errorf("step: %w", vim.Errorf(vim.ErrNotFound, "get", "x")), kind: vim.ErrNotFound},
		{name: "unclassified", err: errors.New("x"), kind: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := vim.KindOf(tt.err); got != tt.kind {
				t.Errorf("kind %v, want %v", got, tt.kind)
			}
			if tt.ctx != nil && !errors.Is(tt.err, tt.ctx) {
				t.Errorf("%v does not match %v", tt.err, tt.ctx)
			}
		})
	}
}

func TestHandleDecodeState(t *testing.T) {
	t.Parallel()
	h, err := vim.NewDriverHandle("k", 2, "vnf", map[string]string{"ns": "a"})
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]string
	tests := []struct {
		name    string
		driver  string
		max     int
		h       vim.Handle
		wantErr bool
	}{
		{name: "same driver and version", driver: "k", max: 2, h: h},
		{name: "newer reader", driver: "k", max: 3, h: h},
		{name: "older reader", driver: "k", max: 1, h: h, wantErr: true},
		{name: "other driver", driver: "o", max: 2, h: h, wantErr: true},
		{name: "garbage state", driver: "k", max: 2, h: vim.Handle{Driver: "k", Version: 1, State: []byte("{")}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.h.DecodeState(tt.driver, tt.max, &st)
			if (err != nil) != tt.wantErr || err != nil && !errors.Is(err, vim.ErrPermanent) {
				t.Errorf("err %v, want error %v (ErrPermanent)", err, tt.wantErr)
			}
		})
	}
}
