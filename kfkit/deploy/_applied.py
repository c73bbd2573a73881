"""What kfkit last applied to an object, read from its ``managedFields``.

Server-side apply records, per field manager, the set of fields it applied (``fieldsV1``).
The live values of exactly kfkit's fields are kfkit's last applied configuration; when that
equals the render, applying again changes nothing (same fields, same values, so nothing
to remove and nothing to conflict over), and neither a dry run nor a write is needed.
Anything unexpected (a second kfkit entry, another apiVersion, a field set the live object
does not fit, a server-normalised value such as ``cpu: 0.5`` → ``500m``) means "not
known to be unchanged", and the object is dry-run as before: conservative by construction.
"""

from __future__ import annotations

import json
from typing import Any

from kfkit._types import Obj

__all__ = ["is_applied", "last_applied"]


class _Unknown(Exception):
    """The field set does not describe the live object as expected."""


def is_applied(obj: Obj, live: Obj | None, manager: str) -> bool:
    """Whether ``obj`` is exactly what ``manager`` last applied to ``live``."""
    if live is None or live.get("apiVersion") != obj.get("apiVersion"):
        return False
    applied = last_applied(live, manager)
    return applied is not None and _same(applied, obj)


def last_applied(live: Obj, manager: str) -> Obj | None:
    """``manager``'s applied configuration of ``live`` (identity included), or None if unknown."""
    entries = [
        e for e in (live.get("metadata") or {}).get("managedFields") or [] if e.get("manager") == manager
    ]
    if len(entries) != 1:
        return None
    entry = entries[0]
    if (
        entry.get("operation") != "Apply"
        or entry.get("subresource")
        or entry.get("fieldsType") != "FieldsV1"
        or entry.get("apiVersion") != live.get("apiVersion")
        or not isinstance(entry.get("fieldsV1"), dict)
    ):
        return None
    try:
        applied = _extract(live, entry["fieldsV1"])
    except _Unknown:
        return None
    if not isinstance(applied, dict):
        return None
    meta = live.get("metadata") or {}
    identity = {k: meta[k] for k in ("name", "namespace") if k in meta}
    applied["metadata"] = {**(applied.get("metadata") or {}), **identity}
    return {**applied, "apiVersion": live.get("apiVersion"), "kind": live.get("kind")}


def _extract(value: Any, fields: dict[str, Any]) -> Any:
    """The parts of ``value`` that ``fields`` (a fieldsV1 node) names; all of it for a leaf."""
    children = {k: v for k, v in fields.items() if k != "."}
    if not children:
        return value
    if isinstance(value, dict):
        return _extract_map(value, children)
    if isinstance(value, list):
        return _extract_list(value, children)
    raise _Unknown


def _extract_map(value: dict[str, Any], children: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key, node in children.items():
        if not key.startswith("f:") or key[2:] not in value:
            raise _Unknown
        result[key[2:]] = _extract(value[key[2:]], node)
    return result


def _extract_list(value: list[Any], children: dict[str, Any]) -> list[Any]:
    """Owned elements in live order: ``k:{...}`` by key fields, ``v:...`` by value."""
    owned: dict[int, Any] = {}
    for key, node in children.items():
        prefix, _, text = key.partition(":")
        try:
            wanted = json.loads(text)
        except ValueError:
            raise _Unknown from None
        if prefix == "k" and isinstance(wanted, dict):
            matches = [
                i for i, item in enumerate(value)
                if isinstance(item, dict) and all(k in item and _same(item[k], v) for k, v in wanted.items())
            ]  # fmt: skip
        elif prefix == "v":
            matches = [i for i, item in enumerate(value) if _same(item, wanted)]
        else:
            raise _Unknown
        if len(matches) != 1 or matches[0] in owned:
            raise _Unknown
        owned[matches[0]] = _extract(value[matches[0]], node)
    return [owned[i] for i in sorted(owned)]


def _same(a: Any, b: Any) -> bool:
    """JSON equality that tells ``true`` from ``1`` and ``"1"`` from ``1`` (Python's ``==`` does not)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b
