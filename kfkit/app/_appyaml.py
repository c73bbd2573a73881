"""app.yaml: the app's name, environments and packages (ksonnet apiVersion 0.3.0).

Fields kfkit does not model are kept as they are, so a ksonnet app survives a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kfkit.app._files import write_atomic
from kfkit.app._layout import APP_YAML
from kfkit.errors import AppError

__all__ = [
    "API_VERSION",
    "AppSpec",
    "Destination",
    "EnvironmentSpec",
    "load_app_yaml",
    "save_app_yaml",
]

API_VERSION = "0.3.0"
_READABLE = ("0.1.0", "0.2.0", "0.3.0")
_KIND = "ksonnet.io/app"


@dataclass
class Destination:
    """Where an environment deploys: the API server URL and the default namespace."""

    server: str = ""
    namespace: str = "default"


@dataclass
class EnvironmentSpec:
    """One entry of app.yaml's ``environments`` map."""

    name: str
    path: str
    destination: Destination = field(default_factory=Destination)
    k8s_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    """Fields kfkit does not model (targets, libraries), written back unchanged."""

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data["path"] = self.path
        data["destination"] = {
            "namespace": self.destination.namespace,
            "server": self.destination.server,
        }
        if self.k8s_version:
            data["k8sVersion"] = self.k8s_version
        return data


@dataclass
class AppSpec:
    """The parsed app.yaml."""

    name: str
    environments: dict[str, EnvironmentSpec] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(apiVersion=API_VERSION, kind=_KIND, name=self.name)
        data["environments"] = {n: e.to_yaml() for n, e in sorted(self.environments.items())}
        return data


def load_app_yaml(root: Path) -> AppSpec:
    """Read app.yaml; any shape problem is one AppError naming the file."""
    path = root / APP_YAML
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise AppError(f"cannot read {path}: {_first_line(exc)}") from exc
    if not isinstance(data, dict):
        raise AppError(f"{path}: expected a mapping at the top level")
    version = str(data.get("apiVersion", ""))
    if version not in _READABLE:
        raise AppError(f"{path}: unsupported apiVersion {version!r} (kfkit reads {', '.join(_READABLE)})")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise AppError(f"{path}: missing app name")
    envs = data.get("environments") or {}
    if not isinstance(envs, dict):
        raise AppError(f"{path}: environments must be a mapping")
    extra = {k: v for k, v in data.items() if k not in ("apiVersion", "kind", "name", "environments")}
    return AppSpec(name=name, environments={n: _env(path, n, e) for n, e in envs.items()}, extra=extra)


def _env(path: Path, name: str, data: Any) -> EnvironmentSpec:
    if not isinstance(data, dict):
        raise AppError(f"{path}: environment {name!r} must be a mapping")
    dest = data.get("destination") or {}
    if not isinstance(dest, dict):
        raise AppError(f"{path}: environment {name!r}: destination must be a mapping")
    extra = {k: v for k, v in data.items() if k not in ("path", "destination", "k8sVersion", "name")}
    return EnvironmentSpec(
        name=str(name),
        path=str(data.get("path") or name),
        destination=Destination(
            server=str(dest.get("server") or ""), namespace=str(dest.get("namespace") or "default")
        ),
        k8s_version=str(data.get("k8sVersion") or ""),
        extra=extra,
    )


def save_app_yaml(root: Path, spec: AppSpec) -> None:
    """Write app.yaml with sorted keys, as ksonnet's serializer did."""
    text = yaml.dump(spec.to_yaml(), Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False)
    write_atomic(root / APP_YAML, text)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
