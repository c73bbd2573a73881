"""Registries: where packages come from, read through a per-user cache.

A registry is a directory with ksonnet's ``registry.yaml`` index, found either on the
filesystem (``fs``: read live) or in a git repository (``git``: any URL git clones;
``github``: ksonnet's ``github.com/<org>/<repo>/tree/<ref>/<path>`` form, cloned).

Git registries are mirrored once into ``$KFKIT_CACHE_DIR/registries/<hash of the URL>/``
and each commit used is exported to ``trees/<commit>/``: the cache is keyed by URL and
resolved commit. A ref the mirror already knows is resolved without the network; the
network is used only to clone, to find a ref the mirror lacks, and on ``registry update``.
So an app whose registries were used once works offline, and installs are reproducible.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kfkit._constants import REGISTRY_PROTOCOLS
from kfkit._yamllimit import BoundedLoader
from kfkit.app._appyaml import RegistrySpec
from kfkit.app._layout import BUILTIN, CACHE_ENV, cache_dir
from kfkit.errors import PackageError, UsageError

__all__ = [
    "BUILTIN_REGISTRY",
    "CACHE_ENV",
    "PROTOCOLS",
    "LibraryEntry",
    "Registry",
    "RegistryIndex",
    "cache_dir",
    "detect_registry",
    "parse_registry_yaml",
]

BUILTIN_REGISTRY = "builtin"
"""The registry serving kfkit's own prototypes as packages; always there, never in app.yaml."""
PROTOCOLS = REGISTRY_PROTOCOLS
_INDEX = "registry.yaml"
_REGISTRY_VERSIONS = re.compile(r"^0\.(1|1\.\d+|2\.\d+)$")
_GITHUB = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<org>[^/?#]+)/(?P<repo>[^/?#]+?)(?:\.git)?"
    r"(?:/(?:tree|blob)/(?P<ref>[^/?#]+)(?:/(?P<path>[^?#]*))?)?/?$"
)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class LibraryEntry:
    """One package listed in a registry.yaml: its directory relative to the index."""

    name: str
    path: str
    version: str = ""


@dataclass(frozen=True)
class RegistryIndex:
    """A registry as read at one commit: the directory holding registry.yaml and its packages."""

    registry: str
    root: Path
    commit: str
    libraries: dict[str, LibraryEntry]


def parse_registry_yaml(path: Path) -> dict[str, LibraryEntry]:
    """ksonnet's registry index (apiVersion 0.1 to 0.2.x); shape errors name the file."""
    data = _load_yaml(path, "ksonnet.io/registry")
    version = str(data.get("apiVersion", ""))
    if not _REGISTRY_VERSIONS.match(version):
        raise PackageError(f"{path}: unsupported apiVersion {version!r} (expected 0.1 to 0.2.x)")
    libraries = data.get("libraries") or {}
    if not isinstance(libraries, dict):
        raise PackageError(f"{path}: libraries must be a mapping of name to {{path, version}}")
    result = {}
    for name, entry in libraries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise PackageError(f"{path}: library {name!r} needs a path")
        rel = entry["path"]
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise PackageError(f"{path}: library {name!r} has path {rel!r} outside the registry")
        result[str(name)] = LibraryEntry(str(name), rel, str(entry.get("version") or ""))
    return result


def _load_yaml(path: Path, kind: str) -> dict[str, Any]:
    """A registry.yaml or parts.yaml (JSON is YAML) that must be a mapping of ``kind``."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=BoundedLoader)
    except FileNotFoundError:
        raise PackageError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackageError(f"cannot read {path}: {str(exc).strip().splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise PackageError(f"{path}: expected a mapping at the top level")
    if data.get("kind", kind) != kind:
        raise PackageError(f"{path}: kind is {data.get('kind')!r}, expected {kind!r}")
    return data


def detect_registry(
    name: str, uri: str, *, protocol: str | None = None, ref: str = "", path: str = "", base: Path
) -> RegistrySpec:
    """What ``registry add NAME URI`` records: the protocol told, or guessed from the URI.

    github.com URIs are ``github``; other URLs (``https://``, ``ssh://``, ``git@host:``,
    ``file://`` to a git repository) and local git repositories are ``git``; a local
    directory holding a registry.yaml is ``fs``.
    """
    if not _NAME.match(name) or name == BUILTIN_REGISTRY:
        raise UsageError(
            f"invalid registry name {name!r}: use letters, digits and '-', not {BUILTIN_REGISTRY!r}"
        )
    if protocol is not None and protocol not in PROTOCOLS:
        raise UsageError(f"unknown registry protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
    if protocol is None:
        local = _local_path(uri, base)
        if _GITHUB.match(uri):
            protocol = "github"
        elif local is None or _is_git_repo(local):
            protocol = "git"
        elif local.is_dir():
            protocol = "fs"
        else:
            raise UsageError(f"registry {name}: {uri} is not a directory, a git repository or a URL")
    spec = RegistrySpec(name, protocol, uri, ref, path)
    Registry(spec, base).location()  # checks the URI's shape
    return spec


def _local_path(uri: str, base: Path) -> Path | None:
    """The filesystem path a URI names (``file://``, absolute or relative), or None for URLs."""
    if uri.startswith("file://"):
        return Path(uri[len("file://") :])
    if _URL.match(uri):
        return None
    return (base / uri).resolve()


def _is_git_repo(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


@dataclass(frozen=True)
class _Location:
    """Where a registry's content is: a directory (fs), or a clone URL, ref and subpath (git)."""

    protocol: str
    source: str
    ref: str = ""
    subpath: str = ""


class Registry:
    """A registry of an app (or the built-in one), and reading its index at a version."""

    def __init__(self, spec: RegistrySpec, app_root: Path) -> None:
        self.spec = spec
        self.app_root = app_root

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def versioned(self) -> bool:
        """Git registries pin packages to commits; fs and built-in ones have no versions."""
        return self.spec.protocol in ("git", "github")

    def location(self) -> _Location:
        spec = self.spec
        if spec.protocol == "builtin":
            return _Location("fs", str(_builtin_registry_dir()))
        if spec.protocol == "fs":
            local = _local_path(spec.uri, self.app_root)
            if local is None:
                raise UsageError(f"registry {spec.name}: fs registries need a path, not {spec.uri}")
            return _Location("fs", str(local), subpath=spec.path)
        if spec.protocol == "github":
            match = _GITHUB.match(spec.uri)
            if match is None:
                raise UsageError(
                    f"registry {spec.name}: {spec.uri} is not github.com/<org>/<repo>[/tree/<ref>/<path>]"
                )
            subpath = (match["path"] or "").removesuffix(_INDEX).strip("/")
            return _Location(
                "git",
                f"https://github.com/{match['org']}/{match['repo']}.git",
                spec.ref or match["ref"] or "",
                spec.path or subpath,
            )
        if spec.protocol == "git":
            local = _local_path(spec.uri, self.app_root)
            source = spec.uri if local is None or spec.uri.startswith("file://") else str(local)
            return _Location("git", source, spec.ref, spec.path)
        raise UsageError(f"registry {spec.name}: unknown protocol {spec.protocol!r}")

    def index(self, version: str = "", *, update: bool = False) -> RegistryIndex:
        """The registry at ``version`` (a git ref; default: the registry's ref, else HEAD)."""
        where = self.location()
        if where.protocol == "fs":
            root = Path(where.source) / where.subpath
            if not root.is_dir():
                raise PackageError(f"registry {self.name}: {root} is not a directory")
            return RegistryIndex(self.name, root, "", parse_registry_yaml(root / _INDEX))
        mirror = GitMirror(self.name, where.source)
        commit = mirror.resolve(version or where.ref or "HEAD", update=update)
        root = mirror.tree(commit) / where.subpath
        if not (root / _INDEX).is_file():
            raise PackageError(
                f"registry {self.name}: no {_INDEX} in {where.subpath or 'the top directory'} "
                f"of {where.source} at {commit[:12]}"
            )
        return RegistryIndex(self.name, root, commit, parse_registry_yaml(root / _INDEX))


class GitMirror:
    """A bare mirror of one git URL in the user cache, and the trees of the commits used."""

    def __init__(self, registry: str, url: str) -> None:
        self.registry = registry
        self.url = url
        self.dir = cache_dir() / "registries" / hashlib.sha256(url.encode()).hexdigest()[:20]

    @property
    def repo(self) -> Path:
        return self.dir / "mirror.git"

    def resolve(self, ref: str, *, update: bool = False) -> str:
        """The commit ``ref`` names; fetches only when the mirror is missing, lacks it, or asked to."""
        if not self.repo.is_dir():
            self._clone()
        elif update:
            self._fetch()
        commit = self._rev_parse(ref)
        if commit is None and not update:
            self._fetch()
            commit = self._rev_parse(ref)
        if commit is None:
            raise PackageError(f"registry {self.registry}: version {ref!r} not found in {self.url}")
        return commit

    def tree(self, commit: str) -> Path:
        """The files of ``commit``, exported once into the cache (temp dir, then rename)."""
        target = self.dir / "trees" / commit
        if target.is_dir():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
            archive = Path(tmp) / "tree.tar"
            _git("archive", "--format=tar", "-o", str(archive), commit, cwd=self.repo, what=self._what())
            export = Path(tmp) / "tree"
            with tarfile.open(archive) as tar:
                tar.extractall(export, filter="data")
            with contextlib.suppress(OSError):  # another process exported it meanwhile
                export.rename(target)
        return target

    def _clone(self) -> None:
        self._check_clean_source()
        self.dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.dir, prefix=".clone-") as tmp:
            _git("clone", "--quiet", "--mirror", self.url, str(Path(tmp) / "m"), what=self._what())
            with contextlib.suppress(OSError):
                (Path(tmp) / "m").rename(self.repo)

    def _fetch(self) -> None:
        self._check_clean_source()
        _git("fetch", "--quiet", "--prune", "--tags", "origin", cwd=self.repo, what=self._what())

    def _check_clean_source(self) -> None:
        """A local checkout with uncommitted changes: what would be installed is not what is there."""
        local = Path(self.url.removeprefix("file://"))
        if _URL.match(self.url) and not self.url.startswith("file://"):
            return
        if (local / ".git").exists():
            status = _git("status", "--porcelain", "--untracked-files=no", cwd=local, what=self._what())
            if status.strip():
                raise PackageError(
                    f"registry {self.registry}: {local} has uncommitted changes; commit them "
                    "(git registries install committed content) or add the directory with --protocol fs"
                )

    def _rev_parse(self, ref: str) -> str | None:
        try:
            out = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=self.repo, what="")
        except PackageError:
            return None
        return out.strip() or None

    def _what(self) -> str:
        return f"registry {self.registry} ({self.url})"


def _git(*args: str, cwd: Path | None = None, what: str) -> str:
    """Run git without prompts; a failure is one line naming the registry and git's reason."""
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "SSH_ASKPASS": "/bin/false",
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
        "LC_ALL": "C",
    }
    command = ["git", "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30", *args]
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise PackageError(f"{what}: git is not installed") from None
    except subprocess.TimeoutExpired:
        raise PackageError(f"{what}: git {args[0]} timed out") from None
    if done.returncode != 0:
        lines = [ln.strip() for ln in done.stderr.splitlines() if ln.strip()]
        reason = next((ln for ln in reversed(lines) if ln.startswith("fatal:")), lines[-1] if lines else "")
        raise PackageError(f"{what}: git {args[0]} failed: {reason.removeprefix('fatal: ')}")
    return done.stdout


# --- the built-in registry -------------------------------------------------------------


def builtin_registry() -> Registry:
    return Registry(RegistrySpec(BUILTIN_REGISTRY, "builtin", "(built in)"), Path())


def _builtin_registry_dir() -> Path:
    """kfkit's prototypes laid out as a registry, one package per prototype, made once per content."""
    sources = sorted((BUILTIN / "prototypes").glob("*.jsonnet"))
    digest = hashlib.sha256(b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in sources)).hexdigest()
    target = cache_dir() / "builtin" / digest[:20]
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target) as tmp:
        libraries = {}
        for source in sources:
            from kfkit.app._prototype import parse_prototype  # the prototype module imports this one

            proto = parse_prototype(source)
            package = tmp / source.stem
            (package / "prototypes").mkdir(parents=True)
            shutil.copyfile(source, package / "prototypes" / source.name)
            parts = {
                "apiVersion": "0.0.1",
                "kind": "ksonnet.io/parts",
                "name": source.stem,
                "description": proto.description,
                "prototypes": [proto.name],
            }
            (package / "parts.yaml").write_text(yaml.safe_dump(parts, sort_keys=True), encoding="utf-8")
            libraries[source.stem] = {"path": source.stem, "version": ""}
        index = {"apiVersion": "0.2.0", "kind": "ksonnet.io/registry", "libraries": libraries}
        (tmp / _INDEX).write_text(yaml.safe_dump(index, sort_keys=True), encoding="utf-8")
    return target


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A temp dir beside ``target`` renamed to it on success: readers never see half of it."""
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
        stage = Path(tmp) / "stage"
        stage.mkdir()
        yield stage
        with contextlib.suppress(OSError):  # another process finished first: theirs is as good
            stage.rename(target)
