"""app.yaml: the app's name, environments, registries and packages (ksonnet apiVersion 0.1.0 to 0.3.0).

Saving is lossless: kfkit patches only the fields that changed into the file as it is on
disk (under a lock, so concurrent edits of other fields survive), keeping its apiVersion,
key order, quoting and comments. ksonnet rewrote the whole file at 0.3.0 on every save.

Reading remembers what each file's text parsed to, as JSON in the user cache (one entry per
file, valid only for exactly that text): importing PyYAML costs more than most commands' own
work (~90 M instructions, a third of ``param set``'s start-up beyond typer), so it is imported
only when a file changed or holds values JSON cannot carry (non-string keys, binary).
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kfkit.app._files import locked, write_atomic
from kfkit.app._layout import APP_OVERRIDE_YAML, APP_YAML, cache_dir
from kfkit.errors import AppError

__all__ = [
    "API_VERSION",
    "UPGRADE_APIS",
    "AppSpec",
    "Destination",
    "EnvironmentSpec",
    "LibrarySpec",
    "OverrideSpec",
    "RegistrySpec",
    "load_app_yaml",
    "patched_text",
    "read_libraries",
    "save_app_yaml",
]

API_VERSION = "0.3.0"
UPGRADE_APIS = "upgradeApis"
_READABLE = ("0.1.0", "0.2.0", "0.3.0")
_KIND = "ksonnet.io/app"
_OVERRIDE_KIND = "ksonnet.io/app-override"
_OVERRIDE_READABLE = ("0.2.0", "0.3.0")


@dataclass
class Destination:
    """Where an environment deploys: the API server URL and the default namespace."""

    server: str = ""
    namespace: str = "default"


@dataclass
class RegistrySpec:
    """One entry of app.yaml's ``registries`` map: where packages come from.

    ``protocol`` is ksonnet's ``fs`` or ``github``, or kfkit's ``git`` (any URL git clones,
    with an optional ``ref`` and ``path`` inside the repository).
    """

    name: str
    protocol: str
    uri: str
    ref: str = ""
    path: str = ""
    overridden: bool = field(default=False, compare=False)
    """From app.override.yaml (ksonnet's ``*`` in ``registry list``)."""

    def to_yaml(self) -> dict[str, Any]:
        data = {"protocol": self.protocol, "uri": self.uri}
        data.update({k: v for k, v in (("ref", self.ref), ("path", self.path)) if v})
        return data


@dataclass
class LibrarySpec:
    """One installed package (ksonnet's ``libraries`` lock entry, plus kfkit's pins).

    ``version`` is what was asked for (a tag, or the commit as ksonnet wrote it; empty for
    fs registries); ``commit`` the resolved git commit; ``hash`` the vendored content's
    sha256, checked by ``pkg verify``.
    """

    name: str
    registry: str
    version: str = ""
    commit: str = ""
    hash: str = ""

    @property
    def key(self) -> str:
        return f"{self.registry}/{self.name}"

    def to_yaml(self) -> dict[str, Any]:
        data = {"name": self.name, "registry": self.registry, "version": self.version}
        data.update({k: v for k, v in (("commit", self.commit), ("hash", self.hash)) if v})
        return data


@dataclass
class EnvironmentSpec:
    """One entry of app.yaml's ``environments`` map."""

    name: str
    path: str
    destination: Destination = field(default_factory=Destination)
    k8s_version: str = ""
    libraries: dict[str, LibrarySpec] = field(default_factory=dict)
    """Packages pinned for this environment only (override the app's of the same key)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Fields kfkit does not model (targets), written back unchanged."""
    overridden: bool = field(default=False, compare=False)
    """Defined or redefined by app.override.yaml (ksonnet's ``*`` in ``env list``)."""

    @property
    def upgrade_apis(self) -> bool:
        """kfkit's ``upgradeApis: true``: render with removed APIs upgraded (ksonnet ignores it)."""
        return self.extra.get(UPGRADE_APIS) is True

    def to_yaml(self, api_version: str = API_VERSION) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data["path"] = self.path
        data["destination"] = {
            "namespace": self.destination.namespace,
            "server": self.destination.server,
        }
        if self.k8s_version:
            data["k8sVersion"] = self.k8s_version
        if self.libraries:
            data["libraries"] = _libraries_yaml(self.libraries, api_version)
        return data


@dataclass
class OverrideSpec:
    """app.override.yaml: environments and registries of one checkout (ksonnet's ``--override``).

    ``kfkit init`` lists it in .gitignore: it holds what differs on one machine (a local
    cluster, a registry clone) without changing the app.yaml everyone shares. Its
    environments redefine path, destination, k8sVersion and targets of app.yaml's of the same
    name, or add environments of their own; packages stay app.yaml's (ksonnet refused
    ``libraries`` here too). Its registries replace app.yaml's of the same name.
    """

    environments: dict[str, EnvironmentSpec] = field(default_factory=dict)
    registries: dict[str, RegistrySpec] = field(default_factory=dict)
    api_version: str = API_VERSION
    saved: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """``to_yaml()`` as last read or written, as for :class:`AppSpec`."""

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"apiVersion": self.api_version, "kind": _OVERRIDE_KIND}
        if self.environments:
            data["environments"] = {n: e.to_yaml() for n, e in sorted(self.environments.items())}
        if self.registries:
            data["registries"] = {n: r.to_yaml() for n, r in sorted(self.registries.items())}
        return data


@dataclass
class AppSpec:
    """The parsed app.yaml, with app.override.yaml's entries in ``override``."""

    name: str
    environments: dict[str, EnvironmentSpec] = field(default_factory=dict)
    registries: dict[str, RegistrySpec] = field(default_factory=dict)
    libraries: dict[str, LibrarySpec] = field(default_factory=dict)
    """Installed packages keyed ``registry/name``."""
    extra: dict[str, Any] = field(default_factory=dict)
    api_version: str = API_VERSION
    """Kept as read: kfkit never bumps a ksonnet app's version."""
    saved: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """``to_yaml()`` as last read or written: a save patches only what differs from it."""
    override: OverrideSpec = field(default_factory=OverrideSpec)

    def environment(self, name: str) -> EnvironmentSpec | None:
        """The environment as used: app.yaml's, with app.override.yaml's fields over it.

        Without an override it is app.yaml's entry itself; an environment only in the
        override is the override's entry; both give a merged copy whose packages are
        app.yaml's (the same dict, so pinning a package still edits app.yaml).
        """
        primary, override = self.environments.get(name), self.override.environments.get(name)
        if primary is None or override is None:
            return primary or override
        return replace(
            override,
            libraries=primary.libraries,
            extra={**primary.extra, **override.extra},
            destination=replace(override.destination),
        )

    def all_environments(self) -> dict[str, EnvironmentSpec]:
        """Every environment, app.yaml's and app.override.yaml's, as used, by name."""
        names = sorted({*self.environments, *self.override.environments})
        return {n: e for n in names if (e := self.environment(n)) is not None}

    def all_registries(self) -> dict[str, RegistrySpec]:
        """app.yaml's registries, those of app.override.yaml replacing the same names."""
        return {**self.registries, **self.override.registries}

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(apiVersion=self.api_version, kind=_KIND, name=self.name)
        data["environments"] = {n: e.to_yaml(self.api_version) for n, e in sorted(self.environments.items())}
        if self.registries:
            data["registries"] = {n: r.to_yaml() for n, r in sorted(self.registries.items())}
        if self.libraries:
            data["libraries"] = _libraries_yaml(self.libraries, self.api_version)
        return data


def _libraries_yaml(libraries: Mapping[str, LibrarySpec], api_version: str) -> dict[str, Any]:
    """0.3.0 keys libraries by ``registry/name``; 0.1.0 and 0.2.0 by the bare name."""
    qualified = api_version == API_VERSION
    return {(lib.key if qualified else lib.name): lib.to_yaml() for _, lib in sorted(libraries.items())}


def load_app_yaml(root: Path) -> AppSpec:
    """Read app.yaml; any shape problem is one AppError naming the file."""
    path = root / APP_YAML
    data = _read_yaml(path)
    version = str(data.get("apiVersion", ""))
    if version == "0.0.1":
        raise AppError(
            f"{path}: apiVersion 0.0.1 is ksonnet's pre-0.1 layout (environments in "
            "environments/<env>/spec.json), which ks 0.13 no longer read either; run `kfkit upgrade` "
            "to move them into app.yaml (`kfkit upgrade --dry-run` shows what changes)"
        )
    if version not in _READABLE:
        raise AppError(f"{path}: unsupported apiVersion {version!r} (kfkit reads {', '.join(_READABLE)})")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise AppError(f"{path}: missing app name")
    envs = _mapping(path, "environments", data.get("environments"))
    modelled = ("apiVersion", "kind", "name", "environments", "registries", "libraries")
    spec = AppSpec(
        name=name,
        environments={str(n): _env(path, str(n), e) for n, e in envs.items()},
        registries={
            str(n): _registry(path, str(n), r)
            for n, r in _mapping(path, "registries", data.get("registries")).items()
        },
        libraries=read_libraries(path, "libraries", data.get("libraries")),
        extra={k: v for k, v in data.items() if k not in modelled},
        api_version=version,
    )
    spec.saved = spec.to_yaml()
    if (root / APP_OVERRIDE_YAML).exists():
        spec.override = _load_override(root / APP_OVERRIDE_YAML)
    return spec


def _load_override(path: Path) -> OverrideSpec:
    """app.override.yaml; environments in it carry no packages (as ksonnet required)."""
    data = _read_yaml(path)
    version = str(data.get("apiVersion", ""))
    if data.get("kind") != _OVERRIDE_KIND or version not in _OVERRIDE_READABLE:
        raise AppError(
            f"{path}: expected kind {_OVERRIDE_KIND} with apiVersion {' or '.join(_OVERRIDE_READABLE)}, "
            f"got kind {data.get('kind')!r}, apiVersion {version!r}"
        )
    override = OverrideSpec(api_version=version)
    for name, entry in _mapping(path, "environments", data.get("environments")).items():
        env = _env(path, str(name), entry)
        if env.libraries:
            raise AppError(f"{path}: environment {name!r}: packages (libraries) belong in {APP_YAML}")
        env.overridden = True
        override.environments[env.name] = env
    for name, entry in _mapping(path, "registries", data.get("registries")).items():
        override.registries[str(name)] = replace(_registry(path, str(name), entry), overridden=True)
    override.saved = override.to_yaml()
    return override


def _read_yaml(path: Path) -> dict[Any, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AppError(f"cannot read {path}: {_first_line(exc)}") from exc
    data = _remembered(path, text)
    if data is None:
        data = _parse(path, text)
        _remember(path, text, data)
    return data


def _parse(path: Path, text: str) -> dict[Any, Any]:
    import yaml  # lazy: see the module's docstring

    from kfkit._yamllimit import BoundedLoader

    try:
        data = yaml.load(text, Loader=BoundedLoader)
    except yaml.YAMLError as exc:
        raise AppError(f"cannot read {path}: {_first_line(exc)}") from exc
    if not isinstance(data, dict):
        raise AppError(f"{path}: expected a mapping at the top level")
    return data


def _memo(path: Path) -> Path:
    """Where ``path``'s parse is remembered; entries name their file, so a shared name only misses."""
    return cache_dir() / "app-yaml" / f"{zlib.crc32(str(path).encode()):08x}.json"


def _remembered(path: Path, text: str) -> dict[Any, Any] | None:
    """What ``text`` parsed to when ``path`` last held exactly it, if remembered."""
    try:
        entry = json.loads(_memo(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(entry, dict) and entry.get("file") == str(path) and entry.get("text") == text:
        data = entry.get("data")
        return data if isinstance(data, dict) else None
    return None


def _remember(path: Path, text: str, data: dict[Any, Any]) -> None:
    """Keep the parse if JSON gives back exactly ``data``; the cache is optional (errors ignored)."""
    try:
        encoded = json.dumps({"file": str(path), "text": text, "data": data})
    except (TypeError, ValueError):  # binary, sets, keys JSON cannot hold
        return
    if json.loads(encoded)["data"] != data:  # non-string keys become strings; NaN is unequal
        return
    try:
        write_atomic(_memo(path), encoded)
    except AppError:
        return


def _mapping(path: Path, what: str, data: Any) -> dict[Any, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AppError(f"{path}: {what} must be a mapping")
    return data


def _env(path: Path, name: str, data: Any) -> EnvironmentSpec:
    if not isinstance(data, dict):
        raise AppError(f"{path}: environment {name!r} must be a mapping")
    dest = _mapping(path, f"environment {name!r}: destination", data.get("destination"))
    modelled = ("path", "destination", "k8sVersion", "name", "libraries")
    return EnvironmentSpec(
        name=str(name),
        path=str(data.get("path") or name),
        destination=Destination(
            server=str(dest.get("server") or ""), namespace=str(dest.get("namespace") or "default")
        ),
        k8s_version=str(data.get("k8sVersion") or ""),
        libraries=read_libraries(path, f"environment {name!r}: libraries", data.get("libraries")),
        extra={k: v for k, v in data.items() if k not in modelled},
    )


def _registry(path: Path, name: str, data: Any) -> RegistrySpec:
    entry = _mapping(path, f"registry {name!r}", data)
    protocol, uri = entry.get("protocol"), entry.get("uri")
    if not isinstance(protocol, str) or not isinstance(uri, str) or not uri:
        raise AppError(f"{path}: registry {name!r} needs a protocol and a uri")
    return RegistrySpec(name, protocol, uri, str(entry.get("ref") or ""), str(entry.get("path") or ""))


def read_libraries(path: Path, what: str, data: Any) -> dict[str, LibrarySpec]:
    """Library entries of any version: 0.1.0's ``gitVersion.commitSha`` becomes the version."""
    result = {}
    for key, entry in _mapping(path, what, data).items():
        entry = _mapping(path, f"{what} {key!r}", entry)
        registry = str(entry.get("registry") or "")
        name = str(entry.get("name") or str(key).rsplit("/", 1)[-1])
        git = entry.get("gitVersion")
        git = git if isinstance(git, dict) else {}
        if not registry:
            raise AppError(f"{path}: {what} {key!r} names no registry")
        lib = LibrarySpec(
            name=name,
            registry=registry,
            version=str(entry.get("version") or git.get("commitSha") or ""),
            commit=str(entry.get("commit") or ""),
            hash=str(entry.get("hash") or ""),
        )
        result[lib.key] = lib
    return result


def save_app_yaml(root: Path, spec: AppSpec) -> None:
    """Write the fields of ``spec`` that changed since it was read into app.yaml as it is now.

    app.override.yaml likewise, and only if it changed; an empty override is deleted.
    """
    new, override = spec.to_yaml(), spec.override.to_yaml()
    with locked(root):
        _save(root / APP_YAML, spec.saved, new)
        if override != spec.override.saved:
            if spec.override.environments or spec.override.registries:
                _save(root / APP_OVERRIDE_YAML, spec.override.saved, override)
            else:
                (root / APP_OVERRIDE_YAML).unlink(missing_ok=True)
    spec.saved, spec.override.saved = new, override


def _save(path: Path, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    if not path.exists():
        import yaml  # lazy: see the module's docstring

        text = yaml.dump(dict(new), Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False)
    else:
        text = _patched(path, old, new)
    write_atomic(path, text)


def _patched(path: Path, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The file's text with the changes from ``old`` to ``new`` applied, everything else as it was."""
    return patched_text(path, path.read_text(encoding="utf-8"), old, new)


def patched_text(path: Path, text: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """``text`` (of ``path``, for errors) with the changes from ``old`` to ``new`` applied."""
    from ruamel.yaml import YAML  # lazy: only edits need the round-trip parser

    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=2, offset=0)
    try:
        doc = rt.load(text)
    except Exception as exc:  # ruamel's errors share no base class worth naming
        raise AppError(f"cannot read {path}: {_first_line(exc)}") from exc
    if not isinstance(doc, dict):
        raise AppError(f"{path}: expected a mapping at the top level")
    _patch(doc, old, new)
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def _patch(doc: Any, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """Apply a two-version diff to ``doc`` in place; a key added goes where sorted order puts it."""
    for key in old:
        if key not in new and key in doc:
            del doc[key]
    for key, value in new.items():
        if key in old and old[key] == value and key in doc:
            continue
        current = doc.get(key)
        if isinstance(value, dict) and isinstance(old.get(key), dict) and isinstance(current, dict):
            _patch(current, old[key], value)
        elif isinstance(value, list) and isinstance(current, list) and len(value) == len(current):
            for i, item in enumerate(value):  # item by item: comments stay attached to the list
                if current[i] != item:
                    current[i] = _sorted(item)
        elif key in doc:
            doc[key] = _sorted(value)
        else:
            keys = list(doc)
            after = [i for i, k in enumerate(keys) if str(k) > str(key)]
            ordered = keys == sorted(keys, key=str)
            doc.insert(after[0] if after and ordered else len(keys), key, _sorted(value))


def _sorted(value: Any) -> Any:
    """New mappings are written with sorted keys, as ksonnet's serializer wrote them."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    return value


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
