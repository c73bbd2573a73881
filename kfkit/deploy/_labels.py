"""Ownership marks: which app and environment applied an object.

Labels make the objects findable with a selector (prune, ``remote:`` diffs); label values
must be at most 63 characters of ``[A-Za-z0-9._-]`` with alphanumeric ends, and
environment names may contain ``/``. A name that is already a valid value is used as is
(readable selectors); any other gets a readable stem plus a hash of the exact name. The
exact names also go into annotations, and prune compares those too, so even a
constructed label collision never deletes another environment's objects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from kfkit._types import Obj
from kfkit.manifests import COMPONENT_LABEL

__all__ = [
    "APP_KEY",
    "ENV_KEY",
    "MANAGED_BY_LABEL",
    "MANAGER",
    "label_value",
    "owner_labels",
    "owner_of",
    "owner_selector",
    "with_owner",
]

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGER = "kfkit"
APP_KEY = "kfkit.io/app"
ENV_KEY = "kfkit.io/environment"
"""Used as label keys (sanitised values) and annotation keys (exact names)."""

_MAX = 63
_HASH_CHARS = 10
_VALID = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?")
_INVALID_RUN = re.compile(r"[^A-Za-z0-9._-]+")


def label_value(text: str) -> str:
    """``text`` if it is a valid label value, else ``<stem>-<sha256 prefix>`` (≤ 63 chars)."""
    if len(text) <= _MAX and _VALID.fullmatch(text):
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:_HASH_CHARS]
    stem = _INVALID_RUN.sub(".", text)[: _MAX - _HASH_CHARS - 1]
    stem = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", stem)
    return f"{stem}-{digest}" if stem else digest


def owner_labels(app: str, env: str) -> dict[str, str]:
    """The ownership labels (values sanitised): what selectors find this app and env by."""
    return {MANAGED_BY_LABEL: MANAGER, APP_KEY: label_value(app), ENV_KEY: label_value(env)}


def with_owner(obj: Obj, app: str, env: str) -> Obj:
    """A copy of ``obj`` (metadata copied, the rest shared) with the ownership marks."""
    meta = dict(obj.get("metadata") or {})
    meta["labels"] = {**(meta.get("labels") or {}), **owner_labels(app, env)}
    meta["annotations"] = {**(meta.get("annotations") or {}), APP_KEY: app, ENV_KEY: env}
    return {**obj, "metadata": meta}


def owner_of(obj: Obj) -> tuple[str, str] | None:
    """The exact (app, environment) that applied ``obj``, from its annotations, if any."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if APP_KEY not in annotations or ENV_KEY not in annotations:
        return None
    return annotations[APP_KEY], annotations[ENV_KEY]


def owner_selector(app: str, env: str, components: Sequence[str] = ()) -> str:
    """The selector of this app and environment's objects, optionally of some components."""
    terms = [f"{key}={value}" for key, value in owner_labels(app, env).items()]
    if components:
        terms.append(f"{COMPONENT_LABEL} in ({','.join(sorted(components))})")
    return ",".join(terms)
