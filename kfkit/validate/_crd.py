"""Custom resources: their schemas come from CustomResourceDefinitions.

A CRD's ``openAPIV3Schema`` is a structural OpenAPI v3 schema with Kubernetes extensions;
:func:`to_json_schema` turns it into a JSON Schema that is as strict as the API server's
strict field validation (unknown fields are errors unless ``x-kubernetes-preserve-unknown-fields``).
CRDs are found in the render, in directories of YAML/JSON files, or in the live cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kfkit._types import Obj
from kfkit._yamllimit import BoundedLoader
from kfkit.errors import UsageError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["CrdIndex", "CrdVersion", "LiveCrd", "crds_in_dir", "is_crd", "to_json_schema"]

LiveCrd = Callable[[str, str], "Obj | None"]
"""(apiVersion, kind) → the cluster's CRD serving it, or None."""

_CRD_GROUP = "apiextensions.k8s.io"
_COPIED = (
    "enum",
    "required",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "minProperties",
    "maxProperties",
)
_EMBEDDED = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}}


def is_crd(obj: Obj) -> bool:
    return obj.get("kind") == "CustomResourceDefinition" and str(obj.get("apiVersion", "")).startswith(
        _CRD_GROUP + "/"
    )


def to_json_schema(schema: dict[str, Any], *, root: bool = False) -> dict[str, Any]:
    """A CRD's structural OpenAPI v3 schema as a strict JSON Schema (draft 2020-12).

    At the root, ``apiVersion``/``kind`` are strings and ``metadata`` is left to the
    ObjectMeta schema (checked separately), as the API server does.
    """
    out: dict[str, Any] = {k: schema[k] for k in _COPIED if k in schema}
    types = [schema["type"]] if "type" in schema else []
    if schema.get("x-kubernetes-int-or-string"):
        types = ["integer", "string"]
    if types and schema.get("nullable"):
        types.append("null")
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if types:
        out["type"] = types if len(types) > 1 else types[0]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if schema.get(bound) is True and limit in schema:  # OpenAPI v3.0 booleans → JSON Schema numbers
            out[bound] = out.pop(limit)
    for keyword in ("allOf", "anyOf", "oneOf"):
        if keyword in schema:
            out[keyword] = [to_json_schema(s) for s in schema[keyword]]
    if "not" in schema:
        out["not"] = to_json_schema(schema["not"])
    if "items" in schema and isinstance(schema["items"], dict):
        out["items"] = to_json_schema(schema["items"])
    properties = {name: to_json_schema(s) for name, s in (schema.get("properties") or {}).items()}
    if schema.get("x-kubernetes-embedded-resource"):
        properties = {**_EMBEDDED, **properties}
    if root:
        properties = {**properties, **_EMBEDDED, "metadata": {}}
    if properties:
        out["properties"] = properties
    additional = schema.get("additionalProperties")
    if isinstance(additional, dict):
        out["additionalProperties"] = to_json_schema(additional)
    elif additional is not None:
        out["additionalProperties"] = additional
    elif properties and not schema.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


@dataclass(frozen=True)
class CrdVersion:
    """One served version of a custom kind, and where its CRD was found."""

    origin: str
    """``the render``, a file path, or ``the cluster``."""
    crd_name: str
    schema: dict[str, Any] | None
    """The raw openAPIV3Schema; None when the CRD gives none for this version."""


@dataclass
class CrdIndex:
    """Custom kinds by (group, kind): each version's schema, and validators built once."""

    _versions: dict[tuple[str, str], dict[str, CrdVersion]] = field(default_factory=dict)
    _validators: dict[tuple[str, str, str], Validator] = field(default_factory=dict)

    def add(self, crd: Obj, origin: str) -> None:
        """Index ``crd``'s versions, unless a CRD for the same kind was added before."""
        spec = crd.get("spec")
        if not isinstance(spec, dict):
            return
        key = (str(spec.get("group", "")), str((spec.get("names") or {}).get("kind", "")))
        if key in self._versions:
            return
        name = str((crd.get("metadata") or {}).get("name", ""))
        common = (spec.get("validation") or {}).get("openAPIV3Schema")  # apiextensions/v1beta1
        versions = spec.get("versions") or [{"name": spec.get("version"), "served": True}]
        self._versions[key] = {
            str(v["name"]): CrdVersion(
                origin, name, ((v.get("schema") or {}).get("openAPIV3Schema")) or common
            )
            for v in versions
            if isinstance(v, dict) and v.get("name") and v.get("served", True)
        }

    def add_all(self, crds: Iterable[tuple[Obj, str]]) -> None:
        for crd, origin in crds:
            self.add(crd, origin)

    def knows(self, group: str, kind: str) -> bool:
        return (group, kind) in self._versions

    def served(self, group: str, kind: str) -> dict[str, CrdVersion]:
        """The served versions of a custom kind (empty when no CRD for it is known)."""
        return self._versions.get((group, kind), {})

    def validator(self, group: str, version: str, kind: str) -> Validator | None:
        """A strict validator for the version's schema; None when the CRD has no schema for it."""
        key = (group, version, kind)
        if key not in self._validators:
            entry = self.served(group, kind).get(version)
            if entry is None or entry.schema is None:
                return None
            from jsonschema import Draft202012Validator  # lazy: jsonschema's stack costs ~0.3 s

            self._validators[key] = Draft202012Validator(to_json_schema(entry.schema, root=True))
        return self._validators[key]


def crds_in_dir(directory: Path, *, strict: bool) -> Iterator[tuple[Obj, str]]:
    """CRDs in the YAML/JSON files under ``directory``, with their file.

    With ``strict`` (a directory the user named) an unreadable file is an error; in the
    app's lib/ and vendor/ such files are skipped, as they may hold anything.
    """
    if not directory.is_dir():
        if strict:
            raise UsageError(f"CRD directory {directory} does not exist")
        return
    for path in sorted(directory.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            if "CustomResourceDefinition" not in text:
                continue
            documents = list(yaml.load_all(text, Loader=BoundedLoader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            if strict:
                raise UsageError(f"cannot read CRDs from {path}: {exc}") from exc
            continue
        for doc in _objects(documents):
            if is_crd(doc):
                yield doc, str(path)


def _objects(documents: Iterable[Any]) -> Iterator[Obj]:
    for doc in documents:
        if isinstance(doc, dict) and isinstance(doc.get("items"), list):
            yield from (item for item in doc["items"] if isinstance(item, dict))
        elif isinstance(doc, dict):
            yield doc
