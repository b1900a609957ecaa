package vimreg

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// fileVIM is an entry of the registry file: a VIM with its credentials.
type fileVIM struct {
	VIM
	AccessInfo map[string]string `json:"accessInfo,omitempty"`
}

// file is the registry file: {"vims": [...]}, or the list alone.
type file struct {
	VIMs []fileVIM `json:"vims"`
}

// LoadFile reads the VIMs of a registry file, YAML or JSON. Errors name
// the entry and field, never a credential.
func LoadFile(path string) ([]VIM, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vim registry file: %w", err)
	}
	vims, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("vim registry file %s: %w", path, err)
	}
	return vims, nil
}

// Parse reads the VIMs of a registry document, YAML or JSON.
func Parse(raw []byte) ([]VIM, error) {
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	var f file
	if len(js) > 0 && js[0] == '[' {
		err = json.Unmarshal(js, &f.VIMs)
	} else {
		err = json.Unmarshal(js, &f)
	}
	if err != nil {
		// The decoder's message names a type and offset, not the value.
		return nil, fmt.Errorf("decode: %w", err)
	}
	out := make([]VIM, len(f.VIMs))
	for i, fv := range f.VIMs {
		out[i] = fv.VIM
		out[i].AccessInfo = fv.AccessInfo
	}
	if err := validateSet(out); err != nil {
		return nil, err
	}
	return out, nil
}
