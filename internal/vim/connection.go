package vim

import (
	"cmp"
	"encoding/json"
	"fmt"
)

// VIM types of SOL 003 vimConnectionInfo.vimType for Kubernetes and OpenStack.
const (
	VIMTypeKubernetes       = "kubernetes"
	VIMTypeKubernetesETSIV1 = "ETSINFV.KUBERNETES.V_1"
	VIMTypeOpenStack        = "openstack"
	VIMTypeOpenStackETSIV3  = "ETSINFV.OPENSTACK_KEYSTONE.V_3"
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
	// OpenStack is set for an OpenStack VIM; Endpoint is then the Keystone v3 URL.
	OpenStack *OpenStackAuth
}

// OpenStackAuth is how to authenticate to Keystone v3: a user and password scoped to a
// project, or an application credential (which carries its own scope).
type OpenStackAuth struct {
	Username string
	UserID   string
	Password Secret
	// ProjectName or ProjectID scopes the token.
	ProjectName string
	ProjectID   string
	// UserDomain and ProjectDomain are domain names ("Default" when empty).
	UserDomain    string
	ProjectDomain string
	// Region picks the catalogue's endpoints ("RegionOne" when empty).
	Region string
	// ApplicationCredentialID and ApplicationCredentialSecret replace user and password.
	ApplicationCredentialID     string
	ApplicationCredentialSecret Secret
}

// IsOpenStack reports whether the connection is to an OpenStack VIM.
func (c Connection) IsOpenStack() bool {
	return c.VIMType == VIMTypeOpenStack || c.VIMType == VIMTypeOpenStackETSIV3
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
	case c.OpenStack != nil && !c.OpenStack.ApplicationCredentialSecret.Empty():
		return "application credential"
	case c.OpenStack != nil && !c.OpenStack.Password.Empty():
		return "password"
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
	Project   string `json:"project,omitempty"`
	Region    string `json:"region,omitempty"`
}

// MarshalJSON writes the connection without credentials.
func (c Connection) MarshalJSON() ([]byte, error) {
	j := connectionJSON{
		VIMID: c.VIMID, VIMType: c.VIMType, Endpoint: c.Endpoint,
		Namespace: c.Namespace, Auth: c.authKind(), HasCACert: len(c.CACert) > 0,
	}
	if o := c.OpenStack; o != nil {
		j.Project, j.Region = cmp.Or(o.ProjectName, o.ProjectID), o.Region
	}
	return json.Marshal(j)
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
