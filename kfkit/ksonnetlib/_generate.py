"""Generate ksonnet-lib (``k8s.libsonnet`` + ``k.libsonnet``) from a Kubernetes OpenAPI spec.

The API shape is ksonnet-lib 0.1's, which old ksonnet apps and Kubeflow's packages use:
``k.<group>.<version>.<kind>`` (``k.apps.v1beta1.deployment``), ``new()``, ``withX(x)`` and
``withXMixin(x)`` per field, ``.mixin.<object field>…`` chains that build a patch
(``deployment.mixin.spec.withReplicas(3)``), ``<field>Type`` for the type of an array or
object field (``deployment.mixin.spec.template.spec.containersType``), and ``k.libsonnet``'s
hand-written helpers: ``core.v1.list.new``, constructors with arguments
(``service.new(name, selector, ports)``, ``deployment.new(name, replicas, containers, podLabels)``
…) and ``mapContainers``/``mapContainersWithName`` on workloads.

ksonnet-lib inlined every mixin chain, so its output grew with the depth of the API (MBs for
1.8, and ksonnet never finished on a current spec). Here each definition is emitted once as a
function of how its patch is wrapped, and chains are built lazily when used: output and time
grow linearly with the spec, and recursive types (JSONSchemaProps) need no cut-off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kfkit.ksonnetlib._spec import Spec

__all__ = ["generate"]

_VERSION_PART = re.compile(r"^v\d+((alpha|beta)\d+)?$")
_KEYWORDS = frozenset(
    ("assert", "else", "error", "false", "for", "function", "if", "import", "importstr", "importbin",
     "in", "local", "null", "tailstrict", "then", "self", "super", "true")
)  # fmt: skip
_GROUP_ALIASES = {"": "core", "api": "core"}


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str
    """``scalar``, ``array``, ``map`` or ``object`` (a reference to a definition with fields)."""
    ref: str = ""
    """The definition an ``object`` field, or an array's items, refer to."""


def _ref(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    all_of = schema.get("allOf") or []
    return _ref(all_of[0]) if len(all_of) == 1 else ""


def _fields(definition: dict[str, Any], definitions: dict[str, Any]) -> list[_Field]:
    fields = []
    for name, schema in sorted((definition.get("properties") or {}).items()):
        ref = _ref(schema)
        if ref and (definitions.get(ref) or {}).get("properties"):
            fields.append(_Field(name, "object", ref))
        elif schema.get("type") == "array":
            item = _ref(schema.get("items"))
            has_fields = bool((definitions.get(item) or {}).get("properties"))
            fields.append(_Field(name, "array", item if has_fields else ""))
        elif schema.get("type") == "object" and not ref:
            fields.append(_Field(name, "map"))
        else:
            fields.append(_Field(name, "scalar"))
    return fields


def _camel(name: str) -> str:
    """A property name as the ``X`` of ``withX``: ``x-kubernetes-list-type`` → ``XKubernetesListType``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Field"


def _ident(name: str) -> str:
    camel = _camel(name)
    ident = camel[:1].lower() + camel[1:]
    if ident[:1].isdigit():
        ident = "_" + ident
    return ident + "_" if ident in _KEYWORDS else ident


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _place(name: str, definition: dict[str, Any]) -> tuple[str, str, str] | None:
    """``(group, version, member)`` of a definition: ``k.<group>.<version>.<member>``."""
    gvk = definition.get("x-kubernetes-group-version-kind") or []
    if gvk:
        group = str(gvk[0].get("group", ""))
        return (
            _GROUP_ALIASES.get(group, group.split(".")[0]),
            str(gvk[0]["version"]),
            _lower_first(str(gvk[0]["kind"])),
        )
    parts = name.split(".")
    for i in range(len(parts) - 2, 0, -1):
        if _VERSION_PART.match(parts[i]):
            return _GROUP_ALIASES.get(parts[i - 1], parts[i - 1]), parts[i], _lower_first(parts[-1])
    return None


def _methods(fields: list[_Field]) -> Iterator[str]:
    """The ``withX``/``withXMixin``/``xType`` members; ``wrap`` turns a patch into the caller's."""
    for field in fields:
        key, x, arg = json.dumps(field.name), _camel(field.name), _ident(field.name)
        if field.kind == "array":
            value = f"if std.type({arg}) == 'array' then {arg} else [{arg}]"
            yield f"with{x}({arg}):: self + wrap({{{key}: {value}}}),"
            yield f"with{x}Mixin({arg}):: self + wrap({{{key}+: {value}}}),"
            if field.ref:
                yield f"{_lower_first(x)}Type:: T({json.dumps(field.ref)}, {{}}),"
        else:
            yield f"with{x}({arg}):: self + wrap({{{key}: {arg}}}),"
            if field.kind in ("map", "object"):
                yield f"with{x}Mixin({arg}):: self + wrap({{{key}+: {arg}}}),"
            if field.kind == "object":
                yield f"{_lower_first(x)}Type:: T({json.dumps(field.ref)}, {{}}),"


def _nested(fields: list[_Field]) -> Iterator[str]:
    """One member per object field: its mixin chain (``mixin.spec.template…``)."""
    for field in fields:
        if field.kind == "object":
            key = json.dumps(field.name)
            yield f"{_ident(field.name)}:: N({json.dumps(field.ref)}, function(o) wrap({{{key}+: o}})),"


_PRELUDE = """\
// ksonnet-lib's API surface for Kubernetes {version}, generated by kfkit from the OpenAPI spec
// ({source}). Do not edit: delete this directory and kfkit generates it again.
//
// M[definition](wrap): withX/withXMixin/xType; O[definition](wrap): a mixin chain per object field.
// C[definition]: ksonnet-lib's constructors with arguments and workload helpers.
// N: a mixin chain (methods, object fields, mixinInstance). T: a kind or type (new(), methods, mixin).
local M = {{
{methods}
}},
O = {{
{nested}
}},
C = {{
{constructors}
}},
N(id, wrap) = M[id](wrap) + O[id](wrap) + {{ mixinInstance(o):: wrap(o) }},
T(id, base) = {{ new():: base }} + M[id](function(o) o) + {{ mixin:: O[id](function(o) o) }}
  + (if std.objectHasAll(C, id) then C[id] else {{}});
{{
{tree}
}}
"""


def generate(spec: Spec, version: str, *, source: str = "") -> dict[str, str]:
    """``{"k8s.libsonnet": …, "k.libsonnet": …}`` for ``spec``."""
    definitions: dict[str, Any] = spec.get("definitions") or {}
    methods, nested = [], []
    tree: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}
    for name, definition in sorted(definitions.items()):
        fields = _fields(definition, definitions)
        if not fields:
            continue
        key = json.dumps(name)
        body = "\n    ".join(_methods(fields))
        methods.append(f"  {key}:: function(wrap) {{\n    {body}\n  }},")
        nested_body = "\n    ".join(_nested(fields))
        nested.append(f"  {key}:: function(wrap) {{\n    {nested_body}\n  }},")
        place = _place(name, definition)
        if place is None:
            continue
        group, version_name, member = place
        gvk = definition.get("x-kubernetes-group-version-kind") or []
        base = ""
        if gvk:
            g = str(gvk[0].get("group", ""))
            api_version = f"{g}/{gvk[0]['version']}" if g else str(gvk[0]["version"])
            base = json.dumps({"apiVersion": api_version, "kind": gvk[0]["kind"]})
        members = tree.setdefault(group, {}).setdefault(version_name, {})
        if member not in members or (base and not members[member][1]):
            members[member] = (name, base)
    k8s = _PRELUDE.format(
        version=version,
        source=source or "shipped with kfkit",
        methods="\n".join(methods),
        nested="\n".join(nested),
        constructors="\n".join(_constructor_lines(tree)),
        tree="\n".join(_tree_lines(tree)),
    )
    return {"k8s.libsonnet": k8s, "k.libsonnet": _K_LIBSONNET.format(version=version)}


def _constructor_lines(tree: dict[str, dict[str, dict[str, tuple[str, str]]]]) -> Iterator[str]:
    for group, versions in sorted(tree.items()):
        for version, members in sorted(versions.items()):
            for member, (name, _) in sorted(members.items()):
                body = _constructors(group, version, member)
                if body:
                    indented = body.replace("\n", "\n    ")
                    yield f"  {json.dumps(name)}:: {{\n    {indented}\n  }},"


def _tree_lines(tree: dict[str, dict[str, dict[str, tuple[str, str]]]]) -> Iterator[str]:
    for group in sorted(tree):
        yield f"  {_ident(group)}:: {{"
        for version in sorted(tree[group]):
            yield f"    {version}:: {{"
            for member, (name, base) in sorted(tree[group][version].items()):
                yield f"      {_ident(member)}:: T({json.dumps(name)}, {base or '{}'}),"
            yield "    },"
        yield "  },"


# --- ksonnet-lib 0.1's hand-written parts, in kfkit's words ---------------------------------

_WORKLOADS = ("deployment", "daemonSet", "replicaSet", "statefulSet", "job", "replicationController")
_MAP_CONTAINERS = """\
mapContainers(f):: {
  local podContainers = super.spec.template.spec.containers,
  spec+: { template+: { spec+: { containers: std.map(f, podContainers) } } },
},
mapContainersWithName(names, f)::
  local wanted = if std.type(names) == 'array' then names else [names];
  self.mapContainers(function(c)
    if std.objectHas(c, 'name') && std.member(wanted, c.name) then f(c) else c),"""

_NAMED = "new(name):: super.new() + self.mixin.metadata.withName(name),"
_CORE_V1 = {
    "service": """\
new(name, selector, ports)::
  super.new() + self.mixin.metadata.withName(name)
  + self.mixin.spec.withSelector(selector) + self.mixin.spec.withPorts(ports),""",
    "servicePort": """\
new(port, targetPort):: super.new() + self.withPort(port) + self.withTargetPort(targetPort),
newNamed(name, port, targetPort):: self.new(port, targetPort) + self.withName(name),""",
    "container": "new(name, image):: super.new() + self.withName(name) + self.withImage(image),",
    "containerPort": """\
new(containerPort):: super.new() + self.withContainerPort(containerPort),
newNamed(name, containerPort):: self.new(containerPort) + self.withName(name),""",
    "configMap": """\
new(name, data={}):: super.new() + self.mixin.metadata.withName(name) + self.withData(data),""",
    "secret": """\
new(name, data, type='Opaque')::
  super.new() + self.mixin.metadata.withName(name) + self.withData(data) + self.withType(type),""",
    "namespace": _NAMED,
    "serviceAccount": _NAMED,
    "persistentVolumeClaim": _NAMED,
    "envVar": """\
new(name, value):: super.new() + self.withName(name) + self.withValue(value),
fromSecretRef(name, secretRefName, secretRefKey)::
  super.new() + self.withName(name)
  + { valueFrom: { secretKeyRef: { name: secretRefName, key: secretRefKey } } },
fromFieldPath(name, fieldPath)::
  super.new() + self.withName(name) + { valueFrom: { fieldRef: { fieldPath: fieldPath } } },""",
    "volume": """\
fromEmptyDir(name, emptyDir={}):: super.new() + self.withName(name) + { emptyDir: emptyDir },
fromConfigMap(name, configMapName, configMapItems=[])::
  super.new() + self.withName(name) + { configMap: { name: configMapName } }
  + (if configMapItems == [] then {} else { configMap+: { items: configMapItems } }),
fromSecret(name, secretName):: super.new() + self.withName(name) + { secret: { secretName: secretName } },
fromPersistentVolumeClaim(name, claimName)::
  super.new() + self.withName(name) + { persistentVolumeClaim: { claimName: claimName } },
fromHostPath(name, hostPath):: super.new() + self.withName(name) + { hostPath: { path: hostPath } },""",
    "volumeMount": """\
new(name, mountPath, readOnly=false)::
  super.new() + self.withName(name) + self.withMountPath(mountPath) + self.withReadOnly(readOnly),""",
}
_DEPLOYMENT_NEW = """\
new(name, replicas, containers, podLabels={app: name})::
  super.new() + self.mixin.metadata.withName(name) + self.mixin.spec.withReplicas(replicas)
  + self.mixin.spec.template.spec.withContainers(containers)
  + self.mixin.spec.template.metadata.withLabels(podLabels)"""
_SELECTOR = "\n  + self.mixin.spec.selector.withMatchLabels(podLabels)"
# The old workload APIs defaulted the selector from the template labels; later ones need it.
_DEFAULTED_SELECTOR = (("extensions", "v1beta1"), ("apps", "v1beta1"))


def _constructors(group: str, version: str, member: str) -> str:
    """ksonnet-lib's constructors with arguments and workload helpers for one kind or type."""
    parts = []
    if group == "core" and version == "v1" and member in _CORE_V1:
        parts.append(_CORE_V1[member])
    if member == "deployment":
        selector = "" if (group, version) in _DEFAULTED_SELECTOR else _SELECTOR
        parts.append(_DEPLOYMENT_NEW + selector + ",")
    if member in _WORKLOADS:
        parts.append(_MAP_CONTAINERS)
    return "\n".join(parts)


_K_LIBSONNET = """\
// ksonnet-lib's k.libsonnet for Kubernetes {version}, generated by kfkit: k8s.libsonnet and
// core.v1.list, as ksonnet-lib 0.1 had them.
local k8s = import 'k8s.libsonnet';
k8s + {{
  core:: k8s.core + {{
    v1:: k8s.core.v1 + {{
      list:: {{
        new(items):: {{ apiVersion: 'v1', kind: 'List' }} + self.items(items),
        items(items):: {{ items+: if std.type(items) == 'array' then items else [items] }},
      }},
    }},
  }},
}}
"""
