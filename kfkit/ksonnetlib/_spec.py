"""Kubernetes OpenAPI (swagger 2.0) specs: the ones kfkit ships, files, URLs and a cluster's.

kfkit ships one spec per Kubernetes minor from 1.7 to the control plane's version, taken from
the ``k8s.io/kubernetes`` module of each release through the Go module proxy
(tools/fetch_k8s_specs.py) and reduced to what the ksonnet-lib generator reads — each
definition's property names and types and its group/version/kind, without descriptions —
then xz-compressed (package data in kfkit/ksonnetlib/specs/).
"""

from __future__ import annotations

import json
import lzma
import re
import urllib.request
from importlib import resources
from pathlib import Path
from typing import Any

from kfkit.errors import UsageError

__all__ = ["Spec", "load_api_spec", "pack_spec", "shipped_spec", "shipped_versions"]

Spec = dict[str, Any]
"""A (reduced) swagger 2.0 document: ``info.version`` and ``definitions``."""

_KEEP_PROPERTY = ("type", "$ref", "items", "additionalProperties", "allOf")
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")


def _reduce_schema(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    kept = {k: schema[k] for k in _KEEP_PROPERTY if k in schema}
    for key in ("items", "additionalProperties"):
        if isinstance(kept.get(key), dict):
            kept[key] = _reduce_schema(kept[key])
    if "allOf" in kept:
        kept["allOf"] = [_reduce_schema(s) for s in kept["allOf"]]
    return kept


def reduce_spec(spec: Spec, version: str) -> Spec:
    """What the generator reads: definitions' types, properties and group/version/kind."""
    definitions = {}
    for name, definition in spec.get("definitions", {}).items():
        reduced = _reduce_schema(definition)
        reduced.pop("items", None)
        if definition.get("properties"):
            reduced["properties"] = {p: _reduce_schema(s) for p, s in definition["properties"].items()}
        if "x-kubernetes-group-version-kind" in definition:
            reduced["x-kubernetes-group-version-kind"] = definition["x-kubernetes-group-version-kind"]
        definitions[name] = reduced
    return {"swagger": "2.0", "info": {"version": version}, "definitions": definitions}


def pack_spec(spec: Spec, version: str) -> bytes:
    """The shipped form of a spec: reduced, compact JSON, xz."""
    text = json.dumps(reduce_spec(spec, version), sort_keys=True, separators=(",", ":"))
    return lzma.compress(text.encode(), preset=9 | lzma.PRESET_EXTREME)


def _specs_dir() -> Any:
    return resources.files("kfkit.ksonnetlib") / "specs"


def _minor(version: str) -> tuple[int, int]:
    match = _VERSION.match(version)
    if match is None:
        raise UsageError(f"not a Kubernetes version: {version!r} (expected vMAJOR.MINOR.PATCH, e.g. v1.8.0)")
    return int(match.group(1)), int(match.group(2))


def shipped_versions() -> list[str]:
    """The Kubernetes versions whose specs kfkit ships, oldest first."""
    names = [p.name.removesuffix(".json.xz") for p in _specs_dir().iterdir() if p.name.endswith(".json.xz")]
    return sorted(names, key=lambda v: tuple(int(n) for n in v[1:].split(".")))


def shipped_spec(version: str) -> Spec:
    """The shipped spec for ``version``'s minor (``v1.10.4`` reads the v1.10 spec)."""
    wanted = _minor(version)
    for shipped in shipped_versions():
        if _minor(shipped) == wanted:
            data = (_specs_dir() / f"{shipped}.json.xz").read_bytes()
            spec: Spec = json.loads(lzma.decompress(data))
            return spec
    known = shipped_versions()
    raise UsageError(
        f"kfkit ships no OpenAPI spec for Kubernetes {version} (it has {known[0]} … {known[-1]}); "
        "give one with --api-spec file:PATH or url:URL"
    )


def load_api_spec(source: str, *, timeout: float = 60.0) -> tuple[str, Spec]:
    """A spec and its Kubernetes version from ksonnet's ``--api-spec`` forms.

    ``version:v1.N.M`` (shipped), ``file:PATH``, ``url:URL`` (``http(s)://…`` alone also works).
    The version comes from ``info.version``; specs that say ``unversioned`` (1.18 on) need it
    in the file name or ``#vX.Y.Z`` after the source, e.g. ``file:swagger.json#v1.30.2``.
    """
    source, _, pinned = source.partition("#")
    kind, _, rest = source.partition(":")
    if kind == "version":
        return rest, shipped_spec(rest)
    if kind in ("http", "https"):
        kind, rest = "url", source
    if kind == "file":
        try:
            spec = json.loads(Path(rest).expanduser().read_bytes())
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read OpenAPI spec {rest}: {exc}") from exc
    elif kind == "url":
        try:
            with urllib.request.urlopen(rest, timeout=timeout) as response:
                spec = json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot fetch OpenAPI spec {rest}: {exc}") from exc
    else:
        raise UsageError(f"--api-spec {source!r}: use version:vX.Y.Z, file:PATH, url:URL or cluster")
    if not isinstance(spec, dict) or not isinstance(spec.get("definitions"), dict):
        raise UsageError(f"{rest} is not a swagger 2.0 OpenAPI spec (no definitions)")
    version = pinned or str((spec.get("info") or {}).get("version", ""))
    if not _VERSION.match(version):
        named = re.search(r"v\d+\.\d+\.\d+", rest)
        if named is None:
            raise UsageError(f"{rest} does not say its Kubernetes version; add it: {source}#v1.N.M")
        version = named.group(0)
    return version, spec
