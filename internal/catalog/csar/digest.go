package csar

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"
)

// Algorithm is a digest algorithm a manifest may name, spelled as SOL 004
// spells it.
type Algorithm string

// Digest algorithms accepted in manifests and TOSCA.meta.
const (
	SHA256 Algorithm = "SHA-256"
	SHA384 Algorithm = "SHA-384"
	SHA512 Algorithm = "SHA-512"
)

// Checksum is a digest of a file or of the whole package, the hash in
// lowercase hex.
type Checksum struct {
	Algorithm Algorithm
	Hash      string
}

// parseAlgorithm accepts "SHA-256", "sha256", "SHA256" and the like.
func parseAlgorithm(s string) (Algorithm, bool) {
	switch strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "") {
	case "SHA256":
		return SHA256, true
	case "SHA384":
		return SHA384, true
	case "SHA512":
		return SHA512, true
	}
	return "", false
}

func (a Algorithm) new() hash.Hash {
	switch a {
	case SHA384:
		return sha512.New384()
	case SHA512:
		return sha512.New()
	default:
		return sha256.New()
	}
}

// hexLen is the length of the algorithm's digest in hex.
func (a Algorithm) hexLen() int {
	return a.new().Size() * 2
}

// normalizeHash lowercases a hex digest and reports whether it has the
// algorithm's length and only hex digits.
func normalizeHash(a Algorithm, h string) (string, bool) {
	h = strings.ToLower(strings.TrimSpace(h))
	if len(h) != a.hexLen() {
		return "", false
	}
	_, err := hex.DecodeString(h)
	return h, err == nil
}
