package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"testing"
)

func TestParseJWKS(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecBytes, err := ec.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	ecJWK := jwk{Kty: "EC", Crv: "P-256", Kid: "ec", Alg: "ES256", X: b64(ecBytes[1:33]), Y: b64(ecBytes[33:])}
	offCurve := ecJWK
	offCurve.Kid, offCurve.Y = "off", b64(make([]byte, 32))
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	local, err := GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	var localSet jwkSet
	if err := json.Unmarshal(local.JWKS(), &localSet); err != nil {
		t.Fatal(err)
	}
	rsaJWK := localSet.Keys[0]
	encJWK := rsaJWK
	encJWK.Kid, encJWK.Use = "enc", "enc"
	weakJWK := jwk{Kty: "RSA", Kid: "weak", N: b64(weak.N.Bytes()), E: b64(big.NewInt(int64(weak.E)).Bytes())}

	tests := []struct {
		name     string
		keys     []jwk
		wantKids []string
		wantErr  bool
	}{
		{name: "RSA from our own JWKS", keys: []jwk{rsaJWK}, wantKids: []string{local.KeyID()}},
		{name: "EC", keys: []jwk{ecJWK}, wantKids: []string{"ec"}},
		{name: "Ed25519", keys: []jwk{{Kty: "OKP", Crv: "Ed25519", Kid: "ed", X: b64(edPub)}}, wantKids: []string{"ed"}},
		{name: "unusable keys skipped", keys: []jwk{rsaJWK, encJWK, weakJWK, offCurve, {Kty: "oct", Kid: "hmac"}},
			wantKids: []string{local.KeyID()}},
		{name: "nothing usable", keys: []jwk{weakJWK, offCurve}, wantErr: true},
		{name: "empty", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := json.Marshal(jwkSet{Keys: tt.keys})
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseJWKS(data)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if len(got) != len(tt.wantKids) {
				t.Fatalf("got %d keys, want %v", len(got), tt.wantKids)
			}
			for _, kid := range tt.wantKids {
				if _, ok := got[kid]; !ok {
					t.Errorf("key %q missing", kid)
				}
			}
		})
	}
}

func TestThumbprint(t *testing.T) {
	t.Parallel()
	// The RSA key of RFC 7638 §3.1 and its thumbprint.
	n := "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	nb, err := b64dec(n)
	if err != nil {
		t.Fatal(err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: 65537}
	if got, want := thumbprint(pub), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func b64dec(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
