package vnfd

import (
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/cadenza-mano/cadenza/internal/catalog/tosca"
)

// artifacts converts the artifacts of a node template; file names are
// resolved against the definitions file the node is in.
func artifacts(file string, n *tosca.NodeTemplate) map[string]*Artifact {
	if n == nil || len(n.Artifacts) == 0 {
		return nil
	}
	out := make(map[string]*Artifact, len(n.Artifacts))
	for name, a := range n.Artifacts {
		out[name] = artifact(file, a)
	}
	return out
}

func artifact(file string, a *tosca.Artifact) *Artifact {
	out := &Artifact{
		Name: a.Name, Type: a.TypeName, File: a.File, Repository: a.Repository,
		DeployPath: a.DeployPath, Checksum: a.Checksum, ChecksumAlgorithm: a.ChecksumAlgorithm,
		Kind: artifactKind(a),
	}
	if a.Type != nil {
		out.Type = a.Type.Name
	}
	if u, err := url.Parse(a.File); (err != nil || u.Scheme == "") && a.Repository == "" {
		p := path.Join(path.Dir(file), a.File)
		if strings.HasPrefix(a.File, "/") {
			p = strings.TrimPrefix(path.Clean(a.File), "/")
		}
		if !strings.HasPrefix(p, "../") && p != ".." {
			out.Path = p
		}
	}
	if len(a.Properties) > 0 {
		out.Properties = make(map[string]any, len(a.Properties))
		for k, v := range a.Properties {
			out.Properties[k] = v.Interface()
		}
	}
	return out
}

// artifactKind classifies an artifact by its type and, for plain files, by
// its extension: YAML and JSON files are taken as Kubernetes manifests.
func artifactKind(a *tosca.Artifact) ArtifactKind {
	t := a.Type
	switch {
	case t == nil:
		return ArtifactFile
	case t.DerivesFrom("tosca.artifacts.nfv.SwImage") || t.DerivesFrom("tosca.artifacts.Deployment.Image"):
		return ArtifactSwImage
	case t.DerivesFrom("tosca.artifacts.nfv.HelmChart"):
		return ArtifactHelmChart
	case t.DerivesFrom("tosca.artifacts.Implementation"):
		return ArtifactScript
	}
	switch strings.ToLower(path.Ext(a.File)) {
	case ".yaml", ".yml", ".json":
		return ArtifactKubernetesManifest
	}
	return ArtifactFile
}

// interfaces reads the operations of every interface of the VNF node.
func interfaces(r reader, n *tosca.NodeTemplate, arts map[string]*Artifact) map[string]map[string]*Operation {
	out := map[string]map[string]*Operation{}
	if n == nil {
		return out
	}
	for name, ia := range n.Interfaces {
		ops := make(map[string]*Operation, len(ia.Operations))
		for opName, op := range ia.Operations {
			ops[opName] = operation(r, n, opName, op, arts)
		}
		out[name] = ops
	}
	return out
}

func operation(r reader, n *tosca.NodeTemplate, name string, op *tosca.OperationDef, arts map[string]*Artifact) *Operation {
	o := &Operation{Name: name}
	if impl := op.Implementation; impl != nil {
		o.Implementation = impl.Primary
		o.Artifact = arts[impl.Primary]
		o.Dependencies = impl.Dependencies
		o.Timeout = time.Duration(impl.Timeout) * time.Second
	}
	if len(op.Inputs) > 0 {
		o.Inputs = make(map[string]any, len(op.Inputs))
		for k, v := range op.Inputs {
			if rv := r.resolve(n, v); rv != nil {
				o.Inputs[k] = rv.Interface()
			} else {
				o.Inputs[k] = v.Interface()
			}
		}
	}
	return o
}
