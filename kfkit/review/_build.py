"""Assemble a :class:`Report` from the library's results: a diff, the render, the params.

Rendered objects are masked with the diff's own :class:`~kfkit.deploy.SecretMask`, so a
Secret value hashes the same in the rendered YAML as in the diff, and is never shown. A param
whose value is a Secret value of the render (a password passed as a param) is masked alike:
the params table would otherwise show what the diff hides.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
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
    refused: Mapping[ObjectId, str] | None = None,
) -> list[ComponentReview]:
    """Per component (sorted; objects of no component last): its params, then its objects.

    ``refused`` objects (and why) come first in their component: they stop the apply.
    """
    by_name = {(o.group, o.kind, o.name): obj for obj in rendered for o in [ObjectId.of(obj)]}

    def yaml_of(oid: ObjectId) -> str:
        source = by_name.get((oid.group, oid.kind, oid.name))
        if source is None or ObjectId.of(source).namespace not in ("", oid.namespace):
            return ""  # only the other side has it, or a same-named object of another namespace
        return yaml_document(mask(source))

    objects: dict[str, list[ObjectReview]] = {}
    for oid, why in (refused or {}).items():
        objects.setdefault(oid.component, []).append(ObjectReview(oid, None, yaml_of(oid), refused=why))
    for item in diff.objects:
        oid = item.object_id
        objects.setdefault(oid.component, []).append(
            ObjectReview(oid, item.action, yaml_of(oid), item.unified())
        )
    rows: dict[str, list[ParamRow]] = {}
    for row in params:
        rows.setdefault(row.component, []).append(row)
    secrets = _secret_values(rendered)
    names = sorted(set(objects) | set(rows), key=lambda name: (name == "", name))
    return [
        ComponentReview(
            name,
            [
                _masked(p, secrets, mask)
                for p in param_reviews(
                    rows.get(name, []), None if other_params is None else other_params.get(name, {})
                )
            ],
            objects.get(name, []),
        )
        for name in names
    ]


def _secret_values(rendered: Sequence[Obj]) -> dict[str, bool]:
    """Every Secret value of the render, decoded, and whether the object holds it base64-encoded."""
    found: dict[str, bool] = {}
    for obj in rendered:
        if (ObjectId.of(obj).group, obj.get("kind")) != ("", "Secret"):
            continue
        for value in (obj.get("stringData") or {}).values():
            found[str(value)] = False
        for value in (obj.get("data") or {}).values():
            try:
                found[base64.b64decode(str(value), validate=True).decode()] = True
            except (binascii.Error, UnicodeDecodeError):
                continue  # not a value a param could have produced
    return found


def _masked(param: ParamReview, secrets: Mapping[str, bool], mask: SecretMask) -> ParamReview:
    """``param`` with its values as the diff shows the Secret value it became, if it became one."""
    if not isinstance(param.value, str) or param.value not in secrets:
        return param
    encoded = secrets[param.value]

    def token(value: Any) -> str:
        text = json.dumps(value) if not isinstance(value, str) else value
        return mask.hash(base64.b64encode(text.encode()).decode() if encoded else text)

    before = token(param.before) if param.status in ("changed", "unchanged") else param.before
    return replace(param, value=token(param.value), before=before, secret=True)
