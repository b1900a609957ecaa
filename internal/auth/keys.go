package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"

	"github.com/golang-jwt/jwt/v5"
)

// KeyFileName is the file under the data directory that holds the
// authorization server's signing key (PKCS #8 PEM, mode 0600).
const KeyFileName = "oauth2-signing-key.pem"

// signingAlg is the JWS algorithm of the tokens the built-in server signs.
// RS256 because every OAuth 2.0 library verifies it, and because an RSA
// signature verifies faster than an ECDSA one, which matters on the
// resource side where every request verifies a token.
const signingAlg = "RS256"

// rsaBits is the size of generated signing keys.
const rsaBits = 2048

// KeySet is the built-in authorization server's signing key and the public
// key that verifies its tokens, named by a key id (the RFC 7638 thumbprint).
// It is immutable and safe for concurrent use.
type KeySet struct {
	private *rsa.PrivateKey
	kid     string
	public  publicKeys
}

// publicKey is one verification key with the algorithm it is bound to
// (empty: any algorithm its type supports).
type publicKey struct {
	key crypto.PublicKey
	alg string
}

// publicKeys maps a key id to its key.
type publicKeys map[string]publicKey

// find returns the key named kid; a token without a kid may use the only key
// of a set that has just one.
func (p publicKeys) find(kid string) (publicKey, bool) {
	if kid == "" && len(p) == 1 {
		for _, k := range p {
			return k, true
		}
	}
	k, ok := p[kid]
	return k, ok
}

// GenerateKeySet returns a key set with a fresh key that lives only in
// memory: tokens it signs die with the process.
func GenerateKeySet() (*KeySet, error) {
	key, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	return newKeySet(key), nil
}

// LoadKeySet reads the signing key from KeyFileName under dir, generating it
// (and dir) first if it does not exist, so tokens survive a restart. It
// refuses a key file that others than its owner may read.
func LoadKeySet(dir string) (*KeySet, error) {
	path := filepath.Join(dir, KeyFileName)
	ks, err := readKeySet(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return ks, err
	}
	if err := createKeyFile(dir, path); err != nil {
		return nil, err
	}
	return readKeySet(path)
}

func readKeySet(path string) (*KeySet, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("read signing key %s: mode %v lets others read it; chmod 600 it", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("read signing key %s: not a PEM PRIVATE KEY block", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read signing key %s: %w", path, err)
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok || rsaKey.N.BitLen() < rsaBits {
		return nil, fmt.Errorf("read signing key %s: want an RSA key of at least %d bits", path, rsaBits)
	}
	return newKeySet(rsaKey), nil
}

// createKeyFile writes a new key to a temporary file and links it into
// place, so two processes starting at once agree on one key: the loser of
// the link finds the winner's file and uses it.
func createKeyFile(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create signing key directory: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode signing key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".oauth2-key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("create signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = errors.Join(pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}), tmp.Sync(), tmp.Close())
	if err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("install signing key: %w", err)
	}
	return nil
}

func newKeySet(key *rsa.PrivateKey) *KeySet {
	kid := thumbprint(&key.PublicKey)
	return &KeySet{
		private: key,
		kid:     kid,
		public:  publicKeys{kid: {key: &key.PublicKey, alg: signingAlg}},
	}
}

// KeyID returns the id of the signing key, the kid of the tokens it signs.
func (k *KeySet) KeyID() string { return k.kid }

// sign returns the compact JWS of claims, with the kid header set.
func (k *KeySet) sign(claims jwt.Claims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.kid
	t.Header["typ"] = "at+jwt" // RFC 9068 §2.1
	s, err := t.SignedString(k.private)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// JWKS returns the public keys as a JSON Web Key Set document (RFC 7517 §5).
func (k *KeySet) JWKS() []byte {
	pub := &k.private.PublicKey
	set := jwkSet{Keys: []jwk{{
		Kty: "RSA", Use: "sig", Alg: signingAlg, Kid: k.kid,
		N: b64(pub.N.Bytes()), E: b64(big.NewInt(int64(pub.E)).Bytes()),
	}}}
	b, _ := json.Marshal(set) // strings only: cannot fail
	return b
}

// thumbprint is the RFC 7638 JWK thumbprint of an RSA public key: the
// SHA-256 of its required members in lexical order, without whitespace.
func thumbprint(pub *rsa.PublicKey) string {
	canon := fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`,
		b64(big.NewInt(int64(pub.E)).Bytes()), b64(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(canon))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwkSet and jwk are the wire form of RFC 7517 key sets, as far as the
// signature algorithms of RFC 7518 need.
type jwkSet struct {
	Keys []jwk `json:"keys"`
}

type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// parseJWKS decodes a key set, keeping the signature keys it understands and
// skipping the others (encryption keys, unknown types, weak RSA keys), as
// RFC 7517 §5 asks. A set with no usable key is an error.
func parseJWKS(data []byte) (publicKeys, error) {
	var set jwkSet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	keys := publicKeys{}
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		pub, err := k.publicKey()
		if err != nil {
			continue
		}
		keys[k.Kid] = publicKey{key: pub, alg: k.Alg}
	}
	if len(keys) == 0 {
		return nil, errors.New("decode JWKS: no usable signature key")
	}
	return keys, nil
}

func (k jwk) publicKey() (crypto.PublicKey, error) {
	switch k.Kty {
	case "RSA":
		return k.rsaKey()
	case "EC":
		return k.ecKey()
	case "OKP":
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || k.Crv != "Ed25519" || len(x) != ed25519.PublicKeySize {
			return nil, errors.New("bad Ed25519 key")
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, fmt.Errorf("unsupported key type %q", k.Kty)
}

func (k jwk) rsaKey() (*rsa.PublicKey, error) {
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
		return nil, errors.New("bad RSA key")
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	if pub.N.BitLen() < rsaBits || pub.E < 3 || pub.E%2 == 0 {
		return nil, errors.New("weak RSA key")
	}
	return pub, nil
}

func (k jwk) ecKey() (*ecdsa.PublicKey, error) {
	curves := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}
	curve, ok := curves[k.Crv]
	if !ok {
		return nil, errors.New("unsupported curve")
	}
	x, err1 := base64.RawURLEncoding.DecodeString(k.X)
	y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
	size := (curve.Params().BitSize + 7) / 8
	if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
		return nil, errors.New("bad EC key")
	}
	// ParseUncompressedPublicKey checks that the point is on the curve.
	return ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
}
