package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"

	"github.com/spf13/pflag"

	"github.com/cadenza-mano/cadenza/cmd/internal/app"
	"github.com/cadenza-mano/cadenza/internal/auth"
	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/vimreg"
	"github.com/cadenza-mano/cadenza/sol/vnfpkgm"
)

// usageFlags name the VNFM whose VNF instances make packages IN_USE.
type usageFlags struct {
	vnfmURL      string
	vnfmClient   string
	vnfmTokenURL string
	callbackURL  string
}

func (u *usageFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&u.vnfmURL, "vnfm-url", "", "VNFM API root whose VNF instances make packages IN_USE: the NFVO subscribes to its SOL 003 lifecycle notifications and reads its instances; empty: usage is not tracked")
	fs.StringVar(&u.vnfmClient, "vnfm-client", "", "OAuth 2.0 client credentials ID:SECRET for calling the VNFM")
	fs.StringVar(&u.vnfmTokenURL, "vnfm-token-url", "", "VNFM token endpoint (default: --vnfm-url + "+auth.TokenPath+")")
	fs.StringVar(&u.callbackURL, "callback-url", "", "this NFVO's API root as the VNFM reaches it, for notifications (default: http:// + --listen, 127.0.0.1 for an unspecified host)")
}

// callbackUser is the HTTP Basic user the VNFM sends notifications as.
const callbackUser = "cadenza-nfvo"

// mountUsage tracks package usage from the VNFM of --vnfm-url, if set:
// the notification callback is served on a's engine and the subscription
// and reconciliation run until ctx ends.
func mountUsage(ctx context.Context, a *app.App, cat *catalog.Service, u *usageFlags, keyFile string) error {
	if u.vnfmURL == "" {
		return nil
	}
	hc, err := u.httpClient()
	if err != nil {
		return err
	}
	key, err := vimreg.LoadKey(keyFile, a.Opts.DataDir)
	if err != nil {
		return err
	}
	callback := u.callbackURL
	if callback == "" {
		callback = "http://" + reachable(a.Opts.Listen)
	}
	tr, err := vnfpkgm.NewUsage(cat, vnfpkgm.UsageOptions{VNFMURL: u.vnfmURL, HTTPClient: hc,
		CallbackURL: callback, CallbackUser: callbackUser, CallbackPassword: callbackPassword(key), Logger: a.Log})
	if err != nil {
		return err
	}
	tr.Mount(a.Engine)
	a.Log.Info("VNF package usage follows the VNFM", "vnfm", u.vnfmURL, "callback", callback+vnfpkgm.CallbackPath)
	go tr.Run(ctx)
	return nil
}

// httpClient calls the VNFM, with OAuth 2.0 tokens when --vnfm-client is set.
func (u *usageFlags) httpClient() (*http.Client, error) {
	return app.PeerClient("vnfm-client", u.vnfmClient, u.vnfmURL, u.vnfmTokenURL)
}

// callbackPassword is the notification callback's password, derived from
// the NFVO's secret key: replicas share that key, so they agree on it, and
// it changes when the key does. The label keeps it apart from the key's
// other use (sealing VIM credentials).
func callbackPassword(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("cadenza vnflcm notification callback"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// reachable turns a listen address into one a local peer can dial.
func reachable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
