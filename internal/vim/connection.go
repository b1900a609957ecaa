package vim

import (
	"encoding/json"
	"fmt"
)

// VIM types of SOL 003 vimConnectionInfo.vimType for Kubernetes.
const (
	VIMTypeKubernetes       = "kubernetes"
	VIMTypeKubernetesETSIV1 = "ETSINFV.KUBERNETES.V_1"
)

// Connection says how to reach a VIM and authenticate to it (SOL 003 VimConnectionInfo:
// interfaceInfo and accessInfo). Its String, GoString and JSON forms never show credentials.
type Connection struct {
	// VIMID is the VIM's identifier in the NFVO.
	VIMID string
	// VIMType is one of the VIMTypeX constants (or an OpenStack one).
	VIMType string
	// Endpoint is the API URL.
	Endpoint string
	// CACert is the PEM CA bundle the endpoint's certificate is checked against.
	CACert []byte
	// Namespace is the default namespace, when the VIM prescribes one.
	Namespace string
	// BearerToken authenticates with a token.
	BearerToken Secret
	// ClientCert and ClientKey authenticate with a PEM client certificate.
	ClientCert []byte
	ClientKey  Secret
}

// IsKubernetes reports whether the connection is to a Kubernetes VIM.
func (c Connection) IsKubernetes() bool {
	return c.VIMType == VIMTypeKubernetes || c.VIMType == VIMTypeKubernetesETSIV1
}

// String shows the VIM without credentials.
func (c Connection) String() string {
	return fmt.Sprintf("vim %s (%s) at %s, auth %s", c.VIMID, c.VIMType, c.Endpoint, c.authKind())
}

// GoString is String: %#v must not print credentials either.
func (c Connection) GoString() string { return "vim.Connection{" + c.String() + "}" }

func (c Connection) authKind() string {
	switch {
	case !c.BearerToken.Empty():
		return "bearer token"
	case !c.ClientKey.Empty():
		return "client certificate"
	}
	return "none"
}

// connectionJSON is the JSON form: what is safe to show.
type connectionJSON struct {
	VIMID     string `json:"vimId,omitempty"`
	VIMType   string `json:"vimType"`
	Endpoint  string `json:"endpoint,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Auth      string `json:"auth"`
	HasCACert bool   `json:"hasCaCert,omitempty"`
}

// MarshalJSON writes the connection without credentials.
func (c Connection) MarshalJSON() ([]byte, error) {
	return json.Marshal(connectionJSON{
		VIMID: c.VIMID, VIMType: c.VIMType, Endpoint: c.Endpoint,
		Namespace: c.Namespace, Auth: c.authKind(), HasCACert: len(c.CACert) > 0,
	})
}

// Secret is a credential. Every printed or marshalled form is redacted; Reveal returns it.
type Secret struct{ value string }

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the credential, for the one place that sends it to the VIM.
func (s Secret) Reveal() string { return s.value }

// Empty reports whether no credential is set.
func (s Secret) Empty() bool { return s.value == "" }

// String redacts.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return "[redacted]"
}

// GoString redacts.
func (s Secret) GoString() string { return s.String() }

// MarshalJSON redacts.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }
