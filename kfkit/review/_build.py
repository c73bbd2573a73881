"""Assemble a :class:`Report` from the library's results: a diff, the render, the params.

Rendered objects are masked with the diff's own :class:`~kfkit.deploy.SecretMask`, so a
Secret value hashes the same in the rendered YAML as in the diff, and is never shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kfkit._model import ObjectId
from kfkit._types import Obj
from kfkit.deploy import DiffResult, SecretMask
from kfkit.manifests import yaml_document
from kfkit.params import ParamRow
from kfkit.review._model import ComponentReview, ObjectReview, ParamReview

__all__ = ["component_reviews", "param_reviews"]

_ABSENT = object()


def param_reviews(rows: Sequence[ParamRow], other: Mapping[str, Any] | None) -> list[ParamReview]:
    """One component's params against the other side's (None: the other side is not known)."""
    if other is None:
        return [ParamReview(r.param, r.value, r.source, status="unknown") for r in rows]
    reviews = []
    for row in rows:
        before = other.get(row.param, _ABSENT)
        if before is _ABSENT:
            reviews.append(ParamReview(row.param, row.value, row.source, status="added"))
        else:
            status = "unchanged" if before == row.value else "changed"
            reviews.append(ParamReview(row.param, row.value, row.source, before, status))
    mine = {r.param for r in rows}
    reviews += [
        ParamReview(name, None, "", value, "removed")
        for name, value in sorted(other.items())
        if name not in mine
    ]
    return reviews


def component_reviews(
    diff: DiffResult,
    rendered: Sequence[Obj],
    mask: SecretMask,
    params: Sequence[ParamRow],
    other_params: Mapping[str, Mapping[str, Any]] | None,
) -> list[ComponentReview]:
    """Per component (sorted; objects of no component last): its params, then its objects."""
    by_name = {(o.group, o.kind, o.name): obj for obj in rendered for o in [ObjectId.of(obj)]}
    objects: dict[str, list[ObjectReview]] = {}
    for item in diff.objects:
        oid = item.object_id
        source = by_name.get((oid.group, oid.kind, oid.name))
        if source is not None and ObjectId.of(source).namespace not in ("", oid.namespace):
            source = None  # a same-named object of another namespace
        text = yaml_document(mask(source)) if source is not None else ""
        objects.setdefault(oid.component, []).append(ObjectReview(oid, item.action, text, item.unified()))
    rows: dict[str, list[ParamRow]] = {}
    for row in params:
        rows.setdefault(row.component, []).append(row)
    names = sorted(set(objects) | set(rows), key=lambda name: (name == "", name))
    return [
        ComponentReview(
            name,
            param_reviews(rows.get(name, []), None if other_params is None else other_params.get(name, {})),
            objects.get(name, []),
        )
        for name in names
    ]
