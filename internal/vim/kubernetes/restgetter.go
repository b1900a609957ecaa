package kubernetes

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// restClientGetter gives the Helm SDK the driver's REST configuration (Helm asks for a
// kubeconfig-shaped source; the driver has a rest.Config, perhaps built from a VIM connection).
type restClientGetter struct {
	cfg       *rest.Config
	namespace string
}

func newRESTClientGetter(cfg *rest.Config, namespace string) *restClientGetter {
	return &restClientGetter{cfg: cfg, namespace: namespace}
}

// ToRESTConfig implements genericclioptions.RESTClientGetter.
func (g *restClientGetter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.cfg), nil }

// ToDiscoveryClient implements genericclioptions.RESTClientGetter.
func (g *restClientGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(g.cfg)
	if err != nil {
		return nil, err
	}
	return memory.NewMemCacheClient(dc), nil
}

// ToRESTMapper implements genericclioptions.RESTClientGetter.
func (g *restClientGetter) ToRESTMapper() (meta.RESTMapper, error) {
	dc, err := g.ToDiscoveryClient()
	if err != nil {
		return nil, err
	}
	return restmapper.NewDeferredDiscoveryRESTMapper(dc), nil
}

// ToRawKubeConfigLoader implements genericclioptions.RESTClientGetter with an in-memory
// kubeconfig equivalent to the REST configuration.
func (g *restClientGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	c := g.cfg
	kc := clientcmdapi.NewConfig()
	kc.Clusters["vim"] = &clientcmdapi.Cluster{
		Server: c.Host, CertificateAuthority: c.CAFile, CertificateAuthorityData: c.CAData,
		InsecureSkipTLSVerify: c.Insecure, TLSServerName: c.ServerName,
	}
	kc.AuthInfos["vim"] = &clientcmdapi.AuthInfo{
		Token: c.BearerToken, TokenFile: c.BearerTokenFile,
		ClientCertificate: c.CertFile, ClientCertificateData: c.CertData,
		ClientKey: c.KeyFile, ClientKeyData: c.KeyData,
	}
	kc.Contexts["vim"] = &clientcmdapi.Context{Cluster: "vim", AuthInfo: "vim", Namespace: g.namespace}
	kc.CurrentContext = "vim"
	return clientcmd.NewDefaultClientConfig(*kc, &clientcmd.ConfigOverrides{})
}
