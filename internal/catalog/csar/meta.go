package csar

import (
	"bytes"
	"fmt"
	"strings"
)

// MetaPath is where a package with the TOSCA-Metadata structure keeps its
// metadata file.
const MetaPath = "TOSCA-Metadata/TOSCA.meta"

// TOSCA.meta keys of block 0 (SOL 004 clause 4.1.2, TOSCA Simple Profile
// CSAR format).
const (
	KeyMetaFileVersion  = "TOSCA-Meta-File-Version"
	KeyCSARVersion      = "CSAR-Version"
	KeyCreatedBy        = "Created-By"
	KeyEntryDefinitions = "Entry-Definitions"
	KeyEntryManifest    = "ETSI-Entry-Manifest"
	KeyEntryChangeLog   = "ETSI-Entry-Change-Log"
	KeyEntryLicenses    = "ETSI-Entry-Licenses"
	KeyEntryCertificate = "ETSI-Entry-Certificate"
	KeyOtherDefinitions = "Other-Definitions"
)

// Meta is a parsed TOSCA.meta file.
type Meta struct {
	// Keys holds every key of block 0 verbatim, including the ones given
	// their own field below and any other (ETSI-Entry-Tests...).
	Keys map[string]string
	// Blocks holds the blocks after block 0. Older tools describe files
	// there (Name, Content-Type, Algorithm, Hash); their digests are
	// verified like the manifest's.
	Blocks []map[string]string

	FileVersion      string
	CSARVersion      string
	CreatedBy        string
	EntryDefinitions string
	EntryManifest    string
	EntryChangeLog   string
	EntryLicenses    string
	EntryCertificate string
	// OtherDefinitions lists the space-separated paths of Other-Definitions.
	OtherDefinitions []string
}

// parseMeta parses TOSCA.meta: "Key: value" lines in blocks separated by
// blank lines, '#' comments, and lines starting with white space continuing
// the previous value.
func parseMeta(data []byte) (*Meta, error) {
	blocks, err := parseBlocks(data)
	if err != nil {
		return nil, wrapError(KindManifest, MetaPath, "cannot parse", err)
	}
	if len(blocks) == 0 {
		return nil, newError(KindStructure, MetaPath, "file is empty")
	}
	b0 := blocks[0]
	m := &Meta{
		Keys:             b0,
		Blocks:           blocks[1:],
		FileVersion:      b0[KeyMetaFileVersion],
		CSARVersion:      b0[KeyCSARVersion],
		CreatedBy:        b0[KeyCreatedBy],
		EntryDefinitions: b0[KeyEntryDefinitions],
		EntryManifest:    b0[KeyEntryManifest],
		EntryChangeLog:   b0[KeyEntryChangeLog],
		EntryLicenses:    b0[KeyEntryLicenses],
		EntryCertificate: b0[KeyEntryCertificate],
		OtherDefinitions: strings.Fields(b0[KeyOtherDefinitions]),
	}
	if err := m.checkRequired(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Meta) checkRequired() error {
	var missing []string
	for _, k := range []string{KeyMetaFileVersion, KeyCSARVersion, KeyCreatedBy, KeyEntryDefinitions} {
		if m.Keys[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return newError(KindStructure, MetaPath, "block 0 lacks "+strings.Join(missing, ", "))
	}
	return nil
}

// parseBlocks splits "Key: value" text into blocks separated by blank lines.
func parseBlocks(data []byte) ([]map[string]string, error) {
	var (
		blocks  []map[string]string
		cur     map[string]string
		lastKey string
	)
	for i, line := range splitLines(data) {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			cur, lastKey = nil, ""
		case strings.HasPrefix(trimmed, "#"):
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil || lastKey == "" {
				return nil, fmt.Errorf("line %d: continuation line without a key", i+1)
			}
			cur[lastKey] += " " + trimmed
		default:
			key, value, err := splitKeyValue(trimmed)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			if cur == nil {
				cur = make(map[string]string)
				blocks = append(blocks, cur)
			}
			if _, dup := cur[key]; dup {
				return nil, fmt.Errorf("line %d: key %q repeated in a block", i+1, key)
			}
			cur[key], lastKey = value, key
		}
	}
	return blocks, nil
}

// splitKeyValue splits "Key: value", unquoting a quoted value.
func splitKeyValue(line string) (string, string, error) {
	key, value, ok := strings.Cut(line, ":")
	key = strings.TrimSpace(key)
	if !ok || key == "" || strings.ContainsAny(key, " \t") {
		return "", "", fmt.Errorf("expected \"Key: value\", got %q", truncate(line, 80))
	}
	return key, unquote(strings.TrimSpace(value)), nil
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// splitLines splits on \n, dropping \r before it and a UTF-8 byte order mark.
func splitLines(data []byte) []string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
