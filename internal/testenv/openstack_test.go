package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestOpenStackCatalog authenticates against the test cloud's Keystone and checks that its
// catalog offers every service the VIM driver uses, in the configured region, and that each
// answers.
func TestOpenStackCatalog(t *testing.T) {
	t.Parallel()
	auth := OpenStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	token, catalog, err := issueToken(ctx, auth)
	if err != nil {
		t.Fatalf("keystone token for %v: %v", auth, err)
	}
	// a path under each endpoint that lists something, so that a 2xx proves the service works
	services := []struct{ kind, path string }{
		{"identity", "/projects"}, {"compute", "/flavors"}, {"network", "/v2.0/networks"},
		{"image", "/v2/images"}, {"orchestration", "/stacks"}, {"placement", "/resource_providers"},
	}
	for _, svc := range services {
		url := catalog[svc.kind]
		if url == "" {
			t.Errorf("catalog has no public %s endpoint in region %s", svc.kind, auth.RegionName)
			continue
		}
		if err := getWithToken(ctx, strings.TrimSuffix(url, "/")+svc.path, token); err != nil {
			t.Errorf("%s endpoint: %v", svc.kind, err)
		}
	}
}

type tokenResponse struct {
	Token struct {
		Catalog []struct {
			Type      string `json:"type"`
			Endpoints []struct {
				Interface string `json:"interface"`
				Region    string `json:"region"`
				URL       string `json:"url"`
			} `json:"endpoints"`
		} `json:"catalog"`
	} `json:"token"`
}

// issueToken does a Keystone v3 password authentication scoped to the project and returns the
// token and the public endpoint of each service type in the region.
func issueToken(ctx context.Context, a OpenStackAuth) (string, map[string]string, error) {
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []string{"password"},
			"password": map[string]any{"user": map[string]any{
				"name": a.Username, "password": a.Password, "domain": map[string]string{"name": a.UserDomainName},
			}},
		},
		"scope": map[string]any{"project": map[string]any{
			"name": a.ProjectName, "domain": map[string]string{"name": a.ProjectDomainName},
		}},
	}}
	buf, err := json.Marshal(body)
	if err != nil {
		return "", nil, fmt.Errorf("encode auth request: %w", err)
	}
	url := strings.TrimSuffix(a.AuthURL, "/") + "/auth/tokens"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(buf))
	if err != nil {
		return "", nil, fmt.Errorf("auth request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("post %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", nil, fmt.Errorf("post %s: status %s", url, resp.Status)
	}
	var tr tokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		return "", nil, fmt.Errorf("decode token: %w", err)
	}
	catalog := make(map[string]string)
	for _, svc := range tr.Token.Catalog {
		for _, ep := range svc.Endpoints {
			if ep.Interface == "public" && ep.Region == a.RegionName {
				catalog[svc.Type] = ep.URL
			}
		}
	}
	return resp.Header.Get("X-Subject-Token"), catalog, nil
}

// getWithToken GETs the URL with the token and wants a success status.
func getWithToken(ctx context.Context, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("request %s: %w", url, err)
	}
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("get %s: status %s", url, resp.Status)
	}
	return nil
}
