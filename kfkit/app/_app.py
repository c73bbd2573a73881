"""The app on disk: its layout, environments and component files. No Jsonnet evaluation here."""

from __future__ import annotations

import os
import re
import shutil
import warnings
from collections.abc import Callable, Sequence
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
from kfkit.errors import AppError, KfkitWarning, UsageError

__all__ = ["ROOT_MODULE", "AppDir", "Component", "Module", "module_name"]

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
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


ROOT_MODULE = "/"
"""ksonnet's name for components/ itself."""


@dataclass(frozen=True)
class Module:
    """A directory of components with its own params.libsonnet (ksonnet 0.13)."""

    name: str
    """``/`` for components/, else the path below it with dots: ``db.cache``."""
    path: Path

    @property
    def params_file(self) -> Path:
        return self.path / PARAMS_FILE

    def qualify(self, local: str) -> str:
        """A component's app-wide name: ``redis`` in module ``db`` is ``db.redis``."""
        return local if self.name == ROOT_MODULE else f"{self.name}.{local}"


@dataclass(frozen=True)
class Component:
    """A component file: ``kind`` is ``jsonnet``, ``yaml`` or ``json``.

    ``name`` is qualified by its module (``db.redis``); ``local_name`` is the key of its
    params in the module's params.libsonnet and what the module's components see.
    """

    name: str
    path: Path
    module: str = ROOT_MODULE

    @property
    def kind(self) -> str:
        return "yaml" if self.path.suffix in (".yaml", ".yml") else self.path.suffix.lstrip(".")

    @property
    def local_name(self) -> str:
        return self.path.stem


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

    def jpath(self, env: str | None, module: Path | None = None) -> list[Path]:
        """ksonnet's library path for an environment, or for no environment (app-level params).

        go-jsonnet searches it from the end. Installed packages resolve as
        ``<registry>/<pkg>/…`` through vendor/ and, for versioned vendor dirs, through
        :func:`package_jpath`. The last entry is the directory of the module being rendered
        (``module``, default components/).
        """
        paths = [self.root / ENVIRONMENTS]
        if env is not None:
            paths.append(self.env_dir(env))
        paths.append(self.root / VENDOR)
        if self.spec.libraries or (env is not None and self.env(env).libraries):
            # lazy: the package layer (registries, tar, hashing) costs ~20 ms; only apps with packages
            from kfkit.app._package import package_jpath

            paths += package_jpath(self, env)
        paths.append(self.root / LIB)
        if env is not None:
            paths.append(self.ksonnet_lib_dir(env))
        return [*paths, module or self.components_dir]

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
        targets: Sequence[str] | None = None,
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
        if targets is not None:  # none: ksonnet's default, the root module alone
            spec.extra.pop("targets", None)
            if targets:
                spec.extra["targets"] = list(targets)
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

    # --- modules -------------------------------------------------------------------------

    def modules(self) -> list[Module]:
        """The root module and every directory under components/ holding a params.libsonnet.

        ksonnet 0.13's modules: ``components/db/cache/`` is module ``db.cache``; directories
        without a params file (helper libraries, say) are not modules, and their files are
        not components. Symlinked directories are not followed (no loops, nothing outside).
        """
        found = [Module(ROOT_MODULE, self.components_dir)]
        if not self.components_dir.is_dir():
            return found
        for directory, subdirs, files in os.walk(self.components_dir):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            path = Path(directory)
            if path != self.components_dir and PARAMS_FILE in files:
                found.append(Module(".".join(path.relative_to(self.components_dir).parts), path))
        return sorted(found, key=lambda m: (m.name != ROOT_MODULE, m.name))

    def module(self, name: str) -> Module:
        """The named module (``/`` is the root; ``a/b`` reads as ``a.b``, app.yaml 0.1.0's spelling)."""
        wanted = module_name(name)
        modules = self.modules()
        for module in modules:
            if module.name == wanted:
                return module
        known = ", ".join(m.name for m in modules)
        raise UsageError(f'module "{name}" not found in app "{self.name}"; known: {known}')

    def create_module(self, name: str) -> Module:
        """Write ``components/<a>/<b>/params.libsonnet`` for module ``a.b`` (ksonnet's ``module create``)."""
        wanted = module_name(name)
        if any(m.name == wanted for m in self.modules()):
            raise UsageError(f'module "{wanted}" already exists')
        module = self._new_module(wanted)
        write_atomic(module.params_file, _COMPONENT_PARAMS, replace=False)
        return module

    def _new_module(self, name: str) -> Module:
        """Where module ``name`` goes; refuses bad names and paths leading out of components/."""
        parts = name.split(".")
        if not all(_LOCAL_NAME.match(p) for p in parts):
            raise UsageError(
                f"invalid module name {name!r}: dot-separated parts of letters, digits, '_' and '-'"
            )
        directory = self.components_dir.joinpath(*parts)
        if not directory.resolve().is_relative_to(self.components_dir.resolve()):
            raise UsageError(
                f"{directory} leads outside {self.components_dir} (a symlink); not writing there"
            )
        return Module(name, directory)

    def env_modules(self, env: str) -> list[Module]:
        """The modules an environment renders: its ``targets``, else the root module alone (as ksonnet)."""
        targets = self.env(env).extra.get("targets") or []
        if not isinstance(targets, list):
            raise AppError(f'{APP_YAML}: environment "{env}": targets must be a list of module names')
        if not targets:
            return [Module(ROOT_MODULE, self.components_dir)]
        modules = {m.name: m for m in self.modules()}
        chosen: dict[str, Module] = {}
        for target in targets:
            name = module_name(str(target))
            if name not in modules:
                raise AppError(
                    f'environment "{env}" targets module "{target}", which does not exist '
                    f"(no {COMPONENTS}/{name.replace('.', '/')}/{PARAMS_FILE})"
                )
            chosen[name] = modules[name]
        return list(chosen.values())

    def set_targets(self, env: str, modules: Sequence[str], *, override: bool = False) -> list[str]:
        """Make ``env`` render exactly these modules (none: the root module, ksonnet's default).

        Written where :meth:`update_env` writes (``override``: into app.override.yaml).
        """
        self.env(env)
        names = list(dict.fromkeys(self.module(m).name for m in modules))
        self.update_env(env, targets=names, override=override)
        return names

    # --- components ----------------------------------------------------------------------

    def components(self, modules: Sequence[Module] | None = None) -> list[Component]:
        """The component files of ``modules`` (default: every module), sorted by name.

        Only files directly in a module's directory are its components; a module
        component's name is qualified, ``<module>.<file stem>``.
        """
        found: dict[str, Component] = {}
        for module in self.modules() if modules is None else modules:
            if not module.path.is_dir():
                continue
            for path in sorted(module.path.iterdir()):
                if path.suffix in COMPONENT_SUFFIXES:
                    self._add_component(found, module, path)
        return [found[name] for name in sorted(found)]

    def find_component(self, name: str, modules: Sequence[Module]) -> Component | None:
        """Component ``name`` of ``modules``, from the file names it can have, not a listing.

        ``show -c one`` in an app of 800 components spent most of its time listing them. This
        finds what :meth:`components` finds for ``name``, with the same errors (a path that is
        not a file, two files of one name); None when there is no such file.
        """
        found: dict[str, Component] = {}
        for module in modules:
            if module.name == ROOT_MODULE:
                local = name
            elif name.startswith(f"{module.name}."):
                local = name[len(module.name) + 1 :]
            else:
                continue
            if not local or "/" in local or "\0" in local:
                continue  # no file has this name
            for file in sorted(local + suffix for suffix in COMPONENT_SUFFIXES):
                if os.path.lexists(module.path / file):
                    self._add_component(found, module, module.path / file)
        return found.get(name)

    def _add_component(self, found: dict[str, Component], module: Module, path: Path) -> None:
        """Add the component file at ``path`` to ``found``, refusing what is not a file and a
        second file of the same component name."""
        if not path.is_file():  # never skipped: a vanished component would be pruned
            raise AppError(f"{path.relative_to(self.root)}: {_not_a_file(path)}")
        component = Component(module.qualify(path.stem), path, module.name)
        if component.name in found:
            raise AppError(
                f"component {component.name!r} is ambiguous: "
                f"{found[component.name].path.relative_to(self.root)} and {path.relative_to(self.root)}"
            )
        found[component.name] = component

    def component(self, name: str) -> Component:
        """The named component, or a usage error listing the known ones."""
        found = self.find_component(name, self.modules())
        if found is not None:
            return found
        known = ", ".join(c.name for c in self.components()) or "none"
        raise UsageError(f'component "{name}" not found in app "{self.name}"; known: {known}')

    def env_component(self, env: str, name: str, modules: Sequence[Module]) -> Component:
        """A component of ``modules``, those the environment renders; one of a module it does
        not target is an error.

        ksonnet rendered nothing for it (#839), which reads as success.
        """
        found = self.find_component(name, modules)
        if found is not None:
            return found
        self.components(modules)  # what is wrong with the files it renders comes first, as it did
        other = self.component(name)
        targets = ", ".join(m.name for m in modules)
        raise UsageError(
            f'component "{name}" is in module "{other.module}", which environment "{env}" does not '
            f"target (it renders {targets}); `kfkit env targets {env} --module …` changes that"
        )

    def new_component(self, name: str, module: str | None = None) -> Component:
        """A component not yet written: ``db.redis`` (or ``redis`` with ``module="db"``) goes in
        module ``db`` (:meth:`create_module` makes a missing one, as ksonnet's generate did).

        Refuses bad names and names already taken.
        """
        if module is None:
            module, _, local = name.rpartition(".")
        else:
            local = name
        module = module_name(module)
        if not _LOCAL_NAME.match(local):
            raise UsageError(
                f"invalid component name {name!r}: use letters, digits, '_' and '-' "
                "('.' separates a module from the component: db.redis)"
            )
        existing = {m.name: m for m in self.modules()}
        target = existing[module] if module in existing else self._new_module(module)
        component = Component(target.qualify(local), target.path / f"{local}.jsonnet", target.name)
        if any(c.name == component.name for c in self.components()):
            raise UsageError(f'component "{component.name}" already exists in app "{self.name}"')
        return component


def module_name(text: str) -> str:
    """A module's canonical name: ``/`` for the root, dots between parts (``a/b`` and ``a.b`` alike)."""
    name = text.strip().strip("/").replace("/", ".")
    return name or ROOT_MODULE


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
