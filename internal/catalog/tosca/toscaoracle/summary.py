#!/usr/bin/python3
"""Print, as JSON, what OpenStack tosca-parser (Debian python3-tosca-parser)
reads from a TOSCA service template: each topology's node templates with
their type chains, properties, capabilities and requirements, its policies
and groups, and the VNFD's deployment flavours. The Go oracle tests compare
it with what Cadenza's TOSCA engine reads.

usage: /usr/bin/python3 summary.py --defs DIR [--fix NAME]... [--probe] ENTRY

  --defs DIR  directory holding TOSCA_definition_1_0.yaml (and the NFV/MEC
              profiles): Debian's package ships tosca-parser without them, so
              a private copy of the module is made with them added.
  --fix NAME  work around one named limitation of tosca-parser 2.6 (FIXES
              below); nothing else in what it reads is changed.
  --probe     also parse once more without each given fix, and report the
              errors tosca-parser then gives ("without"), so the caller can
              check that every fix is still needed.

Exit status 0 with the summary, 1 when tosca-parser rejects the template
({"errors": [...]}), 2 when the environment is broken.
"""
import argparse
import contextlib
import importlib.util
import io
import json
import logging
import os
import shutil
import sys
import tempfile

# Each fix names one place where tosca-parser 2.6 departs from TOSCA 1.2/1.3
# or cannot read a construct SOL 001 uses. Enabled fixes are looked up at
# call time, so --probe can parse again with one of them off.
FIXES = {
    "tosca-1.3": "tosca-parser accepts tosca_simple_yaml_1_0 and 1_2 only; "
                 "1_3 is added to its lists of versions (no 1.3 semantics)",
    "operations-keyword": "TOSCA 1.3 interface types and assignments group operations "
                          "under 'operations:'; tosca-parser knows only the 1.2 form "
                          "and reads that key as an operation",
    "capability-short-notation": "a node type's capability definition in short "
                                 "notation (name: type, TOSCA 1.2 3.7.2.2) crashes "
                                 "NodeType.get_capabilities_objects",
    "falsy-defaults": "DataEntity.validate applies a data type property's default "
                      "only when it is truthy, then reports required properties "
                      "defaulting to false or 0 as missing",
    "scalar-greater-than": "GreaterThan checks the unconverted bound, so "
                           "greater_than on a scalar-unit (0 s) is an invalid schema",
    "range-in-range": "InRange compares the whole value with its bounds, so "
                      "in_range on a property of type range (NfpRule port ranges) "
                      "raises a TypeError; each end of the range is checked instead",
    "substitution-inputs": "SubstitutionMappings wants a topology input for each "
                           "required property of the substituted node type, which "
                           "TOSCA 1.2/1.3 substitution mapping does not ask for",
}
enabled = set()

PACKAGE_DEFS = {
    "elements/TOSCA_definition_1_0.yaml": "TOSCA_definition_1_0.yaml",
    "extensions/nfv/TOSCA_nfv_definition_1_0_0.yaml": "TOSCA_nfv_definition_1_0_0.yaml",
    "extensions/mec/TOSCA_mec_definition_1_0_0.yaml": "TOSCA_mec_definition_1_0_0.yaml",
}


def fail(code, **out):
    print(json.dumps(out, indent=1, sort_keys=True))
    sys.exit(code)


def import_toscaparser(defs, workdir):
    """Puts a copy of toscaparser completed with its definition files first
    on sys.path, unless the installed one already has them."""
    spec = importlib.util.find_spec("toscaparser")
    if spec is None:
        fail(2, errors=["toscaparser is not importable: apt-get install python3-tosca-parser"])
    installed = os.path.dirname(spec.origin)
    missing = [rel for rel in PACKAGE_DEFS if not os.path.isfile(os.path.join(installed, rel))]
    if not missing:
        return
    copy = os.path.join(workdir, "toscaparser")
    shutil.copytree(installed, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for rel in missing:
        src = os.path.join(defs or "", PACKAGE_DEFS[rel])
        if not os.path.isfile(src):
            fail(2, errors=["toscaparser lacks %s and --defs has no %s" % (rel, PACKAGE_DEFS[rel])])
        shutil.copy(src, os.path.join(copy, rel))
    sys.path.insert(0, workdir)


def install_fixes():
    from toscaparser import dataentity, nodetemplate, substitution_mappings
    from toscaparser.common.exception import ExceptionCollector, InvalidSchemaError
    from toscaparser.elements import constraints, nodetype

    validate = dataentity.DataEntity.validate

    def data_validate(self):
        if "falsy-defaults" in enabled and not self.datatype.value_type and isinstance(self.value, dict):
            for name, prop in (self.schema or {}).items():
                if name not in self.value and prop.default is not None:
                    self.value[name] = prop.default
        return validate(self)
    dataentity.DataEntity.validate = data_validate

    greater_than = constraints.GreaterThan.__init__

    def greater_than_init(self, property_name, property_type, constraint):
        if "scalar-greater-than" not in enabled:
            return greater_than(self, property_name, property_type, constraint)
        constraints.Constraint.__init__(self, property_name, property_type, constraint)
        if not isinstance(self.constraint_value, self.valid_types):
            ExceptionCollector.appendException(
                InvalidSchemaError(message='The property "greater_than" expects comparable values.'))
    constraints.GreaterThan.__init__ = greater_than_init

    in_range = constraints.InRange._is_valid

    def in_range_is_valid(self, value):
        if "range-in-range" in enabled and self.property_type == "range" and isinstance(value, list):
            # an UNBOUNDED end is left to tosca-parser's range type check
            return all(in_range(self, v) for v in value if not isinstance(v, str))
        return in_range(self, value)
    constraints.InRange._is_valid = in_range_is_valid

    node_init = nodetemplate.NodeTemplate.__init__

    def node_template_init(self, name, node_templates, *args, **kwargs):
        tpl = node_templates.get(name)
        if "operations-keyword" in enabled and isinstance(tpl, dict) and isinstance(tpl.get("interfaces"), dict):
            flat = {}
            for iface, body in tpl["interfaces"].items():
                if isinstance(body, dict) and isinstance(body.get("operations"), dict):
                    body = dict({k: v for k, v in body.items() if k != "operations"}, **body["operations"])
                flat[iface] = body
            node_templates[name] = dict(tpl, interfaces=flat)
        return node_init(self, name, node_templates, *args, **kwargs)
    nodetemplate.NodeTemplate.__init__ = node_template_init

    iface_operations = nodetemplate.NodeTemplate._collect_custom_iface_operations

    def collect_iface_operations(self, name):
        ops = iface_operations(self, name)
        if "operations-keyword" in enabled:
            defs = [self.type_definition.interfaces[name]]
            t = defs[0].get("type")
            defs.append(self.type_definition.custom_def.get(t) or self.type_definition.TOSCA_DEF.get(t) or {})
            ops += [op for d in defs if isinstance(d.get("operations"), dict) for op in d["operations"]]
        return ops
    nodetemplate.NodeTemplate._collect_custom_iface_operations = collect_iface_operations

    get_value = nodetype.NodeType.get_value

    def node_type_get_value(self, ndtype, defs=None, parent=None):
        value = get_value(self, ndtype, defs, parent)
        if "capability-short-notation" in enabled and ndtype == self.CAPABILITIES and isinstance(value, dict):
            value = {k: {"type": v} if isinstance(v, str) else v for k, v in value.items()}
        return value
    nodetype.NodeType.get_value = node_type_get_value

    validate_inputs = substitution_mappings.SubstitutionMappings._validate_inputs

    def sm_validate_inputs(self):
        if "substitution-inputs" not in enabled:
            validate_inputs(self)
    substitution_mappings.SubstitutionMappings._validate_inputs = sm_validate_inputs


def set_versions():
    from toscaparser import tosca_template as tt
    from toscaparser.elements import tosca_type_validation as tv
    v = "tosca_simple_yaml_1_3"
    for versions in (tt.ToscaTemplate.MAIN_TEMPLATE_VERSIONS, tt.ToscaTemplate.VALID_TEMPLATE_VERSIONS,
                     tv.TypeValidation.VALID_TEMPLATE_VERSIONS):
        if "tosca-1.3" in enabled and v not in versions:
            versions.append(v)
        if "tosca-1.3" not in enabled and v in versions:
            versions.remove(v)
    if "tosca-1.3" in enabled:
        tt.ToscaTemplate.ADDITIONAL_SECTIONS[v] = tt.ToscaTemplate.ADDITIONAL_SECTIONS["tosca_simple_yaml_1_2"]


def parse(entry):
    """The ToscaTemplate of entry, or the errors tosca-parser gives."""
    from toscaparser.tosca_template import ToscaTemplate
    set_versions()
    try:
        # tosca-parser prints some warnings on stdout
        with contextlib.redirect_stdout(io.StringIO()):
            return ToscaTemplate(entry, None, True), []
    except Exception as e:  # tosca-parser raises its collected errors as one
        lines = [l.strip() for l in str(e).splitlines() if l.startswith("\t") and not l.startswith("\t\t")]
        return None, lines or ["%s: %s" % (type(e).__name__, str(e).strip())]


def plain(v):
    """A JSON value; an intrinsic function keeps its TOSCA form."""
    from toscaparser.functions import Function
    if isinstance(v, Function):
        return {v.name: plain(v.args[0] if len(v.args) == 1 else v.args)}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def chain(t):
    names = []
    while t is not None and getattr(t, "type", None) and t.type not in names:
        names.append(t.type)
        t = t.parent_type
    return names


def requirements(nt):
    out = []
    for r in nt.requirements or []:
        for name, target in r.items():
            out.append({"name": name, "node": target.get("node") if isinstance(target, dict) else target})
    return out


def node(nt):
    return {
        "type": nt.type,
        "type_chain": chain(nt.type_definition),
        "properties": {p.name: plain(p.value) for p in nt.get_properties_objects()},
        "capabilities": {c.name: {"properties": {p.name: plain(p.value) for p in c.get_properties_objects()}}
                         for c in nt.get_capabilities_objects()},
        "requirements": requirements(nt),
    }


def topology(tp):
    nodes = {nt.name: node(nt) for nt in tp.nodetemplates}
    policies = sorted(({"name": p.name, "type": p.type, "targets": p.targets,
                        "properties": plain(p.properties or {})} for p in tp.policies),
                      key=lambda p: p["name"])
    by_type = {}
    for p in policies:
        by_type.setdefault(p["type"], []).append(p)

    def first(t, key=None):
        props = (by_type.get(t) or [{}])[0].get("properties")
        return props.get(key) if props and key else props

    def per_target(t, key=None):
        return {target: (p["properties"].get(key) if key else p["properties"])
                for p in by_type.get(t, []) for target in p["targets"] or []}

    sm = tp.substitution_mappings.sub_mapping_def if tp.substitution_mappings is not None else None
    return {
        "substitution_properties": plain((sm or {}).get("properties")),
        "node_templates": nodes,
        "policies": policies,
        "groups": [{"name": g.name, "type": g.type, "members": g.members} for g in tp.groups or []],
        "scaling_aspects": first("tosca.policies.nfv.ScalingAspects", "aspects"),
        "instantiation_levels": first("tosca.policies.nfv.InstantiationLevels"),
        "vdu_initial_deltas": per_target("tosca.policies.nfv.VduInitialDelta", "initial_delta"),
        "vdu_scaling_aspect_deltas": per_target("tosca.policies.nfv.VduScalingAspectDeltas"),
        "vdu_instantiation_levels": per_target("tosca.policies.nfv.VduInstantiationLevels", "levels"),
        "vl_instantiation_levels": per_target("tosca.policies.nfv.VirtualLinkInstantiationLevels", "levels"),
    }


def flavour_id(t):
    """The flavour a VNFD topology describes: its substitution_mappings'
    flavour_id, else the flavour_id of its (or the entry's) VNF node."""
    fid = (t["substitution_properties"] or {}).get("flavour_id")
    for n in t["node_templates"].values():
        if not fid and "tosca.nodes.nfv.VNF" in n["type_chain"]:
            fid = n["properties"].get("flavour_id")
    return fid


def summary(tosca):
    top = topology(tosca.topology_template)
    flavours = [topology(t) for t in tosca.nested_tosca_templates_with_topology]
    if not flavours:  # one-file VNFD: its only flavour is the entry topology
        flavours = [top]
    for f in flavours:
        f["flavour_id"] = flavour_id(f) or flavour_id(top)
    return {"top_level": top, "deployment_flavours": sorted(flavours, key=lambda f: str(f["flavour_id"]))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("entry")
    ap.add_argument("--defs")
    ap.add_argument("--fix", action="append", default=[], choices=sorted(FIXES))
    ap.add_argument("--probe", action="store_true")
    a = ap.parse_args()
    logging.disable(logging.CRITICAL)  # tosca-parser logs what it also raises
    with tempfile.TemporaryDirectory(prefix="toscaoracle-") as work:
        import_toscaparser(a.defs, work)
        install_fixes()
        enabled.update(a.fix)
        tosca, errors = parse(a.entry)
        out = summary(tosca) if tosca is not None else {}
        out["errors"] = errors
        if a.probe:
            out["without"] = {}
            for fix in a.fix:
                enabled.clear()
                enabled.update(set(a.fix) - {fix})
                out["without"][fix] = parse(a.entry)[1]
    print(json.dumps(out, indent=1, sort_keys=True, default=str))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
