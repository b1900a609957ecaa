package catalog

import (
	"context"
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
	if ferr != nil && !lastAttempt && !errors.Is(ferr, ErrInvalidSource) && !errors.Is(ferr, ErrTooLarge) {
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

func (s *Service) download(ctx context.Context, id string, src uploadSource) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URI, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidSource, err)
	}
	if src.Username != "" || src.Password != "" {
		req.SetBasicAuth(src.Username, src.Password)
	}
	res, err := s.client.Do(req)
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
	return s.spool(ctx, id, res.Body)
}

// redact drops credentials a URL may carry, for errors and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
