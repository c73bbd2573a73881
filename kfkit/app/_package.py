"""Packages: install from a registry into vendor/, record in app.yaml, verify, remove.

The vendor layout is ksonnet 0.13's, both ways: ``vendor/<registry>/<pkg>@<version>/``
for packages with a version (git registries) and ``vendor/<registry>/<pkg>/`` for those
without (fs and built-in). Either way ``import "<registry>/<pkg>/file.libsonnet"`` finds
the version app.yaml records: unversioned dirs through vendor/ on the Jsonnet path,
versioned ones through a directory of symlinks in the user cache (ksonnet copied them
into a temp dir on every render).

An install is staged in a temp dir beside its target and renamed into place, app.yaml
is written last, and a failure undoes the rename: nothing is ever half installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kfkit.app._appyaml import LibrarySpec, RegistrySpec, save_app_yaml
from kfkit.app._layout import APP_OVERRIDE_YAML, APP_YAML, VENDOR
from kfkit.app._registry import (
    BUILTIN_REGISTRY,
    Registry,
    RegistryIndex,
    _load_yaml,
    builtin_registry,
    cache_dir,
)
from kfkit.errors import KfkitWarning, PackageError, UsageError

if TYPE_CHECKING:
    from kfkit.app._app import AppDir

__all__ = [
    "InstalledPackage",
    "PackageInfo",
    "Parts",
    "add_registry",
    "app_registries",
    "content_hash",
    "describe_package",
    "effective_libraries",
    "install_package",
    "installed_packages",
    "installed_prototype_dirs",
    "list_packages",
    "package_jpath",
    "parse_descriptor",
    "parse_parts_yaml",
    "remove_package",
    "remove_registry",
    "vendor_dir",
    "versioned_dir_name",
]

_DESCRIPTOR = re.compile(r"^(?P<registry>[A-Za-z0-9-]+)/(?P<name>[^@/]+)(?:@(?P<version>[^@]+))?$")
_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PARTS = "parts.yaml"
_PROTOTYPES = "prototypes"


# --- package metadata ------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """The parts.yaml fields kfkit shows (ksonnet's package metadata)."""

    name: str
    description: str = ""
    quick_start: Mapping[str, object] = field(default_factory=dict)


def parse_parts_yaml(path: Path) -> Parts:
    """ksonnet's parts.yaml (JSON or YAML, apiVersion exactly 0.0.1); errors name the file."""
    data = _load_yaml(path, "ksonnet.io/parts")
    if str(data.get("apiVersion", "")) != "0.0.1":
        raise PackageError(f"{path}: apiVersion must be 0.0.1, got {data.get('apiVersion')!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise PackageError(f"{path}: missing package name")
    quick = data.get("quickStart")
    return Parts(name, str(data.get("description") or ""), quick if isinstance(quick, dict) else {})


def check_package_dir(directory: Path) -> Parts:
    """A package directory must have parts.yaml and prototypes/; returns its metadata."""
    parts = parse_parts_yaml(directory / _PARTS)
    if not (directory / _PROTOTYPES).is_dir():
        raise PackageError(f"package {parts.name}: {directory / _PROTOTYPES} is missing")
    return parts


def content_hash(directory: Path) -> str:
    """sha256 over every regular file's relative path and bytes: what ``pkg verify`` checks."""
    digest = hashlib.sha256()
    for path in _package_files(directory):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(directory).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"


def _package_files(directory: Path) -> list[Path]:
    """A package's files: regular files only (symlinks skipped, as ksonnet did), no VCS dirs."""
    found = []
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != ".git" and not Path(base, d).is_symlink())
        found += [Path(base, f) for f in sorted(files) if not Path(base, f).is_symlink()]
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


# --- registries of an app --------------------------------------------------------------


def app_registries(app: AppDir) -> dict[str, Registry]:
    """The app's registries by name, the built-in one included."""
    found = {BUILTIN_REGISTRY: builtin_registry()}
    found.update({name: Registry(spec, app.root) for name, spec in app.spec.all_registries().items()})
    return found


def _registry(app: AppDir, name: str) -> Registry:
    registries = app_registries(app)
    if name not in registries:
        raise UsageError(
            f"registry {name!r} not found in app {app.name!r}; known: {', '.join(sorted(registries))}"
        )
    return registries[name]


def add_registry(
    app: AppDir, spec: RegistrySpec, *, replace: bool = False, override: bool = False
) -> RegistryIndex:
    """Record a registry after reading its index (so a bad URI or index is refused, not saved).

    ``override`` records it in app.override.yaml, where it replaces app.yaml's of that name.
    """
    entries = app.spec.override.registries if override else app.spec.registries
    if spec.name in entries and not replace:
        raise UsageError(f"registry {spec.name!r} already exists in app {app.name!r}; use `registry set`")
    if not replace and spec.name not in entries and spec.name == BUILTIN_REGISTRY:
        raise UsageError(f"registry name {BUILTIN_REGISTRY!r} is kfkit's own")
    index = Registry(spec, app.root).index()
    spec.overridden = override
    entries[spec.name] = spec
    save_app_yaml(app.root, app.spec)
    return index


def remove_registry(app: AppDir, name: str, *, override: bool = False) -> None:
    """Forget a registry; refused while installed packages come from it (and no other file has it)."""
    entries, other = app.spec.registries, app.spec.override.registries
    if override:
        entries, other = other, entries
    if name not in entries:
        where = APP_OVERRIDE_YAML if override else APP_YAML
        raise UsageError(f"registry {name!r} not found in {where} of app {app.name!r}")
    users = sorted(lib.key for lib in _all_libraries(app) if lib.registry == name)
    if users and name not in other:
        raise UsageError(
            f"registry {name!r} is used by installed packages: {', '.join(users)}; remove them first"
        )
    del entries[name]
    save_app_yaml(app.root, app.spec)


# --- the vendor layout -----------------------------------------------------------------


def versioned_dir_name(lib: LibrarySpec) -> str:
    """``<pkg>@<version>`` for versioned packages (ksonnet 0.13's layout), else ``<pkg>``."""
    return f"{lib.name}@{lib.version}" if lib.version and "/" not in lib.version else lib.name


def vendor_dir(root: Path, lib: LibrarySpec) -> Path:
    """Where an installed package's files are: the versioned dir when it exists, else the plain one."""
    versioned = root / VENDOR / lib.registry / versioned_dir_name(lib)
    return versioned if versioned.is_dir() else root / VENDOR / lib.registry / lib.name


def _all_libraries(app: AppDir) -> list[LibrarySpec]:
    """Every library entry: the app's and every environment's."""
    libs = list(app.spec.libraries.values())
    for env in app.spec.environments.values():
        libs += env.libraries.values()
    return libs


def effective_libraries(app: AppDir, env: str | None) -> dict[str, LibrarySpec]:
    """The packages an environment renders with: the app's, overridden by the environment's own."""
    libs = dict(app.spec.libraries)
    if env is not None:
        libs.update(app.env(env).libraries)
    return libs


def package_jpath(app: AppDir, env: str | None) -> list[Path]:
    """A Jsonnet path entry mapping ``<registry>/<pkg>`` to versioned vendor dirs, if there are any.

    Packages whose vendored files were changed since install (or are missing) are warned
    about (:class:`~kfkit.errors.KfkitWarning`): every render passes here. The entry lives
    in the user cache (one per app and environment), is brought up to date on every call
    with atomic symlink swaps, and never writes into the app.
    """
    links = {}
    for lib in effective_libraries(app, env).values():
        target = vendor_dir(app.root, lib)
        problem = InstalledPackage(lib, target, (), _status(target, lib)).problem
        if problem:
            warnings.warn(KfkitWarning(problem), stacklevel=2)
        elif target.name == lib.name != versioned_dir_name(lib):
            warnings.warn(
                KfkitWarning(
                    f"{VENDOR}/{lib.registry}/{lib.name}/ holds {lib.key} pinned to {lib.version} in the "
                    "unversioned layout of ksonnet before 0.12; kfkit reads it, `kfkit upgrade` moves it "
                    f"to {VENDOR}/{lib.registry}/{versioned_dir_name(lib)}/"
                ),
                stacklevel=2,
            )
        if target.name != lib.name:
            links[f"{lib.registry}/{lib.name}"] = target
    if not links:
        return []
    farm = cache_dir() / "jpath" / hashlib.sha256(f"{app.root}\0{env}".encode()).hexdigest()[:20]
    for key, target in links.items():
        link = farm / key
        if link.is_symlink() and os.readlink(link) == str(target):
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.with_name(f".{link.name}.{os.getpid()}")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(target, target_is_directory=True)
        tmp.replace(link)
    for stale in farm.glob("*/*"):
        if f"{stale.parent.name}/{stale.name}" not in links and stale.is_symlink():
            stale.unlink(missing_ok=True)
    return [farm]


def installed_prototype_dirs(root: Path) -> list[tuple[str, str, Path]]:
    """(registry, package, prototypes dir) of every package in vendor/.

    Versioned dirs count only when app.yaml records that version; unversioned ones always
    (a package copied in by hand works, as it did with ksonnet's vendor/ on the path).
    """
    from kfkit.app._appyaml import load_app_yaml  # app.yaml is read only when vendor/ has packages

    vendor = root / VENDOR
    if not vendor.is_dir():
        return []
    found: dict[tuple[str, str], Path] = {}
    for directory in sorted(vendor.glob("*/*/prototypes")):
        package = directory.parent
        if "@" not in package.name and not package.name.startswith("."):
            found[package.parent.name, package.name] = package
    spec = load_app_yaml(root)
    # one version per package: an environment's own, unless the app pins one for all
    for env in spec.environments.values():
        found.update({(lib.registry, lib.name): vendor_dir(root, lib) for lib in env.libraries.values()})
    found.update({(lib.registry, lib.name): vendor_dir(root, lib) for lib in spec.libraries.values()})
    return [
        (reg, name, path / _PROTOTYPES)
        for (reg, name), path in sorted(found.items())
        if (path / _PROTOTYPES).is_dir()
    ]


# --- what is installed -----------------------------------------------------------------


@dataclass(frozen=True)
class InstalledPackage:
    """A library entry of app.yaml and the state of its vendored files."""

    lib: LibrarySpec
    directory: Path
    environments: tuple[str, ...]
    """Environments rendering with exactly this version (all of them for app-wide ones)."""
    status: str
    """``ok``, ``modified`` (content differs from the recorded hash), ``missing``, or
    ``unverified`` (no hash recorded: installed by ksonnet, or a built-in vendored to edit)."""

    @property
    def problem(self) -> str:
        """One line for a warning, empty when the package is intact."""
        where = self.directory.relative_to(self.directory.parents[2])
        if self.status == "missing":
            return (
                f"package {self.lib.key}: {where} is missing; run `kfkit pkg install {self.lib.key} --force`"
            )
        if self.status == "modified":
            return f"package {self.lib.key}: {where} was changed since it was installed (hash mismatch)"
        return ""


def installed_packages(app: AppDir) -> list[InstalledPackage]:
    """Every installed package (app-wide and per environment) with its integrity status."""
    seen: dict[tuple[str, str], InstalledPackage] = {}
    scopes: list[tuple[str | None, Mapping[str, LibrarySpec]]] = [(None, app.spec.libraries)]
    scopes += [(name, env.libraries) for name, env in sorted(app.spec.environments.items())]
    for _, libraries in scopes:
        for lib in libraries.values():
            ident = (lib.key, lib.version)
            if ident in seen:
                continue
            directory = vendor_dir(app.root, lib)
            envs = tuple(
                e for e in sorted(app.spec.environments) if effective_libraries(app, e).get(lib.key) == lib
            )
            seen[ident] = InstalledPackage(lib, directory, envs, _status(directory, lib))
    return sorted(seen.values(), key=lambda p: (p.lib.key, p.lib.version))


def _status(directory: Path, lib: LibrarySpec) -> str:
    if not directory.is_dir():
        return "missing"
    if not lib.hash:
        return "unverified"
    return "ok" if content_hash(directory) == lib.hash else "modified"


# --- install / remove ------------------------------------------------------------------


def parse_descriptor(text: str) -> tuple[str, str, str]:
    """``<registry>/<pkg>[@<version>]`` → (registry, pkg, version)."""
    match = _DESCRIPTOR.match(text)
    if match is None:
        raise UsageError(f"invalid package {text!r}: use <registry>/<package>[@<version>]")
    return match["registry"], match["name"], match["version"] or ""


def install_package(
    app: AppDir,
    descriptor: str,
    *,
    alias: str | None = None,
    env: str | None = None,
    force: bool = False,
) -> InstalledPackage:
    """Vendor a package and record it in app.yaml (or for one environment with ``env``).

    A vendored copy that was changed since it was installed is not overwritten unless
    ``force``; reinstalling the same content is a no-op on disk.
    """
    reg_name, pkg, version = parse_descriptor(descriptor)
    registry = _registry(app, reg_name)
    if env is not None:
        app.env_libraries(env)
    name = alias or pkg
    if not _PACKAGE_NAME.match(name):
        raise UsageError(f"invalid package name {name!r}: use letters, digits, '.', '_' and '-'")
    index = registry.index(version if registry.versioned else "")
    source = _package_source(index, pkg)
    if not registry.versioned and version and index.libraries[pkg].version != version:
        raise PackageError(
            f"package {reg_name}/{pkg}: version {version!r} not found "
            f"(registry {reg_name} has {index.libraries[pkg].version or 'no version'})"
        )
    check_package_dir(source)
    fresh = content_hash(source)
    lib = LibrarySpec(
        name=name,
        registry=reg_name,
        version=(version or index.commit) if registry.versioned else version,
        commit=index.commit,
        # a vendored built-in is a copy to edit: no hash to hold it to
        hash="" if reg_name == BUILTIN_REGISTRY else fresh,
    )
    _check_clash(app, lib)
    libraries = app.env_libraries(env) if env is not None else app.spec.libraries
    previous = libraries.get(lib.key)
    target = app.root / VENDOR / lib.registry / versioned_dir_name(lib)
    with _vendored(target, source, fresh, _recorded_hash(app, target), force):
        libraries[lib.key] = lib
        try:
            save_app_yaml(app.root, app.spec)
        except BaseException:
            if previous is None:
                del libraries[lib.key]
            else:
                libraries[lib.key] = previous
            raise
    if previous is not None and vendor_dir(app.root, previous) != target:
        _collect(app, previous)
    return next(p for p in installed_packages(app) if p.lib == lib)


def _package_source(index: RegistryIndex, pkg: str) -> Path:
    entry = index.libraries.get(pkg)
    if entry is None:
        known = ", ".join(sorted(index.libraries)) or "none"
        raise PackageError(f"registry {index.registry} has no package {pkg!r}; it has: {known}")
    source = index.root / entry.path
    if not source.is_dir():
        raise PackageError(f"registry {index.registry}: package {pkg!r} has no directory {entry.path!r}")
    return source


def _check_clash(app: AppDir, lib: LibrarySpec) -> None:
    """Before 0.3.0, app.yaml keys libraries by bare name: two registries cannot share one."""
    if app.spec.api_version == "0.3.0":
        return
    for other in _all_libraries(app):
        if other.name == lib.name and other.registry != lib.registry:
            raise UsageError(
                f"package name {lib.name!r} is taken by {other.key} (app.yaml {app.spec.api_version} "
                "keys packages by name); install with --name <alias>"
            )


def _recorded_hash(app: AppDir, target: Path) -> str | None:
    """The hash recorded for the package living in ``target``; None when no entry claims it."""
    for lib in _all_libraries(app):
        if vendor_dir(app.root, lib) == target:
            return lib.hash
    return None


@contextlib.contextmanager
def _vendored(target: Path, source: Path, fresh: str, recorded: str | None, force: bool) -> Iterator[None]:
    """Copy ``source`` into a staging dir and swap it in for ``target``; undone if the body fails.

    A ``target`` already holding exactly this content is left alone.
    """
    if target.exists():
        current = content_hash(target)
        if current == fresh:
            yield
            return
        if current != recorded and not force:
            why = (
                "is not recorded in app.yaml"
                if recorded is None
                else "was changed since it was installed"
                if recorded
                else "differs from the package (no hash recorded to tell)"
            )
            raise PackageError(f"{target.relative_to(target.parents[2])} {why}; use --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
        stage, old = Path(tmp) / "new", Path(tmp) / "old"
        for path in _package_files(source):
            dest = stage / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        stage.mkdir(exist_ok=True)
        if target.exists():
            target.rename(old)
        stage.rename(target)
        try:
            yield
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            if old.exists():
                old.rename(target)
            raise


def remove_package(app: AppDir, key: str, *, env: str | None = None) -> LibrarySpec:
    """Forget an installed package (app-wide, or for one environment) and delete its orphaned files."""
    libraries = app.env_libraries(env) if env is not None else app.spec.libraries
    lib = libraries.get(key)
    if lib is None:
        where = f"environment {env!r}" if env is not None else f"app {app.name!r}"
        known = ", ".join(sorted(libraries)) or "none"
        raise UsageError(f"package {key!r} is not installed in {where}; installed: {known}")
    del libraries[key]
    save_app_yaml(app.root, app.spec)
    _collect(app, lib)
    return lib


def _collect(app: AppDir, lib: LibrarySpec) -> None:
    """Delete a package's vendor dir when no library entry refers to it any more."""
    directory = vendor_dir(app.root, lib)
    if any(vendor_dir(app.root, other) == directory for other in _all_libraries(app)):
        return
    shutil.rmtree(directory, ignore_errors=True)
    with contextlib.suppress(OSError):
        directory.parent.rmdir()  # the registry's dir, when it was the last package


# --- listing and describing ------------------------------------------------------------


@dataclass(frozen=True)
class PackageInfo:
    """A package as ``pkg list``/``pkg describe`` show it."""

    registry: str
    name: str
    version: str
    description: str = ""
    installed: InstalledPackage | None = None
    prototypes: tuple[tuple[str, str], ...] = ()
    """(name, short description) of each prototype, for installed packages."""


def list_packages(app: AppDir, *, installed_only: bool = False) -> list[PackageInfo]:
    """Installed packages, plus (unless ``installed_only``) every package of every registry."""
    result = [
        PackageInfo(p.lib.registry, p.lib.name, p.lib.version, installed=p) for p in installed_packages(app)
    ]
    if installed_only:
        return result
    have = {(p.registry, p.name) for p in result}
    for name, registry in sorted(app_registries(app).items()):
        index = registry.index()
        for pkg, entry in sorted(index.libraries.items()):
            if (name, pkg) not in have:
                result.append(PackageInfo(name, pkg, entry.version or index.commit))
    return sorted(result, key=lambda p: (p.registry, p.name, p.version))


def describe_package(app: AppDir, query: str) -> PackageInfo:
    """An installed package by ``[<registry>/]<name>``, else one from a registry's index."""
    from kfkit.app._prototype import parse_prototype  # the prototype module imports this one

    registry, _, name = query.rpartition("/")
    for package in installed_packages(app):
        if package.lib.name == name and registry in ("", package.lib.registry):
            directory = package.directory
            parts = parse_parts_yaml(directory / _PARTS) if (directory / _PARTS).is_file() else Parts(name)
            protos = sorted(
                (p.name, p.short_description)
                for p in (parse_prototype(f) for f in sorted((directory / _PROTOTYPES).glob("*.jsonnet")))
            )
            return PackageInfo(
                package.lib.registry, name, package.lib.version, parts.description, package, tuple(protos)
            )
    candidates = [_registry(app, registry)] if registry else list(app_registries(app).values())
    for reg in candidates:
        index = reg.index()
        if name in index.libraries:
            parts = parse_parts_yaml(_package_source(index, name) / _PARTS)
            return PackageInfo(
                reg.name, name, index.libraries[name].version or index.commit, parts.description
            )
    raise UsageError(f"package {query!r} not found in the app or its registries")
