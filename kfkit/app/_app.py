"""The app on disk: its layout, environments and component files. No Jsonnet evaluation here."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kfkit.app._appyaml import (
    UPGRADE_APIS,
    AppSpec,
    Destination,
    EnvironmentSpec,
    LibrarySpec,
    load_app_yaml,
    save_app_yaml,
)
from kfkit.app._files import write_atomic
from kfkit.app._layout import (
    APP_OVERRIDE_YAML,
    APP_YAML,
    BUILTIN,
    COMPONENT_SUFFIXES,
    COMPONENTS,
    CURRENT_ENV_FILE,
    DEFAULT_K8S_VERSION,
    ENVIRONMENTS,
    KSONNET_LIB,
    LIB,
    PARAMS_FILE,
    VENDOR,
    confined,
    find_root,
)
from kfkit.app._package import package_jpath
from kfkit.errors import AppError, KfkitWarning, UsageError

__all__ = ["AppDir", "Component"]

_ENV_FILES = ("main.jsonnet", "params.libsonnet", "globals.libsonnet")
_GITIGNORE = "/lib\n/.ksonnet/registries\n/app.override.yaml\n/.ks_environment\n"
_COMPONENT_PARAMS = """\
{
  global: {
    // Params every component gets; `kfkit param set <key> <value>` edits them, e.g.
    // replicas: 2,
  },
  components: {
    // One entry per file in components/, written by `kfkit generate`;
    // `kfkit param set <component> <key> <value>` edits them.
  },
}
"""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


@dataclass(frozen=True)
class Component:
    """A file in components/: ``kind`` is ``jsonnet``, ``yaml`` or ``json``."""

    name: str
    path: Path

    @property
    def kind(self) -> str:
        return "yaml" if self.path.suffix in (".yaml", ".yml") else self.path.suffix.lstrip(".")


class AppDir:
    """A ksonnet 0.13 app directory, read and written as ksonnet did."""

    def __init__(self, root: Path, spec: AppSpec) -> None:
        self.root = root
        self.spec = spec

    @classmethod
    def load(cls, start: Path | str = ".") -> AppDir:
        """Find the app containing ``start`` (walking up) and read its app.yaml."""
        root = find_root(Path(start))
        spec = load_app_yaml(root)
        for env in spec.all_environments().values():
            where = f'{APP_OVERRIDE_YAML if env.overridden else APP_YAML}: environment "{env.name}"'
            confined(root, ENVIRONMENTS, env.path, what=f"{where}: path")
            if env.k8s_version:
                confined(root, LIB, f"ksonnet-lib/{env.k8s_version}", what=f"{where}: k8sVersion")
        return cls(root, spec)

    @classmethod
    def create(
        cls,
        directory: Path,
        *,
        env: str = "default",
        server: str = "",
        namespace: str = "default",
        force: bool = False,
        on_existing: Callable[[Path], None] | None = None,
    ) -> AppDir:
        """Write a new app: app.yaml, components/params.libsonnet, environments/, .gitignore.

        The environment becomes the current one (.ks_environment), unlike ksonnet's init.

        Never overwrites: a non-empty ``directory`` is refused (as ksonnet did) unless ``force``,
        and even then every file that exists is kept and reported to ``on_existing``.
        """
        if (directory / APP_YAML).exists():
            raise UsageError(f"{directory} already holds an app ({APP_YAML} exists)")
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{directory} exists and is not a directory")
        if not force and directory.is_dir() and any(directory.iterdir()):
            raise UsageError(
                f"{directory} is not empty; init into a new or empty directory, or pass --force "
                "to add the app's files there (existing files are kept)"
            )
        _check_env_name(env)
        directory.mkdir(parents=True, exist_ok=True)
        name = directory.resolve().name
        app = cls(directory.resolve(), AppSpec(name=name, extra={"version": "0.0.1"}))
        keep = on_existing or (lambda _path: None)
        app._write_new(app.root / COMPONENTS / PARAMS_FILE, _COMPONENT_PARAMS, keep)
        app._write_new(app.root / ENVIRONMENTS / "base.libsonnet", _template("base.libsonnet"), keep)
        app._write_new(app.root / ".gitignore", _GITIGNORE, keep)
        (app.root / VENDOR).mkdir(exist_ok=True)
        app._add_env(env, server=server, namespace=namespace, on_existing=keep if force else None)
        app.set_current_env(env)  # so the first `kfkit show` needs no environment argument
        return app

    def _write_new(self, path: Path, text: str, on_existing: Callable[[Path], None]) -> None:
        """Create ``path`` inside the app, or leave an existing one alone and say so."""
        if not path.parent.resolve().is_relative_to(self.root):
            raise UsageError(f"{path.parent} leads outside {self.root} (a symlink); not writing there")
        try:
            write_atomic(path, text, replace=False)
        except FileExistsError:
            on_existing(path)

    # --- paths ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def components_dir(self) -> Path:
        return self.root / COMPONENTS

    @property
    def params_file(self) -> Path:
        return self.components_dir / PARAMS_FILE

    @property
    def import_roots(self) -> list[Path]:
        """Where this app's Jsonnet may import from: the app itself and kfkit's built-in files."""
        return [self.root, BUILTIN]

    def env_dir(self, env: str) -> Path:
        return self.root / ENVIRONMENTS / self.env(env).path

    def jpath(self, env: str | None) -> list[Path]:
        """ksonnet's library path for an environment, or for no environment (app-level params).

        go-jsonnet searches it from the end. Installed packages resolve as
        ``<registry>/<pkg>/…`` through vendor/ and, for versioned vendor dirs, through
        :func:`package_jpath`.
        """
        paths = [self.root / ENVIRONMENTS]
        if env is not None:
            paths.append(self.env_dir(env))
        paths += [self.root / VENDOR, *package_jpath(self, env), self.root / LIB]
        if env is not None:
            paths.append(self.ksonnet_lib_dir(env))
        return [*paths, self.components_dir]

    def ksonnet_lib_version(self, env: str) -> str:
        """The Kubernetes version whose ksonnet-lib the environment imports (ksonnet's fallback: v1.8.0)."""
        return self.env(env).k8s_version or DEFAULT_K8S_VERSION

    def ksonnet_lib_dir(self, env: str) -> Path:
        """Where ``k.libsonnet``/``k8s.libsonnet`` of the environment's version live.

        ``lib/ksonnet-lib/<version>/``; ksonnet before 0.9 wrote ``lib/<version>/``, which ks
        0.13 still read with a warning, and so does kfkit (ksonnet's users' most common trip
        after the missing library itself).
        """
        version = self.ksonnet_lib_version(env)
        legacy = self.root / LIB / version
        if not (self.root / LIB / KSONNET_LIB / version).is_dir() and (legacy / "k.libsonnet").is_file():
            warnings.warn(
                KfkitWarning(
                    f"{LIB}/{version}/ is ksonnet's old ksonnet-lib location; kfkit reads it, "
                    f"but move it to {LIB}/{KSONNET_LIB}/{version}/ (or delete it to have kfkit generate one)"
                ),
                stacklevel=2,
            )
            return legacy
        return self.root / LIB / KSONNET_LIB / version

    # --- environments --------------------------------------------------------------------

    def env(self, name: str) -> EnvironmentSpec:
        """The named environment as used (app.override.yaml over app.yaml), or a usage error listing them."""
        env = self.spec.environment(name)
        if env is None:
            known = ", ".join(self.spec.all_environments()) or "none"
            raise UsageError(f'environment "{name}" not found in app "{self.name}"; known: {known}')
        return env

    def env_libraries(self, name: str) -> dict[str, LibrarySpec]:
        """The packages pinned for one environment in app.yaml, to edit (app.override.yaml holds none)."""
        self.env(name)
        if name not in self.spec.environments:
            raise UsageError(
                f'environment "{name}" is defined in {APP_OVERRIDE_YAML} only; packages pinned per '
                f"environment belong in {APP_YAML}: add the environment there"
            )
        return self.spec.environments[name].libraries

    def resolve_env(self, name: str | None) -> str:
        """The given environment, else the current one from .ks_environment."""
        if name:
            self.env(name)
            return name
        current = self.current_env()
        if current is None:
            raise UsageError(
                "no environment given and none is current: name one ('kfkit env list' shows them)"
                " or set one with 'kfkit env current --set ENV'"
            )
        return current

    def current_env(self) -> str | None:
        """The environment named in .ks_environment, checked to exist."""
        name = self._current_raw()
        if name and self.spec.environment(name) is None:
            raise AppError(f'{CURRENT_ENV_FILE} names environment "{name}", which does not exist')
        return name or None

    def set_current_env(self, name: str | None) -> None:
        path = self.root / CURRENT_ENV_FILE
        if name is None:
            path.unlink(missing_ok=True)
            return
        self.env(name)
        write_atomic(path, name + "\n")

    def add_env(
        self, name: str, *, server: str = "", namespace: str = "default", override: bool = False
    ) -> EnvironmentSpec:
        """Create an environment's directory from the templates and record it in app.yaml.

        With ``override`` it goes into app.override.yaml (this checkout only): an app.yaml
        environment of that name is redefined and its files are kept; missing files are added.
        """
        if not override:
            return self._add_env(name, server=server, namespace=namespace, on_existing=None)
        _check_env_name(name)
        if name in self.spec.override.environments:
            raise UsageError(f'environment "{name}" is already in {APP_OVERRIDE_YAML}')
        primary = self.spec.environments.get(name)
        spec = EnvironmentSpec(
            name=name,
            path=primary.path if primary else name,
            destination=Destination(server, namespace),
            k8s_version=primary.k8s_version if primary else "",
            overridden=True,
        )
        env_dir = confined(self.root, ENVIRONMENTS, spec.path, what=f'environment "{name}"')
        for file in _ENV_FILES:
            self._write_new(env_dir / file, _template(file), lambda _path: None)
        self.spec.override.environments[name] = spec
        save_app_yaml(self.root, self.spec)
        return self.env(name)

    def _add_env(
        self, name: str, *, server: str, namespace: str, on_existing: Callable[[Path], None] | None
    ) -> EnvironmentSpec:
        """``add_env``; with ``on_existing``, an existing directory is filled in, never overwritten."""
        _check_env_name(name)
        if name in self.spec.environments:
            raise UsageError(f'environment "{name}" already exists in app "{self.name}"')
        env_dir = confined(self.root, ENVIRONMENTS, name, what=f'environment "{name}"')
        if on_existing is None and (env_dir.exists() or env_dir.is_symlink()):
            raise UsageError(
                f"{env_dir.relative_to(self.root)} already exists; remove it or pick another name"
            )
        for file in _ENV_FILES:
            self._write_new(env_dir / file, _template(file), on_existing or _refuse_existing)
        spec = EnvironmentSpec(name=name, path=name, destination=Destination(server, namespace))
        self.spec.environments[name] = spec
        save_app_yaml(self.root, self.spec)
        return spec

    def is_current(self, name: str) -> bool:
        """Whether .ks_environment names ``name``."""
        return self._current_raw() == name

    def remove_env(self, name: str, *, force: bool = False, override: bool = False) -> bool:
        """Forget an environment and delete its files, never another environment's.

        ``override`` removes app.override.yaml's entry instead of app.yaml's. While the other
        file still defines the environment, it stays, and so do its files. The current
        environment is removed only with ``force`` (.ks_environment is then cleared); returns
        whether it was the current one. Sub-directories holding another environment
        (``a/b/c`` inside ``a/b``) are kept.
        """
        entries = self.spec.override.environments if override else self.spec.environments
        if name not in entries:
            self.env(name)
            where = (
                (APP_OVERRIDE_YAML, "") if override else (APP_YAML, f" ({APP_OVERRIDE_YAML}: use --override)")
            )
            raise UsageError(f'environment "{name}" is not in {where[0]}{where[1]}')
        remains = name in (self.spec.environments if override else self.spec.override.environments)
        env_dir = self.root / ENVIRONMENTS / entries[name].path
        current = self.is_current(name) and not remains
        if current and not force:
            raise UsageError(
                f'environment "{name}" is the current environment; removing it also clears '
                f"{CURRENT_ENV_FILE} (use --force)"
            )
        others = [self.env_dir(n) for n in self.spec.all_environments() if n != name]
        del entries[name]
        save_app_yaml(self.root, self.spec)
        if not remains:
            _delete_env_files(env_dir, keep=others)
            top = self.root / ENVIRONMENTS
            for parent in env_dir.parents:
                if parent == top or not parent.is_relative_to(top) or any(parent.iterdir()):
                    break
                parent.rmdir()
        if current:
            self.set_current_env(None)
        return current

    def _current_raw(self) -> str:
        path = self.root / CURRENT_ENV_FILE
        if not path.exists() and not path.is_symlink():
            return ""
        try:
            return path.read_bytes().decode("utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise AppError(f"{CURRENT_ENV_FILE}: cannot read the current environment: {exc}") from exc

    def update_env(
        self,
        name: str,
        *,
        new_name: str | None = None,
        server: str | None = None,
        namespace: str | None = None,
        upgrade_apis: bool | None = None,
        k8s_version: str | None = None,
        override: bool = False,
    ) -> EnvironmentSpec:
        """Change an environment's server, namespace, API upgrades or Kubernetes version, or rename it.

        The change goes where the environment is defined: app.yaml, or app.override.yaml for
        an environment only there. ``override`` puts it into app.override.yaml (creating the
        entry from the environment as used), leaving app.yaml as it is.
        """
        self.env(name)
        entries = self.spec.override.environments
        if override and name not in entries:
            used = self.env(name)
            extra = {k: v for k, v in used.extra.items() if k == "targets"}
            entries[name] = replace(used, libraries={}, extra=extra, destination=replace(used.destination))
            entries[name].overridden = True
        elif not override and name in self.spec.environments:
            entries = self.spec.environments
        spec = entries[name]
        if k8s_version is not None:
            spec.k8s_version = k8s_version
        if server is not None:
            spec.destination.server = server
        if namespace is not None:
            spec.destination.namespace = namespace
        if upgrade_apis is not None:
            spec.extra.pop(UPGRADE_APIS, None)
            if upgrade_apis:
                spec.extra[UPGRADE_APIS] = True
        if new_name and new_name != name:
            self._rename_env(entries, name, new_name)
        save_app_yaml(self.root, self.spec)
        return self.env(new_name or name)

    def _rename_env(self, entries: dict[str, EnvironmentSpec], name: str, new_name: str) -> None:
        """Rename one entry; its directory moves along unless another entry still uses it."""
        _check_env_name(new_name)
        if self.spec.environment(new_name) is not None:
            raise UsageError(f'environment "{new_name}" already exists in app "{self.name}"')
        spec = entries.pop(name)
        shared = any(e.path == spec.path for e in self.spec.all_environments().values())
        if not shared:
            old_dir, new_dir = self.root / ENVIRONMENTS / spec.path, self.root / ENVIRONMENTS / new_name
            if new_dir.exists():
                entries[name] = spec
                raise UsageError(f"{new_dir.relative_to(self.root)} already exists")
            new_dir.parent.mkdir(parents=True, exist_ok=True)
            old_dir.rename(new_dir)
            spec.path = new_name
        spec.name = new_name
        entries[new_name] = spec
        if self._current_raw() == name and self.spec.environment(name) is None:
            self.set_current_env(new_name)

    # --- components ----------------------------------------------------------------------

    def components(self) -> list[Component]:
        """Component files directly in components/, sorted by name."""
        found: dict[str, Component] = {}
        if not self.components_dir.is_dir():
            return []
        for path in sorted(self.components_dir.iterdir()):
            if path.suffix not in COMPONENT_SUFFIXES:
                continue
            if not path.is_file():  # never skipped: a vanished component would be pruned
                raise AppError(f"{COMPONENTS}/{path.name}: {_not_a_file(path)}")
            name = path.stem
            if name in found:
                raise AppError(
                    f"component {name!r} is ambiguous: "
                    f"{found[name].path.name} and {path.name} in {COMPONENTS}/"
                )
            found[name] = Component(name, path)
        return list(found.values())

    def component(self, name: str) -> Component:
        """The named component, or a usage error that lists the known ones."""
        components = self.components()
        for component in components:
            if component.name == name:
                return component
        known = ", ".join(c.name for c in components) or "none"
        raise UsageError(f'component "{name}" not found in app "{self.name}"; known: {known}')

    def new_component_path(self, name: str) -> Path:
        """Where a new component goes; refuses bad names and names already taken."""
        if not _NAME.match(name):
            raise UsageError(f"invalid component name {name!r}: use letters, digits, '.', '_' and '-'")
        if any(c.name == name for c in self.components()):
            raise UsageError(f'component "{name}" already exists in app "{self.name}"')
        return self.components_dir / f"{name}.jsonnet"


def _delete_env_files(env_dir: Path, *, keep: list[Path]) -> None:
    """Delete an environment's directory except what leads to a directory in ``keep``."""
    if env_dir.is_symlink():
        env_dir.unlink()  # the environment is the link; what it points at is not ours
        return
    if not env_dir.is_dir() or env_dir in keep:
        return
    for entry in env_dir.iterdir():
        if any(k == entry or k.is_relative_to(entry) for k in keep):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if not any(env_dir.iterdir()):
        env_dir.rmdir()


def _not_a_file(path: Path) -> str:
    """Why a component path is not a readable file (dangling symlink, loop, directory…)."""
    try:
        path.stat()
    except OSError as exc:
        what = "a dangling symlink" if path.is_symlink() and not path.exists() else "unreadable"
        return f"{what} ({exc.strerror})"
    return "a directory, not a file" if path.is_dir() else "not a regular file"


def _refuse_existing(path: Path) -> None:
    raise UsageError(f"{path} already exists; not overwriting it")


def _template(name: str) -> str:
    return (BUILTIN / ENVIRONMENTS / name).read_text(encoding="utf-8")


def _check_env_name(name: str) -> None:
    if not _ENV_NAME.match(name):
        raise UsageError(f"invalid environment name {name!r}: use letters, digits, '.', '_', '-' and '/'")
