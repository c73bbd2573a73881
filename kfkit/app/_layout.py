"""Where things live in a ksonnet 0.13 app, and where kfkit's own data files live."""

from __future__ import annotations

import os
from pathlib import Path

from kfkit.errors import AppError

__all__ = [
    "APP_OVERRIDE_YAML",
    "APP_YAML",
    "BUILTIN",
    "CACHE_ENV",
    "COMPONENTS",
    "COMPONENT_SUFFIXES",
    "CURRENT_ENV_FILE",
    "DEFAULT_K8S_VERSION",
    "ENVIRONMENTS",
    "KSONNET_LIB",
    "LIB",
    "PARAMS_FILE",
    "VENDOR",
    "cache_dir",
    "confined",
    "find_root",
]

APP_YAML = "app.yaml"
APP_OVERRIDE_YAML = "app.override.yaml"
COMPONENTS = "components"
ENVIRONMENTS = "environments"
VENDOR = "vendor"
LIB = "lib"
KSONNET_LIB = "ksonnet-lib"
"""lib/ksonnet-lib/<k8sVersion>/ holds the generated k.libsonnet and k8s.libsonnet."""
DEFAULT_K8S_VERSION = "v1.8.0"
"""ksonnet's ksonnet-lib version when an environment records none (and no cluster said)."""
PARAMS_FILE = "params.libsonnet"
CURRENT_ENV_FILE = ".ks_environment"
COMPONENT_SUFFIXES = (".jsonnet", ".yaml", ".yml", ".json")
CACHE_ENV = "KFKIT_CACHE_DIR"


def _builtin_dir() -> Path:
    """Built-in data: inside the wheel (kfkit/_builtin), or the source checkout's top level."""
    packaged = Path(__file__).resolve().parent.parent / "_builtin"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2]


BUILTIN = _builtin_dir()
"""Holds ``prototypes/`` and ``environments/`` (the templates for new environments)."""


def cache_dir() -> Path:
    """kfkit's per-user cache: ``$KFKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/kfkit`` or ~/.cache/kfkit."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kfkit"


def find_root(start: Path) -> Path:
    """Walk up from ``start`` to the directory holding app.yaml, as ksonnet did."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / APP_YAML).is_file():
            return directory
    raise AppError(f"no kfkit app found in {start} or any parent (no {APP_YAML}); run `kfkit init`")


def confined(root: Path, area: str, relative: str, *, what: str) -> Path:
    """``root/area/relative``, refused unless it stays strictly inside ``root/area``.

    Paths in app.yaml come from whoever wrote the app: an absolute path, a ``..`` or a symlink
    leading out of ``area`` would let ``env rm`` delete, or ``param set`` write, outside the app.
    """
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts or not parts:
        raise AppError(f"{what}: {relative!r} must be a relative path inside {area}/ without '..'")
    base = root.resolve() / area
    target = base / relative
    resolved = target.resolve()
    if resolved == base or not resolved.is_relative_to(base):
        raise AppError(f"{what}: {area}/{relative} resolves to {resolved}, outside {area}/")
    return target
