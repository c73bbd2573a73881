"""Prototypes: Jsonnet templates with an annotated header, turned into components.

The header is ksonnet's: ``// @name``, ``// @param name type description``,
``// @optionalParam name type default description`` and friends; it ends at the first
line that is not a ``//`` comment. kfkit adds the ``boolean`` type.

A default of ``null`` means JSON null in kfkit's built-in prototypes, but ksonnet quoted
every ``string`` (and non-numeric ``numberOrString``) default, so packaged prototypes
(Kubeflow's test ``param == "null"`` throughout) get the string ``"null"``, as they did.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from kfkit._literals import parse_number, parse_structure
from kfkit._types import JsonValue
from kfkit.app._layout import BUILTIN
from kfkit.app._registry import BUILTIN_REGISTRY
from kfkit.errors import KfkitWarning, PrototypeError, UsageError
from kfkit.jsonnet import is_identifier

__all__ = [
    "PARAM_TYPES",
    "Param",
    "Prototype",
    "component_source",
    "discover_prototypes",
    "find_prototype",
    "parse_prototype",
    "prototype_params",
]

PARAM_TYPES = ("string", "number", "numberOrString", "object", "array", "boolean")
_DIRECTIVE = re.compile(r"^//\s*@(\w+)\s*(.*)$")
_PLACEHOLDER = re.compile(r"""import\s+(['"])(param|env)://([A-Za-z_][\w-]*)\1""")


@dataclass(frozen=True)
class Param:
    """One declared prototype parameter; ``default`` is None for required ones."""

    name: str
    type: str
    description: str
    required: bool
    default: JsonValue = None
    default_text: str = ""


@dataclass(frozen=True)
class Prototype:
    """A parsed prototype file."""

    name: str
    path: Path
    api_version: str
    description: str
    short_description: str
    params: tuple[Param, ...]
    body: str
    registry: str = ""
    """The registry of the installed package it comes from; empty for kfkit's built-ins."""
    package: str = ""

    @property
    def full_name(self) -> str:
        """``kubeflow/io.ksonnet.pkg.tf-serving`` for installed ones, the bare name for built-ins."""
        return f"{self.registry}/{self.name}" if self.registry else self.name

    @property
    def short_name(self) -> str:
        """``io.ksonnet.pkg.tf-serving`` → ``tf-serving``."""
        return self.name.rsplit(".", 1)[-1] if self.name.startswith("io.ksonnet.pkg.") else self.name


def parse_prototype(path: Path, *, ksonnet_defaults: bool = False) -> Prototype:
    """Parse a prototype file's annotated header; errors name the file and line.

    ``ksonnet_defaults``: type ``null`` defaults as ksonnet did (a string param's is ``"null"``).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PrototypeError(f"cannot read prototype {path}: {exc.strerror}") from exc
    lines = text.splitlines(keepends=True)
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    index = 0
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line.startswith("//"):
            break
        match = _DIRECTIVE.match(line)
        if match is None:
            continuation = line[2:].strip()
            if last == "param" and params and continuation:
                p = params[-1]
                params[-1] = replace(p, description=f"{p.description} {continuation}")
            elif last is not None and continuation:
                fields[last] = f"{fields[last]} {continuation}".strip()
            continue
        key, rest = match.group(1), match.group(2).strip()
        where = f"{path}:{index + 1}"
        if key == "param":
            params.append(_param(where, rest, required=True))
            last = "param"
        elif key == "optionalParam":
            params.append(_param(where, rest, required=False, ksonnet_defaults=ksonnet_defaults))
            last = "param"
        elif key in ("apiVersion", "name", "description", "shortDescription"):
            fields[key] = rest
            last = key
        else:
            raise PrototypeError(f'{where}: unknown prototype directive "@{key}"')
    else:
        index = len(lines)
    if "name" not in fields:
        raise PrototypeError(f"{path}: prototype has no `// @name` annotation")
    return Prototype(
        name=fields["name"],
        path=path,
        api_version=fields.get("apiVersion", ""),
        description=fields.get("description", ""),
        short_description=fields.get("shortDescription", fields.get("description", "")),
        params=tuple(params),
        body="".join(lines[index:]),
    )


def _param(where: str, rest: str, *, required: bool, ksonnet_defaults: bool = False) -> Param:
    parts = rest.split(None, 2 if required else 3)
    need = 2 if required else 3
    if len(parts) < need:
        form = "name type description" if required else "name type default description"
        raise PrototypeError(f"{where}: expected `{form}`")
    name, type_ = parts[0], parts[1]
    if type_ not in PARAM_TYPES:
        raise PrototypeError(
            f"{where}: param {name!r} has unknown type {type_!r}; use one of {', '.join(PARAM_TYPES)}"
        )
    if required:
        return Param(name, type_, parts[2] if len(parts) > 2 else "", True)
    default_text = parts[2]
    try:
        literal_null = not ksonnet_defaults or type_ not in ("string", "numberOrString")
        default = _typed(f"{where}: default of {name!r}", type_, default_text, literal_null=literal_null)
    except UsageError as exc:  # the prototype is at fault, not the command line
        raise PrototypeError(str(exc)) from exc
    return Param(name, type_, parts[3] if len(parts) > 3 else "", False, default, default_text)


def _typed(where: str, type_: str, text: str, *, literal_null: bool = False) -> JsonValue:
    """Turn a flag or annotation text into the param's typed value."""
    if literal_null and text == "null":
        return None
    if type_ == "string":
        return text
    if type_ in ("number", "numberOrString"):
        number = parse_number(text)
        if number is not None:
            return number
        if type_ == "numberOrString":
            return text
        raise UsageError(f"{where}: {text!r} is not a number (write it as Jsonnet does: 80, 0.5, 1e3)")
    if type_ == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise UsageError(f"{where}: {text!r} is not true or false")
    return parse_structure(where, text, type_)


def prototype_params(
    proto: Prototype,
    component: str,
    flags: Mapping[str, str],
    values: Mapping[str, JsonValue] | None = None,
    *,
    values_from: str = "values",
) -> dict[str, JsonValue]:
    """Every declared param's value: the values (a values file), then flags, then defaults.

    ``name`` defaults to the component name; unknown params, values of the wrong type and
    missing required params are usage errors that list what is expected, whether they
    come from flags or from ``values`` (named ``values_from`` in messages).
    """
    declared = {p.name: p for p in proto.params}
    known = ", ".join(f"--{n}" for n in declared) or "none"
    unknown = sorted(set(flags) - set(declared))
    if unknown:
        raise UsageError(
            f"prototype {proto.name} has no param {', '.join('--' + u for u in unknown)}; known: {known}"
        )
    unknown = sorted(set(values or {}) - set(declared))
    if unknown:
        raise UsageError(
            f"{values_from}: prototype {proto.name} has no param {', '.join(unknown)}; known: {known}"
        )
    result: dict[str, JsonValue] = {}
    for p in proto.params:
        if p.name in flags:
            result[p.name] = _typed(f"--{p.name}", p.type, flags[p.name])
        elif not p.required:
            result[p.name] = p.default
    if "name" in declared and "name" not in flags:
        result["name"] = component
    for key, value in (values or {}).items():
        _check_type(f"{values_from}: {key}", declared[key].type, value)
        result[key] = value
    missing = [p.name for p in proto.params if p.required and result.get(p.name) in (None, "")]
    if missing:
        flags_text = " ".join(f"--{m}=<{m}>" for m in missing)
        raise UsageError(f"prototype {proto.name} needs {flags_text}")
    return result


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "numberOrString": (int, float, str),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def _check_type(where: str, type_: str, value: JsonValue) -> None:
    """A typed value (from a values file) must be of its param's type; null is "no value", as in ksonnet."""
    wrong_bool = isinstance(value, bool) and type_ != "boolean"
    if value is not None and (wrong_bool or not isinstance(value, _JSON_TYPES[type_])):
        raise UsageError(f"{where}: {json.dumps(value)[:60]} is not of type {type_}")


def component_source(proto: Prototype, component: str) -> str:
    """The component file ksonnet wrote: two header locals, then the body with placeholders filled."""
    key = f"components.{component}" if is_identifier(component) else f'components["{component}"]'
    header = (
        'local env = std.extVar("__ksonnet/environments");\n'
        f'local params = std.extVar("__ksonnet/params").{key};\n'
    )
    body = _PLACEHOLDER.sub(
        lambda m: f"{'params' if m.group(2) == 'param' else 'env'}.{m.group(3)}", proto.body
    )
    return header + body.lstrip("\n")


def discover_prototypes(root: Path | None) -> list[Prototype]:
    """Built-in prototypes, and those of the packages installed in the app at ``root``.

    A vendored copy of a built-in package (registry ``builtin``) replaces the built-in.
    """
    installed: list[Prototype] = []
    if root is not None:
        from kfkit.app._package import installed_prototype_dirs  # that module imports this one

        for registry, package, directory in installed_prototype_dirs(root):
            for path in sorted(directory.glob("*.jsonnet")):
                # ksonnet typed packaged null defaults its own way; vendored built-ins are kfkit's
                proto = parse_prototype(path, ksonnet_defaults=registry != BUILTIN_REGISTRY)
                installed.append(replace(proto, registry=registry, package=package))
    vendored = {p.name for p in installed if p.registry == BUILTIN_REGISTRY}
    builtin = [
        proto
        for proto in (parse_prototype(path) for path in sorted((BUILTIN / "prototypes").glob("*.jsonnet")))
        if proto.name not in vendored
    ]
    return sorted([*builtin, *installed], key=lambda p: (p.name, p.registry, p.package))


def find_prototype(query: str, prototypes: Iterable[Prototype]) -> Prototype:
    """Resolve a name as ksonnet did (``tf-serving`` finds ``io.ksonnet.pkg.tf-serving``).

    ``<registry>/<name>`` or ``<registry>/<package>/<name>`` picks an installed package's
    prototype; a bare name that several prototypes answer to is an error listing them.
    """
    protos = list(prototypes)
    pool, name = protos, query
    if "/" in query:
        registry, _, name = query.partition("/")
        pool = [p for p in protos if (p.registry or BUILTIN_REGISTRY) == registry]
        package, sep, rest = name.partition("/")
        if sep:
            pool, name = [p for p in pool if p.package == package], rest
        elif not any(p.name.endswith(name) for p in pool):
            pool, name = [p for p in pool if p.package == name], ""
    matches = [p for p in pool if p.name == name] or [p for p in pool if p.name.endswith(name)]
    installed = [p for p in matches if p.registry]
    if len(installed) == 1 and len({p.name for p in matches}) == 1:
        # ksonnet: a package's prototype overrides the built-in of its name (Kubeflow's tutorials
        # say `generate tf-serving`); said, not silent.
        if len(matches) > 1:
            warnings.warn(
                KfkitWarning(
                    f"prototype {query!r} is {installed[0].full_name}, the installed package's, over the "
                    f"built-in of that name (as ksonnet chose); {BUILTIN_REGISTRY}/{query} picks the built-in"
                ),
                stacklevel=2,
            )
        return installed[0]
    if len(matches) == 1:
        return matches[0]
    if matches:
        mixed = any(p.registry for p in matches)
        listed = ", ".join(p.full_name + (" (built-in)" if mixed and not p.registry else "") for p in matches)
        example = next((p for p in matches if p.registry), None)
        hint = f"; name one in full, e.g. {example.registry}/{example.short_name}" if example else ""
        raise UsageError(f"ambiguous prototype {query!r}: {listed}{hint}")
    partial = [p.full_name for p in protos if name and name.lower() in p.name.lower()]
    hint = (
        f"; partial matches: {', '.join(partial)}"
        if partial
        else f"; known: {', '.join(p.full_name if p.registry else p.short_name for p in protos)}"
    )
    raise UsageError(f"no prototype matches {query!r}{hint}")
