"""Types shared by the CLI tests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Result:
    """What one ``kfkit`` run did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


Kf = Callable[..., Result]


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a digest of its bytes: equal trees, equal dicts."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def crd(group: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A namespaced apiextensions.k8s.io/v1 CRD serving ``v1`` with ``spec`` as the schema of ``.spec``."""
    plural = kind.lower() + "s"
    version = {
        "name": "v1",
        "served": True,
        "storage": True,
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": spec}}},
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": kind, "plural": plural, "singular": kind.lower()},
            "scope": "Namespaced",
            "versions": [version],
        },
    }
