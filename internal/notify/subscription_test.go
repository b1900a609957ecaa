package notify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/cadenza-mano/cadenza/internal/notify"
	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

func TestSubscribeDuplicate(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, be.dsn(t), notify.Options{})
			rc := newReceiver(t, nil)
			first := subscribe(t, b.svc, notify.Subscription{
				CallbackURI: rc.URL, Filter: json.RawMessage(`{"a":1,"b":["x"]}`), NotificationTypes: []string{"A", "B"},
			})
			cases := []struct {
				name    string
				sub     notify.Subscription
				wantDup bool
			}{
				{"same filter, other key order and types order", notify.Subscription{
					CallbackURI: rc.URL, Filter: json.RawMessage(`{ "b": ["x"], "a": 1 }`), NotificationTypes: []string{"B", "A"}}, true},
				{"other filter", notify.Subscription{CallbackURI: rc.URL, Filter: json.RawMessage(`{"a":2}`), NotificationTypes: []string{"A", "B"}}, false},
				{"other types", notify.Subscription{CallbackURI: rc.URL, Filter: json.RawMessage(`{"a":1,"b":["x"]}`)}, false},
				{"other callback", notify.Subscription{CallbackURI: rc.URL + "/other", Filter: json.RawMessage(`{"a":1,"b":["x"]}`), NotificationTypes: []string{"A", "B"}}, false},
			}
			for _, c := range cases {
				c.sub.API = testAPI
				_, err := b.svc.Subscribe(t.Context(), c.sub)
				var dup *notify.DuplicateError
				if got := errors.As(err, &dup); got != c.wantDup {
					t.Errorf("%s: Subscribe error %v, want duplicate %v", c.name, err, c.wantDup)
				} else if got && dup.Existing.ID != first.ID {
					t.Errorf("%s: duplicate of %s, want %s", c.name, dup.Existing.ID, first.ID)
				}
				if !c.wantDup && err != nil {
					t.Errorf("%s: %v", c.name, err)
				}
			}
		})
	}
}

func TestSubscriptionCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t, backends[0].dsn(t), notify.Options{})
	rc := newReceiver(t, nil)
	ctx := t.Context()
	a := subscribe(t, b.svc, notify.Subscription{CallbackURI: rc.URL + "/a"})
	other, err := b.svc.Subscribe(ctx, notify.Subscription{API: "otherapi", CallbackURI: rc.URL + "/a"})
	if err != nil {
		t.Fatalf("subscribe other API: %v", err)
	}
	if got, err := b.svc.Get(ctx, testAPI, a.ID); err != nil || got.CallbackURI != a.CallbackURI {
		t.Errorf("Get: %v, %v", got, err)
	}
	if _, err := b.svc.Get(ctx, testAPI, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of another API's subscription: got %v, want not found", err)
	}
	f := query.Filter{{Path: []string{"callbackUri"}, Op: query.Eq, Values: []string{rc.URL + "/a"}}}
	page, err := b.svc.List(ctx, testAPI, f, 0, 10)
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != a.ID {
		t.Errorf("List: %+v, %v; want only %s", page, err, a.ID)
	}
	secret := query.Filter{{Path: []string{"authentication", "paramsBasic", "password"}, Op: query.Eq, Values: []string{"x"}}}
	if _, err := b.svc.List(ctx, testAPI, secret, 0, 10); !errors.Is(err, query.ErrInvalid) {
		t.Errorf("List filtering on a password: got %v, want query.ErrInvalid", err)
	}
	if err := b.svc.Delete(ctx, testAPI, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete of another API's subscription: got %v, want not found", err)
	}
	if err := b.svc.Delete(ctx, testAPI, a.ID); err != nil {
		t.Errorf("Delete: %v", err)
	}
	if _, err := b.svc.Get(ctx, testAPI, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want not found", err)
	}
}

func TestSubscriptionValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		sub     notify.Subscription
		wantErr []string
	}{
		{"valid", notify.Subscription{API: "x", CallbackURI: "https://h/cb"}, nil},
		{"relative callback and no api", notify.Subscription{CallbackURI: "/cb"}, []string{"api", "callbackUri"}},
		{"bad filter", notify.Subscription{API: "x", CallbackURI: "http://h", Filter: json.RawMessage(`{`)}, []string{"filter"}},
		{"both authentications", notify.Subscription{API: "x", CallbackURI: "http://h", Authentication: &notify.Authentication{
			Basic: &notify.BasicAuth{UserName: "u"}, OAuth2: &notify.OAuth2ClientCredentials{ClientID: "c", ClientPassword: "p", TokenEndpoint: "http://t"}}},
			[]string{"both"}},
		{"oauth2 without token endpoint", notify.Subscription{API: "x", CallbackURI: "http://h", Authentication: &notify.Authentication{
			OAuth2: &notify.OAuth2ClientCredentials{ClientID: "c", ClientPassword: "p"}}}, []string{"tokenEndpoint"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.sub.Validate()
			if (err != nil) != (len(c.wantErr) > 0) {
				t.Fatalf("Validate: %v, want errors about %v", err, c.wantErr)
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate: %v, want a mention of %q", err, w)
				}
			}
		})
	}
}

func TestSubscriptionRedaction(t *testing.T) {
	t.Parallel()
	const pw, cpw = "basic-pw-123", "client-pw-456"
	subs := []notify.Subscription{
		{ID: "1", API: "x", CallbackURI: "https://user:urlpw@h/cb?k=querypw", Authentication: &notify.Authentication{
			Basic: &notify.BasicAuth{UserName: "u", Password: pw}}},
		{ID: "2", API: "x", CallbackURI: "https://h/cb", Authentication: &notify.Authentication{
			OAuth2: &notify.OAuth2ClientCredentials{ClientID: "c", ClientPassword: cpw, TokenEndpoint: "https://t/token"}}},
	}
	for _, s := range subs {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "sub", s)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "sub", s)
		fmt.Fprintf(&buf, "%v %+v %#v %s", s, s, s, s)
		for _, secret := range []string{pw, cpw, "urlpw", "querypw"} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("subscription %s: %q shows in %s", s.ID, secret, buf.String())
			}
		}
		// The redacted view keeps the callback URI as the subscriber gave
		// it, for responses, but no password.
		red, _ := json.Marshal(s.Redacted())
		for _, secret := range []string{pw, cpw, "password"} {
			if strings.Contains(strings.ToLower(string(red)), secret) {
				t.Errorf("subscription %s: %q shows in the redacted view %s", s.ID, secret, red)
			}
		}
		if s.Redacted().Authentication == nil {
			t.Errorf("subscription %s: Redacted dropped the kind of authentication", s.ID)
		}
	}
	if subs[0].Authentication.Basic.Password != pw {
		t.Error("Redacted changed the original")
	}
}
