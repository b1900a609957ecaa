package vimreg

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the name of the generated sealing key under the data dir.
const KeyFile = "secret.key"

const keySize = 32 // AES-256

// LoadKey returns the sealing key in path, base64 text or 32 raw bytes.
// With path empty it is KeyFile under dataDir, generated (mode 0600) when
// absent; a key file named explicitly must exist.
func LoadKey(path, dataDir string) ([]byte, error) {
	generate := path == ""
	if generate {
		path = filepath.Join(dataDir, KeyFile)
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && generate {
		return generateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return decodeKey(raw, path)
}

func decodeKey(raw []byte, path string) ([]byte, error) {
	if len(raw) == keySize {
		return raw, nil
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != keySize {
		return nil, fmt.Errorf("secret key %s: want %d bytes, raw or base64", path, keySize)
	}
	return key, nil
}

// generateKey writes a new random key to path, refusing to replace one a
// concurrent start wrote first.
func generateKey(path string) ([]byte, error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(path, "")
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return key, nil
}

// sealer seals credentials with AES-GCM, binding each to its VIM's id so
// a sealed value moved to another VIM does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns base64(nonce || ciphertext) of m's JSON; "" for no m.
func (s *sealer) seal(vimID string, m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	plain, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(vimID))), nil
}

// ErrSealed is returned when stored credentials do not open with the key
// (another key, or tampered data).
var ErrSealed = errors.New("vim credentials do not open with the secret key")

func (s *sealer) open(vimID, sealed string) (map[string]string, error) {
	if sealed == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n {
		return nil, fmt.Errorf("vim %s: %w", vimID, ErrSealed)
	}
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(vimID))
	if err != nil {
		return nil, fmt.Errorf("vim %s: %w", vimID, ErrSealed)
	}
	var m map[string]string
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("vim %s: %w", vimID, ErrSealed)
	}
	return m, nil
}
