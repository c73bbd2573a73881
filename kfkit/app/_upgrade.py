"""``kfkit upgrade``: an older ksonnet app moved to ksonnet 0.13's layout, on request only.

kfkit reads app.yaml 0.1.0 to 0.3.0 as it is and never bumps the version on its own (ks 0.13
rewrote the file at 0.3.0 on any save, so one command of a newer ks locked out teammates on an
older one). Upgrading is this explicit step, as ``ks upgrade`` was: app.yaml gets the newer
shape (edited in place, comments and order kept), ksonnet-lib and vendored packages move to
the directories newer ksonnet used, and a 0.0.1 app's ``environments/<env>/spec.json`` files
are folded into app.yaml. ``plan_upgrade`` computes everything and changes nothing (``--dry-run``).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kfkit._yamllimit import BoundedLoader
from kfkit.app._appyaml import API_VERSION, patched_text, read_libraries
from kfkit.app._files import locked, write_atomic
from kfkit.app._layout import APP_OVERRIDE_YAML, APP_YAML, ENVIRONMENTS, KSONNET_LIB, LIB, VENDOR
from kfkit.app._package import versioned_dir_name
from kfkit.errors import AppError, UsageError

__all__ = ["UPGRADE_VERSIONS", "AppUpgrade", "Move", "apply_upgrade", "plan_upgrade"]

UPGRADE_VERSIONS = ("0.2.0", "0.3.0")
"""What ``kfkit upgrade --to`` accepts: ksonnet 0.12's app.yaml shape, or 0.13's (the default)."""
_ORDER = ("0.0.1", "0.1.0", "0.2.0", "0.3.0")
_LEGACY_SPEC = "spec.json"
_LEGACY_LIB = re.compile(r"^v\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class Move:
    """A directory the upgrade renames, and why."""

    source: Path
    target: Path
    why: str


@dataclass
class AppUpgrade:
    """What ``kfkit upgrade`` changes in one app (or would, before :func:`apply_upgrade`)."""

    root: Path
    from_version: str
    to_version: str
    before: str
    """app.yaml's text as read."""
    after: str
    """app.yaml's text upgraded: ``before`` with only the upgraded fields changed."""
    moves: list[Move] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)
    """0.0.1 ``spec.json`` files, deleted once app.yaml holds what they said."""
    notes: list[str] = field(default_factory=list)
    """What stays as it is, and why (nothing to do for those)."""
    override: tuple[str, str] = ("", "")
    """app.override.yaml's text as read and upgraded (both empty without one)."""

    @property
    def changes(self) -> bool:
        edited = self.before != self.after or self.override[0] != self.override[1]
        return edited or bool(self.moves or self.removals)

    def steps(self) -> list[str]:
        """One line per change, in the order :func:`apply_upgrade` makes them."""
        lines = []
        if self.before != self.after:
            lines.append(f"{APP_YAML}: apiVersion {self.from_version} -> {self.to_version}")
        if self.override[0] != self.override[1]:
            lines.append(f"{APP_OVERRIDE_YAML}: its environments and registries in {self.to_version}'s shape")
        lines += [f"move {self._rel(m.source)}/ to {self._rel(m.target)}/ ({m.why})" for m in self.moves]
        lines += [f"delete {self._rel(p)} (now in {APP_YAML})" for p in self.removals]
        return lines

    def _rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def plan_upgrade(root: Path, *, to: str = API_VERSION) -> AppUpgrade:
    """What upgrading the app at ``root`` to app.yaml ``to`` changes; nothing is written."""
    if to not in UPGRADE_VERSIONS:
        raise UsageError(f"cannot upgrade to apiVersion {to!r}: use one of {', '.join(UPGRADE_VERSIONS)}")
    path = root / APP_YAML
    before, data = _read(path)
    version = str(data.get("apiVersion", ""))
    if version not in _ORDER:
        known = ", ".join(_ORDER[:-1])
        raise AppError(f"{path}: unsupported apiVersion {version!r} (kfkit upgrades {known})")
    if _ORDER.index(version) > _ORDER.index(to):
        raise UsageError(f"{path} is already at apiVersion {version}; kfkit does not downgrade to {to}")
    plan = AppUpgrade(root, version, to, before, before)
    new = copy.deepcopy(data)
    if version == "0.0.1":
        _fold_env_specs(plan, new)
    _upgrade_fields(path, new, to)
    if new != data:
        plan.after = patched_text(path, before, data, new)
    if (root / APP_OVERRIDE_YAML).exists():
        plan.override = _upgrade_override(root / APP_OVERRIDE_YAML, to)
    plan.moves += _lib_moves(root, plan)
    plan.moves += _vendor_moves(root, new, path)
    if (root / ".ksonnet" / "registries").is_dir():
        plan.notes.append(
            ".ksonnet/registries/ is ksonnet's registry cache: kfkit keeps its own (in the user cache) "
            "and never reads it; it is safe to delete"
        )
    return plan


def apply_upgrade(plan: AppUpgrade) -> None:
    """Make the changes of ``plan``: app.yaml first (under the app's lock), then the moves, then deletions.

    app.yaml must still read as it did when planned. Each step is atomic, and every state in
    between is one kfkit reads, so an interrupted upgrade is finished by running it again.
    """
    edits = [(plan.root / APP_YAML, plan.before, plan.after)]
    edits.append((plan.root / APP_OVERRIDE_YAML, *plan.override))
    with locked(plan.root):
        for path, before, _ in edits:
            if before and path.read_text(encoding="utf-8") != before:
                raise AppError(f"{path} changed since the upgrade was planned; run `kfkit upgrade` again")
        for path, before, after in edits:
            if after != before:
                write_atomic(path, after)
        for move in plan.moves:
            if move.target.exists():
                raise AppError(f"{move.target} appeared meanwhile; not moving {move.source} over it")
            move.target.parent.mkdir(parents=True, exist_ok=True)
            move.source.rename(move.target)
        for removal in plan.removals:
            removal.unlink(missing_ok=True)


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=BoundedLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AppError(f"cannot read {path}: {str(exc).strip().splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise AppError(f"{path}: expected a mapping at the top level")
    return text, data


def _upgrade_override(path: Path, to: str) -> tuple[str, str]:
    """app.override.yaml (0.2.0 or 0.3.0, with no packages) in ``to``'s shape: its version and targets."""
    before, data = _read(path)
    new = copy.deepcopy(data)
    _upgrade_fields(path, new, to)
    return before, before if new == data else patched_text(path, before, data, new)


def _fold_env_specs(plan: AppUpgrade, data: dict[str, Any]) -> None:
    """0.0.1 kept each environment's server and namespace in ``environments/<env>/spec.json``."""
    envs = data.get("environments")
    if not isinstance(envs, dict):
        envs = data["environments"] = {}
    top = plan.root / ENVIRONMENTS
    for spec_file in sorted(top.rglob(_LEGACY_SPEC)) if top.is_dir() else []:
        env_dir = spec_file.parent
        name = env_dir.relative_to(top).as_posix()
        try:
            dest = json.loads(spec_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise AppError(f"cannot read {spec_file}: {exc}") from exc
        if not isinstance(dest, dict):
            raise AppError(f"{spec_file}: expected an object with server and namespace")
        env: dict[str, Any] = {
            "destination": {
                "namespace": str(dest.get("namespace") or "default"),
                "server": str(dest.get("server") or ""),
            },
            "path": name,
        }
        version = _swagger_version(env_dir / ".metadata" / "swagger.json")
        if version:
            env["k8sVersion"] = version
        else:
            plan.notes.append(
                f'environment "{name}": no .metadata/swagger.json says its Kubernetes version, so it gets '
                "none (ksonnet-lib v1.8.0); set one with `kfkit env set --api-spec version:vX.Y.Z`"
            )
        if (env_dir / ".metadata").is_dir():
            plan.notes.append(
                f"{ENVIRONMENTS}/{name}/.metadata/ (0.0.1's ksonnet-lib) is no longer read: kfkit generates "
                f"{LIB}/{KSONNET_LIB}/<version>/; delete it when you like"
            )
        envs[name] = {**env, **(envs.get(name) or {})}
        plan.removals.append(spec_file)


def _swagger_version(path: Path) -> str:
    try:
        info = json.loads(path.read_bytes()).get("info") or {}
    except (OSError, ValueError, AttributeError):
        return ""
    version = str(info.get("version", "")) if isinstance(info, dict) else ""
    return version if _LEGACY_LIB.match(version) else ""


def _upgrade_fields(path: Path, data: dict[str, Any], to: str) -> None:
    """The app.yaml fields whose shape changed between ksonnet 0.1.0, 0.2.0 and 0.3.0."""
    data["apiVersion"] = to
    for registry in (data.get("registries") or {}).values():
        if isinstance(registry, dict):
            registry.pop("gitVersion", None)  # 0.1.0's pin; 0.2.0 dropped it
    if data.get("libraries"):
        data["libraries"] = _libraries(path, "libraries", data["libraries"], to)
    for name, env in (data.get("environments") or {}).items():
        if not isinstance(env, dict):
            continue
        targets = env.get("targets")
        if isinstance(targets, list):  # 0.1.0 named modules foo/bar, 0.2.0 on foo.bar; root stays /
            env["targets"] = [t if t == "/" else str(t).replace("/", ".") for t in targets]
        if env.get("libraries"):
            env["libraries"] = _libraries(path, f"environment {name!r}: libraries", env["libraries"], to)


def _libraries(path: Path, what: str, data: Any, to: str) -> dict[str, Any]:
    """0.2.0 has ``version`` for 0.1.0's ``gitVersion.commitSha``; 0.3.0 keys by ``registry/name``."""
    libs = read_libraries(path, what, data).values()
    return {(lib.key if to == API_VERSION else lib.name): lib.to_yaml() for lib in libs}


def _lib_moves(root: Path, plan: AppUpgrade) -> list[Move]:
    """ksonnet before 0.11 generated ksonnet-lib into ``lib/<version>/``; later ones, ``lib/ksonnet-lib/``."""
    lib = root / LIB
    moves = []
    for entry in sorted(lib.iterdir()) if lib.is_dir() else []:
        if not (_LEGACY_LIB.match(entry.name) and entry.is_dir() and not entry.is_symlink()):
            continue
        target = lib / KSONNET_LIB / entry.name
        if target.exists():
            plan.notes.append(
                f"{LIB}/{entry.name}/ kept: {LIB}/{KSONNET_LIB}/{entry.name}/ exists and is the one read"
            )
        else:
            moves.append(Move(entry, target, "ksonnet-lib's location since ksonnet 0.11"))
    return moves


def _vendor_moves(root: Path, data: dict[str, Any], path: Path) -> list[Move]:
    """Packages pinned to a version live in ``vendor/<registry>/<pkg>@<version>/`` since ksonnet 0.12."""
    entries = [data.get("libraries")] + [
        env.get("libraries") for env in (data.get("environments") or {}).values() if isinstance(env, dict)
    ]
    moves: dict[Path, Move] = {}
    for entry in entries:
        for lib in read_libraries(path, "libraries", entry).values():
            plain = root / VENDOR / lib.registry / lib.name
            versioned = plain.with_name(versioned_dir_name(lib))
            if versioned != plain and plain.is_dir() and not versioned.exists() and plain not in moves:
                moves[plain] = Move(plain, versioned, f"{lib.key} is pinned to {lib.version}")
    return list(moves.values())
