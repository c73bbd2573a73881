"""ksonnet-lib (``k.libsonnet``, ``k8s.libsonnet``) generated from Kubernetes OpenAPI specs.

An environment imports the library of its ``k8sVersion`` from ``lib/ksonnet-lib/<version>/``;
kfkit generates it there on the first render that needs it (ksonnet did the same, but needed
the network for the spec and never finished on a current one), from the spec it ships for
that Kubernetes minor, or from ``kfkit env set ENV --api-spec file:…|url:…``.
"""

from __future__ import annotations

from pathlib import Path

from kfkit.app import AppDir, write_atomic
from kfkit.ksonnetlib._generate import generate
from kfkit.ksonnetlib._spec import Spec, load_api_spec, pack_spec, shipped_spec, shipped_versions

__all__ = [
    "LIB_FILES",
    "Spec",
    "ensure_ksonnet_lib",
    "generate",
    "load_api_spec",
    "pack_spec",
    "shipped_spec",
    "shipped_versions",
    "write_ksonnet_lib",
]

LIB_FILES = ("k8s.libsonnet", "k.libsonnet")


def write_ksonnet_lib(directory: Path, spec: Spec, version: str, *, source: str = "") -> None:
    """Generate the library for ``spec`` into ``directory`` (replacing what is there)."""
    for name, text in generate(spec, version, source=source).items():
        write_atomic(directory / name, text)


def ensure_ksonnet_lib(app: AppDir, env: str) -> bool:
    """Generate the environment's ksonnet-lib from the shipped spec unless it exists; True if it did."""
    directory = app.ksonnet_lib_dir(env)
    if all((directory / name).is_file() for name in LIB_FILES):
        return False
    version = app.ksonnet_lib_version(env)
    write_ksonnet_lib(directory, shipped_spec(version), version)
    return True
