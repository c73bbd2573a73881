"""The package generator: ``pkg new`` scaffolds, ``--from`` manifests, ``--from-component``.

Generated packages are ksonnet parts (parts.yaml, prototypes/, a library, README.md)
in a registry directory whose registry.yaml lists them. Their Jsonnet is written the
way ``jsonnet fmt`` prints it (two-space indent, single quotes, trailing commas).

``--from`` turns manifests into a prototype whose obvious fields are params with the
manifests' values as defaults, so rendering the defaults gives the input back:
the name, the namespace, container images, replicas, container and service ports,
resource requests/limits and env values.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kfkit._types import JsonValue, Obj
from kfkit._yamllimit import BoundedLoader
from kfkit.app._files import write_atomic
from kfkit.app._layout import COMPONENT_SUFFIXES
from kfkit.errors import UsageError
from kfkit.jsonnet import is_identifier

if TYPE_CHECKING:
    from kfkit.app._app import AppDir

__all__ = [
    "Commented",
    "Raw",
    "component_prototype",
    "dump_jsonnet",
    "manifest_prototype",
    "read_manifests",
    "scaffold_package",
]

_PACKAGE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


# --- Jsonnet output, formatted as jsonnet fmt would ------------------------------------


@dataclass(frozen=True)
class Raw:
    """A Jsonnet expression to print as it is (a param reference, a concatenation)."""

    code: str


@dataclass(frozen=True)
class Commented:
    """An array element printed with a ``//`` line above it."""

    text: str
    value: Any


def dump_jsonnet(value: Any, indent: int = 0) -> str:
    """A JSON-like value (with :class:`Raw` expressions) as ``jsonnet fmt``-style Jsonnet."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, Raw):
        return value.code
    if isinstance(value, dict):
        if not value:
            return "{}"
        fields = [f"{inner}{_key(k)}: {dump_jsonnet(v, indent + 1)},\n" for k, v in value.items()]
        return "{\n" + "".join(fields) + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [
            (f"{inner}// {v.text}\n{inner}{dump_jsonnet(v.value, indent + 1)},\n")
            if isinstance(v, Commented)
            else f"{inner}{dump_jsonnet(v, indent + 1)},\n"
            for v in value
        ]
        return "[\n" + "".join(items) + pad + "]"
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


def _key(key: str) -> str:
    return key if is_identifier(key) else _string(key)


def _string(text: str) -> str:
    """A single-quoted Jsonnet string (jsonnet fmt's default style)."""
    body = json.dumps(text, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{body}'"


# --- reading manifests -----------------------------------------------------------------


def read_manifests(source: str) -> list[Obj]:
    """Objects of a YAML/JSON file, every such file of a directory (sorted), or stdin (``-``).

    Multi-document streams and ``List`` kinds are flattened; empty documents skipped.
    """
    if source == "-":
        texts = [("stdin", sys.stdin.read())]
    else:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in COMPONENT_SUFFIXES[1:] and p.is_file())
        elif path.is_file():
            files = [path]
        else:
            raise UsageError(f"{source} is not a file or a directory")
        texts = [(str(p), p.read_text(encoding="utf-8")) for p in files]
    objects: list[Obj] = []
    for where, text in texts:
        try:
            docs = list(yaml.load_all(text, Loader=BoundedLoader))
        except yaml.YAMLError as exc:
            raise UsageError(f"{where}: not YAML: {str(exc).splitlines()[0]}") from exc
        for doc in docs:
            objects += _flatten(where, doc)
    if not objects:
        raise UsageError(f"{source}: no Kubernetes objects found")
    return objects


def _flatten(where: str, doc: Any) -> list[Obj]:
    if doc is None:
        return []
    if isinstance(doc, list):
        return [o for item in doc for o in _flatten(where, item)]
    if not isinstance(doc, dict) or not doc.get("kind") or not doc.get("apiVersion"):
        raise UsageError(f"{where}: every document must be a Kubernetes object (apiVersion and kind)")
    if str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list):
        return [o for item in doc["items"] for o in _flatten(where, item)]
    return [doc]


# --- manifests → prototype -------------------------------------------------------------


@dataclass
class _Param:
    name: str
    type: str
    default: JsonValue
    description: str

    def annotation(self) -> str:
        return f"// @optionalParam {self.name} {self.type} {_word(self.default)} {self.description}"


class _Params:
    """Params found in manifests, with unique names."""

    def __init__(self) -> None:
        self.found: dict[str, _Param] = {}

    def add(self, name: str, type_: str, default: JsonValue, description: str) -> Raw | None:
        """Declare a param (reusing one with the same name and value); None when not expressible."""
        if not _expressible(default):
            return None  # an annotation default is one word; such values stay literal
        if not is_identifier(name) or name in _RESERVED:
            name = f"{name}Param"
        base, n = name, 2
        while name in self.found and self.found[name].default != default:
            name, n = f"{base}{n}", n + 1
        self.found.setdefault(name, _Param(name, type_, default, description))
        return Raw(f"import 'param://{name}'")


def _word(value: JsonValue) -> str:
    """A param default as prototype annotations write it: the string itself, else compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _expressible(value: JsonValue) -> bool:
    """Annotation defaults are one word, and a string "null" would read back as null."""
    text = _word(value)
    return (
        bool(text) and not any(c.isspace() for c in text) and not (isinstance(value, str) and text == "null")
    )


_RESERVED = {"params", "env", "self", "super", "local", "function", "import", "importstr", "if", "then"}
_RESERVED |= {"else", "for", "in", "error", "assert", "null", "true", "false", "tailstrict"}


def _camel(*words: str) -> str:
    parts = [p for w in words for p in re.split(r"[^A-Za-z0-9]+", w) if p]
    if not parts:
        return "value"
    text = parts[0][0].lower() + parts[0][1:] + "".join(p[0].upper() + p[1:] for p in parts[1:])
    return text if not text[0].isdigit() else f"p{text}"


def manifest_prototype(package: str, objects: list[Obj], *, description: str = "") -> str:
    """A prototype whose default render is ``objects``; typed params replace their obvious fields."""
    objects = [_strip_component_label(o) for o in objects]
    params = _Params()
    name = _main_name(objects)
    name_ref = Raw("import 'param://name'")
    namespaces = {o.get("metadata", {}).get("namespace") for o in objects} - {None}
    ns_ref = (
        params.add("namespace", "string", namespaces.pop(), "Namespace of every object")
        if len(namespaces) == 1
        else None
    )
    workloads = [o for o in objects if _pod_spec(o) is not None]
    containers = [c for o in workloads for c in _containers(o)]
    single = len(containers) == 1
    body = []
    for obj in objects:
        value = _parametrize(obj, params, single, len(workloads) == 1, ns_ref)
        body.append(Commented(f"{obj['kind']} {obj.get('metadata', {}).get('name', '')}".strip(), value))
    body_text = _with_name(dump_jsonnet(body), name, name_ref) if name else dump_jsonnet(body)
    header = [
        "// @apiVersion 0.1",
        f"// @name io.ksonnet.pkg.{package}",
        f"// @description {description or _describe(objects)}",
        f"// @shortDescription {description or _describe(objects)}",
        "// @param name string Name of the objects (and of the labels and references that repeat it)",
        *[p.annotation() for p in params.found.values()],
    ]
    comment = (
        "\n// Made by `kfkit pkg new --from`: rendering the defaults gives the input manifests back."
        "\n// Fields that repeat the name use `name`; other values are literal, edit them freely.\n"
    )
    return "\n".join(header) + "\n" + comment + body_text + "\n"


def _strip_component_label(obj: Obj) -> Obj:
    labels = obj.get("metadata", {}).get("labels")
    if isinstance(labels, dict) and "ksonnet.io/component" in labels:
        obj = json.loads(json.dumps(obj))
        del obj["metadata"]["labels"]["ksonnet.io/component"]
        if not obj["metadata"]["labels"]:
            del obj["metadata"]["labels"]
    return obj


def _main_name(objects: list[Obj]) -> str:
    """The name most objects share (the first object's on a tie): it becomes the ``name`` param."""
    names = [str(o.get("metadata", {}).get("name", "")) for o in objects]
    names = [n for n in names if n]
    return max(names, key=names.count) if names else ""


def _describe(objects: list[Obj]) -> str:
    kinds = ", ".join(dict.fromkeys(str(o["kind"]) for o in objects))
    return f"{kinds} made from manifests"


def _pod_spec(obj: Obj) -> dict[str, Any] | None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    if obj.get("kind") == "Pod":
        return spec
    if obj.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    template = spec.get("template") if isinstance(spec, dict) else None
    pod = template.get("spec") if isinstance(template, dict) else None
    return pod if isinstance(pod, dict) else None


def _containers(obj: Obj) -> Iterator[dict[str, Any]]:
    pod = _pod_spec(obj) or {}
    for key in ("initContainers", "containers"):
        yield from (c for c in pod.get(key) or [] if isinstance(c, dict))


def _parametrize(obj: Obj, params: _Params, single: bool, one_workload: bool, ns_ref: Raw | None) -> Any:
    """A copy of ``obj`` with param references in place of the obvious fields."""
    out: Any = json.loads(json.dumps(obj))
    meta = out.get("metadata")
    if ns_ref is not None and isinstance(meta, dict) and "namespace" in meta:
        meta["namespace"] = ns_ref
    spec = out.get("spec") if isinstance(out.get("spec"), dict) else {}
    if "replicas" in spec and _pod_spec(out) is not None:
        prefix = "" if one_workload else _camel(str(meta.get("name", "")))
        ref = params.add(_camel(prefix, "replicas"), "number", spec["replicas"], "Number of replicas")
        spec["replicas"] = ref or spec["replicas"]
    for container in _containers(out):
        _parametrize_container(container, params, single)
    if out.get("kind") == "Service":
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and isinstance(port.get("port"), int):
                which = "" if len(spec["ports"]) == 1 else str(port.get("name") or port["port"])
                ref = params.add(_camel("service", which, "port"), "number", port["port"], "Service port")
                port["port"] = ref or port["port"]
    return out


def _parametrize_container(container: dict[str, Any], params: _Params, single: bool) -> None:
    cname = "" if single else str(container.get("name", ""))
    if isinstance(container.get("image"), str):
        ref = params.add(_camel(cname, "image"), "string", container["image"], f"Image of {_who(cname)}")
        container["image"] = ref or container["image"]
    ports = [p for p in container.get("ports") or [] if isinstance(p, dict)]
    for port in ports:
        if isinstance(port.get("containerPort"), int):
            which = "" if len(ports) == 1 else str(port.get("name") or port["containerPort"])
            desc = f"Port {_who(cname)} listens on"
            ref = params.add(_camel(cname, which, "containerPort"), "number", port["containerPort"], desc)
            port["containerPort"] = ref or port["containerPort"]
    if isinstance(container.get("resources"), dict) and container["resources"]:
        desc = f"Resource requests and limits of {_who(cname)}"
        ref = params.add(_camel(cname, "resources"), "object", container["resources"], desc)
        container["resources"] = ref or container["resources"]
    for var in container.get("env") or []:
        if isinstance(var, dict) and isinstance(var.get("value"), str) and isinstance(var.get("name"), str):
            desc = f"Value of {var['name']} in {_who(cname)}"
            ref = params.add(_camel(cname, var["name"].lower()), "string", var["value"], desc)
            var["value"] = ref or var["value"]


def _who(container: str) -> str:
    return f"container {container}" if container else "the container"


def _with_name(text: str, name: str, ref: Raw) -> str:
    """Values equal to the name, or starting with ``<name>-``, become expressions of the param."""
    value = re.compile(r"(?m)(^\s*|: )'" + re.escape(_string(name)[1:-1]) + r"(-[^'\\]*)?',$")

    def expression(match: re.Match[str]) -> str:
        suffix = match.group(2)
        return f"{match.group(1)}{f'({ref.code}) + {_string(suffix)}' if suffix else ref.code},"

    return value.sub(expression, text)


# --- scaffolding -----------------------------------------------------------------------


def scaffold_package(
    name: str,
    registry_dir: Path,
    *,
    registry: str | None = None,
    prototype: str | None = None,
    description: str = "",
) -> Path:
    """Write ``registry_dir/name/`` (parts.yaml, prototype, library, README) and list it in registry.yaml.

    ``prototype`` replaces the scaffold's example prototype (``--from``/``--from-component``).
    Written in a temp dir and renamed: an existing package is never overwritten.
    """
    if not _PACKAGE.match(name):
        raise UsageError(f"invalid package name {name!r}: use lower-case letters, digits and '-'")
    registry = registry or registry_dir.resolve().name
    target = registry_dir / name
    if target.exists():
        raise UsageError(f"{target} already exists")
    index = _registry_index(registry_dir)
    files = {
        "parts.yaml": _parts(name, description or f"{name}: a kfkit package"),
        f"prototypes/{name}.jsonnet": prototype or _example_prototype(name, registry),
        f"{name}.libsonnet": _LIBRARY,
        "README.md": _readme(name, registry),
    }
    if prototype is not None:
        del files[f"{name}.libsonnet"]
    registry_dir.mkdir(parents=True, exist_ok=True)
    staging = registry_dir / f".{name}.new"
    if staging.exists():
        raise UsageError(f"{staging} exists (an interrupted `pkg new`?); remove it")
    for rel, text in files.items():
        write_atomic(staging / rel, text)
    staging.rename(target)
    index["libraries"][name] = {"path": name, "version": ""}
    write_atomic(registry_dir / "registry.yaml", yaml.safe_dump(index, sort_keys=True))
    return target


def _registry_index(registry_dir: Path) -> dict[str, Any]:
    path = registry_dir / "registry.yaml"
    if not path.exists():
        return {"apiVersion": "0.2.0", "kind": "ksonnet.io/registry", "libraries": {}}
    from kfkit.app._registry import parse_registry_yaml  # checks its shape

    libraries = parse_registry_yaml(path)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=BoundedLoader)
    data["libraries"] = {n: {"path": e.path, "version": e.version} for n, e in libraries.items()}
    return dict(data)


def _parts(name: str, description: str) -> str:
    data = {
        "apiVersion": "0.0.1",
        "kind": "ksonnet.io/parts",
        "name": name,
        "description": description,
        "license": "Apache 2.0",
        "prototypes": [f"io.ksonnet.pkg.{name}"],
        "quickStart": {
            "prototype": f"io.ksonnet.pkg.{name}",
            "componentName": name,
            "flags": {"name": name},
            "comment": f"Generate a component from the {name} prototype.",
        },
    }
    return yaml.safe_dump(data, sort_keys=True)


def _example_prototype(name: str, registry: str) -> str:
    return f"""\
// @apiVersion 0.1
// @name io.ksonnet.pkg.{name}
// @description {name}: a Deployment and a Service in front of it. Generated by
//   `kfkit pkg new`; edit the params and the library to make it yours.
// @shortDescription {name}: a Deployment and its Service
// @param name string Name of the Deployment, the Service and their app label
// @optionalParam image string nginx:1.27 Container image
// @optionalParam replicas number 1 Number of pods
// @optionalParam containerPort number 80 Port the container listens on
// @optionalParam servicePort number 80 Port the Service exposes

// The objects come from the package's library, imported by registry and package name
// (the name this package's registry is added under in the app).
local lib = import '{registry}/{name}/{name}.libsonnet';

lib.service(
  import 'param://name',
  import 'param://image',
  import 'param://replicas',
  import 'param://containerPort',
  import 'param://servicePort',
)
"""


_LIBRARY = """\
// The package's library: functions the prototypes (and the app's components) call.
{
  // A Deployment of `replicas` pods running `image`, labelled app: <name>.
  deployment(name, image, replicas, containerPort):: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: name, labels: { app: name } },
    spec: {
      replicas: replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: name, image: image, ports: [{ containerPort: containerPort }] },
          ],
        },
      },
    },
  },

  // A Service selecting the Deployment's pods.
  svc(name, servicePort, containerPort):: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: name, labels: { app: name } },
    spec: {
      selector: { app: name },
      ports: [{ port: servicePort, targetPort: containerPort }],
    },
  },

  // Both, as a List, which is what the prototype renders.
  service(name, image, replicas, containerPort, servicePort):: {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      $.deployment(name, image, replicas, containerPort),
      $.svc(name, servicePort, containerPort),
    ],
  },
}
"""


def _readme(name: str, registry: str) -> str:
    return f"""\
# {name}

A kfkit (ksonnet-style) package: `parts.yaml`, `prototypes/{name}.jsonnet` and its
library `{name}.libsonnet`.

    kfkit registry add {registry} <directory of registry.yaml>
    kfkit pkg install {registry}/{name}
    kfkit generate {registry}/{name} my-{name} --image nginx:1.27

`kfkit pkg test <this directory>` renders every prototype with its defaults and with
parts.yaml's quickStart.
"""


# --- a component of an app → prototype -------------------------------------------------

_HEADER_LINE = re.compile(
    r'^local (env|params) = std\.extVar\("__ksonnet/(environments|params)"\)[^;]*;\n', re.M
)
_PARAM_REF = re.compile(r"""\bparams(?:\.([A-Za-z_]\w*)|\[\s*['"]([^'"]+)['"]\s*\])""")
_ENV_REF = re.compile(r"\benv\.(namespace|server|name)\b")
_TYPES = ((bool, "boolean"), ((int, float), "number"), (str, "string"), (dict, "object"), (list, "array"))


def component_prototype(app: AppDir, component: str, package: str, values: Mapping[str, JsonValue]) -> str:
    """A prototype from a component of ``app``: its params (``values``) become the prototype's.

    A Jsonnet component's ``params.x`` and ``env.x`` become ``import 'param://x'`` and
    ``import 'env://x'``; a YAML/JSON component goes through :func:`manifest_prototype`.
    """
    comp = app.component(component)
    if comp.kind != "jsonnet":
        return manifest_prototype(package, read_manifests(str(comp.path)))
    source = _HEADER_LINE.sub("", comp.path.read_text(encoding="utf-8"))
    used = {m.group(1) or m.group(2) for m in _PARAM_REF.finditer(source)} & set(values)
    bad = sorted(k for k in used if not is_identifier(k))
    if bad:
        raise UsageError(f"component {component}: param {bad[0]!r} is not an identifier; rename it first")

    def reference(match: re.Match[str]) -> str:
        key = match.group(1) or match.group(2)
        if key not in used:
            return match.group(0)
        if values[key] is None:  # packaged string defaults of null read as "null", as ksonnet did
            return f"(local v = import 'param://{key}'; if v == 'null' then null else v)"
        return f"(import 'param://{key}')"

    source = _ENV_REF.sub(lambda m: f"(import 'env://{m.group(1)}')", _PARAM_REF.sub(reference, source))
    lines = [
        "// @apiVersion 0.1",
        f"// @name io.ksonnet.pkg.{package}",
        f"// @description Made from component {component} of app {app.name} (kfkit pkg new --from-component)",
        f"// @shortDescription {package} (from component {component})",
    ]
    for key in sorted(used):
        value = values[key]
        type_ = next((t for kinds, t in _TYPES if isinstance(value, kinds)), "string")
        if key == "name" or not (value is None or _expressible(value)):
            lines.append(f"// @param {key} {type_} The component's {key}")
        else:
            lines.append(f"// @optionalParam {key} {type_} {_word(value)} The component's {key}")
    return "\n".join(lines) + "\n\n" + source.lstrip("\n")
