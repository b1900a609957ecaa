package catalog

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// DefaultFetchTimeout bounds one download for upload_from_uri.
const DefaultFetchTimeout = 10 * time.Minute

const (
	// maxFetchRedirects bounds the redirects one download follows.
	maxFetchRedirects = 5
	// fetchMaxAttempts bounds the tries of a download that fails in a way
	// a retry may mend (a 5xx, a dropped connection). The queue's default,
	// 25 with a back-off of attempt⁴ seconds, would leave the package
	// UPLOADING for weeks; five give up after about six minutes.
	fetchMaxAttempts = 5
)

// ErrFetchTimeout means a download did not complete within the fetch time
// limit (Options.FetchTimeout): a server that stalls or trickles. It is
// final: trying again would only wait as long again.
var ErrFetchTimeout = errors.New("fetch time limit reached")

// Source is where upload_from_uri fetches a package from.
type Source struct {
	URI string
	// Username and Password, if set, authenticate with HTTP Basic.
	Username, Password string
}

// uploadSource keeps a Source until its download is done. It lives in a
// collection of its own, which no API lists or filters, so the password
// never reaches a response or a filter.
type uploadSource struct {
	ID       string `json:"id"`
	URI      string `json:"uri"`
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
}

var sourceSchema = query.SchemaOf(struct {
	ID string `json:"id"`
}{})

// ErrInvalidSource means an upload_from_uri address cannot be fetched.
var ErrInvalidSource = errors.New("invalid package address")

// UploadFromURI schedules the download of package id from src: the
// package goes to UPLOADING with the download job in one transaction.
func (s *Service) UploadFromURI(ctx context.Context, id string, src Source) error {
	u, err := url.Parse(src.URI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %q is not an http or https URL", ErrInvalidSource, src.URI)
	}
	return s.db.Tx(ctx, func(ctx context.Context) error {
		if _, err := s.setState(ctx, id, Created, Uploading); err != nil {
			return err
		}
		_ = s.sources.Delete(ctx, id, nil) // a stale one from an earlier failed attempt
		rec := uploadSource{ID: id, URI: src.URI, Username: src.Username, Password: src.Password}
		if _, err := s.sources.Create(ctx, id, &rec); err != nil {
			return err
		}
		_, err := s.jobs.InsertTx(ctx, FetchArgs{PackageID: id}, nil)
		return err
	})
}

// fetch downloads package id from its recorded source and schedules its
// processing. A download that fails for good (last attempt, or an answer
// that retrying cannot change) ends the package in ERROR, since no client
// waits to retry it.
func (s *Service) fetch(ctx context.Context, id string, lastAttempt bool) error {
	src, err := s.sources.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // done by an earlier run
	}
	if err != nil {
		return err
	}
	ferr := s.download(ctx, id, src.Doc)
	if ferr != nil && !lastAttempt && !errors.Is(ferr, ErrInvalidSource) && !errors.Is(ferr, ErrTooLarge) &&
		!errors.Is(ferr, ErrFetchTimeout) {
		return ferr
	}
	return s.db.Tx(context.WithoutCancel(ctx), func(ctx context.Context) error {
		if err := s.sources.Delete(ctx, id, nil); err != nil {
			return err
		}
		if ferr != nil {
			_, err := s.packages.Update(ctx, id, 0, func(p *Package) error {
				p.OnboardingState, p.FailureDetail = Error, "download failed: "+ferr.Error()
				return nil
			})
			return err
		}
		if _, err := s.setState(ctx, id, Uploading, Processing); err != nil {
			return err
		}
		_, err := s.jobs.InsertTx(ctx, ProcessArgs{PackageID: id}, nil)
		return err
	})
}

// download fetches src within the fetch time limit. The limit rides on the
// context rather than on http.Client.Timeout so that its expiry is told
// apart (by its cause) from a cancelled job or a broken connection.
func (s *Service) download(ctx context.Context, id string, src uploadSource) error {
	ctx, cancel := context.WithTimeoutCause(ctx, s.opts.FetchTimeout, ErrFetchTimeout)
	defer cancel()
	err := s.get(ctx, id, src)
	if err != nil && errors.Is(context.Cause(ctx), ErrFetchTimeout) {
		return fmt.Errorf("fetch %s: %w: no complete answer within %s", redact(src.URI), ErrFetchTimeout, s.opts.FetchTimeout)
	}
	return err
}

// get fetches src and spools its body as package id's zip.
func (s *Service) get(ctx context.Context, id string, src uploadSource) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URI, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidSource, err)
	}
	if src.Username != "" || src.Password != "" {
		req.SetBasicAuth(src.Username, src.Password)
	}
	res, err := s.client.Do(req)
	var cverr *tls.CertificateVerificationError
	if errors.As(err, &cverr) {
		// Retrying cannot make the certificate trusted; --package-fetch-ca can.
		return fmt.Errorf("%w: fetch %s: server certificate not trusted: %v", ErrInvalidSource, redact(src.URI), cverr.Err)
	}
	if err != nil {
		return fmt.Errorf("fetch %s: %w", redact(src.URI), err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		err := fmt.Errorf("fetch %s: %s", redact(src.URI), res.Status)
		if res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests {
			err = fmt.Errorf("%w: %v", ErrInvalidSource, err)
		}
		return err
	}
	// A declared length over the limit is refused before any byte is read;
	// an undeclared or false one is caught by spool, which counts.
	if limit := s.maxPackageSize(); res.ContentLength > limit {
		return fmt.Errorf("fetch %s: %w: Content-Length %d exceeds the size limit of %d bytes",
			redact(src.URI), ErrTooLarge, res.ContentLength, limit)
	}
	return s.spool(ctx, id, res.Body)
}

// newFetchClient returns the client of upload_from_uri: server certificates
// checked against roots (nil: the system's), at most maxFetchRedirects
// redirects, none to another scheme than http(s) nor from https to http,
// where Basic credentials would travel in clear (Go drops them on a
// redirect to another host, not to another port of the same one). It has
// no Timeout of its own: download puts the limit on the context.
func newFetchClient(roots *x509.CertPool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

// checkRedirect is the fetch client's redirect policy: see newFetchClient.
func checkRedirect(req *http.Request, via []*http.Request) error {
	switch {
	case len(via) > maxFetchRedirects:
		return fmt.Errorf("%w: more than %d redirects", ErrInvalidSource, maxFetchRedirects)
	case req.URL.Scheme != "http" && req.URL.Scheme != "https":
		return fmt.Errorf("%w: redirect to a %q URL refused", ErrInvalidSource, req.URL.Scheme)
	case via[0].URL.Scheme == "https" && req.URL.Scheme == "http":
		return fmt.Errorf("%w: redirect from https to http refused", ErrInvalidSource)
	}
	return nil
}

// redact drops credentials a URL may carry, for errors and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
