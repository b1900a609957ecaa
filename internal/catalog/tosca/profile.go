package tosca

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"sync"
)

// profileFS holds the built-in normative types, written for this engine
// from the TOSCA Simple Profile and ETSI GS NFV-SOL 001 specifications.
//
//go:embed profiles/*.yaml
var profileFS embed.FS

// profileSet is the built-in type registries, built once and shared
// read-only by every load.
type profileSet struct {
	// tosca holds the TOSCA Simple Profile normative types.
	tosca *registry
	// sol001 holds the SOL 001 3.x and 4.x types (as of 4.4.1) on top of
	// tosca; sol001v2 the 2.x types, which differ in a few node and data
	// types (see profiles/sol001_v2_types.yaml).
	sol001   *registry
	sol001v2 *registry
}

// sol001Family says which built-in SOL 001 profile serves a version.
func sol001Family(version string) string {
	if strings.HasPrefix(version, "v2.") {
		return "v2"
	}
	return "v4"
}

func (p *profileSet) sol001For(family string) *registry {
	if family == "v2" {
		return p.sol001v2
	}
	return p.sol001
}

var (
	profilesOnce sync.Once
	profiles     *profileSet
	profilesErr  error
)

func builtinProfiles() (*profileSet, error) {
	profilesOnce.Do(func() { profiles, profilesErr = buildProfiles() })
	return profiles, profilesErr
}

var sol001Files = []string{
	"profiles/sol001_common_types.yaml",
	"profiles/sol001_vnfd_types.yaml",
	"profiles/sol001_nsd_types.yaml",
	"profiles/sol001_pnfd_types.yaml",
}

func buildProfiles() (*profileSet, error) {
	tosca, err := buildProfile(nil, "profiles/tosca_simple_profile.yaml")
	if err != nil {
		return nil, err
	}
	tosca.addShortNames()
	sol, err := buildProfile(tosca, sol001Files...)
	if err != nil {
		return nil, err
	}
	// The 2.x overlay is loaded first: on a name defined twice inside a
	// built-in profile, the first definition wins.
	solV2, err := buildProfile(tosca, append([]string{"profiles/sol001_v2_types.yaml"}, sol001Files...)...)
	if err != nil {
		return nil, err
	}
	return &profileSet{tosca: tosca, sol001: sol, sol001v2: solV2}, nil
}

// buildProfile loads profile files with the ordinary loader, so the
// built-in types go through the same checks as a package's.
func buildProfile(base *registry, names ...string) (*registry, error) {
	l := newLoader(context.Background(), profileFS, Limits{})
	l.builtin = true
	for _, name := range names {
		l.loadFile(name, Pos{File: name}, "")
	}
	l.reg.base = base
	l.resolveTypes()
	if err := l.d.err(); err != nil {
		return nil, fmt.Errorf("built-in profile: %w", err)
	}
	return l.reg, nil
}
