"""Types shared by the CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    """What one ``kfkit`` run did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


Kf = Callable[..., Result]


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
