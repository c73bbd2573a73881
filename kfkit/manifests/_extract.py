"""Turn an environment's evaluated output into a flat list of labelled Kubernetes objects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from kfkit._model import COMPONENT_LABEL, ObjectId
from kfkit._types import Obj
from kfkit.errors import ManifestError

__all__ = ["COMPONENT_LABEL", "duplicate_message", "duplicate_objects", "extract"]


def extract(
    rendered: Any,
    *,
    components: Mapping[str, str] | None = None,
    default_namespace: str = "",
    allow_duplicates: bool = False,
) -> list[Obj]:
    """Objects of every component field of ``rendered`` (or just ``components``), labelled.

    A component may evaluate to an object, an array, a ``*List`` with ``items``, or a
    nested map of those (as Tanka allows); ``null`` leaves are skipped. ``components``
    maps a component name to the file it came from, for error messages. An object rendered
    twice (see :func:`duplicate_objects`) is an error unless ``allow_duplicates``: one
    object with two owners would flip between them on every apply.
    """
    if not isinstance(rendered, dict):
        raise ManifestError(
            f"the environment must evaluate to an object keyed by component, got {_kind(rendered)}"
        )
    objects: list[Obj] = []
    for name in sorted(rendered):
        if components is not None and name not in components:
            continue
        for path, obj in _walk(rendered[name], name):
            labels = obj.setdefault("metadata", {}).setdefault("labels", {})
            if not isinstance(labels, dict):
                raise ManifestError(
                    f"component {name!r}: {path}: metadata.labels must be an object", component=name
                )
            labels[COMPONENT_LABEL] = name
            objects.append(obj)
    if not allow_duplicates:
        for key, owners in duplicate_objects(objects, default_namespace).items():
            raise ManifestError(
                f"{key} is rendered twice: by component {owners[0]!r} and {owners[1]!r}", object_id=key
            )
    return objects


def duplicate_objects(objects: Iterable[Obj], default_namespace: str = "") -> dict[ObjectId, list[str]]:
    """Objects rendered more than once, each with the components rendering it (in render order).

    Two objects are the same one when they are after namespace defaulting
    (``default_namespace``, the environment's), as the API server would see them.
    """
    owners: dict[ObjectId, list[str]] = {}
    for obj in objects:
        key = ObjectId.of(obj)
        if not key.namespace and default_namespace:
            key = replace(key, namespace=default_namespace)
        owners.setdefault(key, []).append(key.component)
    return {key: names for key, names in owners.items() if len(names) > 1}


def duplicate_message(key: ObjectId, owners: Sequence[str]) -> str:
    """How ``show`` and ``validate`` report an object rendered more than once."""
    names = ", ".join(repr(o) for o in owners[:-1]) + f" and {owners[-1]!r}"
    return f"{key} is rendered by components {names}; apply refuses it until only one renders it"


def _walk(value: Any, path: str) -> Iterator[tuple[str, Obj]]:
    if value is None:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
        return
    if not isinstance(value, dict):
        component = _component_of(path)
        raise ManifestError(
            f"component {component!r}: {path} is {_kind(value)}, not a Kubernetes object",
            component=component,
        )
    if "kind" in value or "apiVersion" in value:
        if str(value.get("kind", "")).endswith("List") and isinstance(value.get("items"), list):
            yield from _walk(value["items"], f"{path}.items")
            return
        _check(value, path)
        yield path, value
        return
    for key in sorted(value):
        yield from _walk(value[key], f"{path}.{key}")


def _check(obj: Obj, path: str) -> None:
    component = _component_of(path)
    for field in ("apiVersion", "kind"):
        if not isinstance(obj.get(field), str) or not obj[field]:
            raise ManifestError(f"component {component!r}: {path} has no {field}", component=component)
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict) or not (metadata.get("name") or metadata.get("generateName")):
        raise ManifestError(
            f"component {component!r}: {path} ({obj['kind']}) has no metadata.name", component=component
        )


def _component_of(path: str) -> str:
    return path.split("[")[0].split(".")[0]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )
