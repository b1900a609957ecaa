package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
)

// OpenStackAuth holds Keystone v3 password credentials for the test cloud.
type OpenStackAuth struct {
	AuthURL           string
	Username          string
	Password          string
	ProjectName       string
	UserDomainName    string
	ProjectDomainName string
	RegionName        string
}

// String describes the credentials without the password, so that they may be logged.
func (a OpenStackAuth) String() string {
	return fmt.Sprintf("%s user %s/%s project %s/%s region %s",
		a.AuthURL, a.UserDomainName, a.Username, a.ProjectDomainName, a.ProjectName, a.RegionName)
}

// OpenStack returns the test cloud's credentials from the OS_* environment that
// `hack/openstack-testenv.sh env` prints, or ends the test (skip, or failure when required)
// when they are missing or Keystone does not answer.
func OpenStack(tb testing.TB) OpenStackAuth {
	tb.Helper()
	auth := OpenStackAuth{
		AuthURL:           os.Getenv("OS_AUTH_URL"),
		Username:          os.Getenv("OS_USERNAME"),
		Password:          os.Getenv("OS_PASSWORD"),
		ProjectName:       os.Getenv("OS_PROJECT_NAME"),
		UserDomainName:    envOr("OS_USER_DOMAIN_NAME", "Default"),
		ProjectDomainName: envOr("OS_PROJECT_DOMAIN_NAME", "Default"),
		RegionName:        envOr("OS_REGION_NAME", "RegionOne"),
	}
	if auth.AuthURL == "" || auth.Username == "" || auth.Password == "" || auth.ProjectName == "" {
		unavailable(tb, BackendOpenStack,
			"OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME must be set (eval \"$(hack/openstack-testenv.sh env)\")")
	}
	if os.Getenv(envAllowRemote) != "1" {
		if err := requireLoopback(auth.AuthURL); err != nil {
			unavailable(tb, BackendOpenStack, "OS_AUTH_URL: %v (set %s=1 to use it)", err, envAllowRemote)
		}
	}
	if err := probeHTTP(auth.AuthURL); err != nil {
		unavailable(tb, BackendOpenStack, "keystone: %v", err)
	}
	return auth
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// probeHTTP checks that something answers HTTP at the URL; any status will do.
func probeHTTP(rawURL string) error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("request %s: %w", rawURL, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s does not answer: %w", rawURL, err)
	}
	return resp.Body.Close()
}
