"""``kfkit import``: Kubernetes manifests and Jsonnet files become components, as ``ks import`` made them.

A YAML file becomes one ``.yaml`` component per document, named ``<kind>-<name>-<5 letters>``
as ksonnet named them (the random letters keep two imports of one object apart); a JSON or
Jsonnet file is copied as the component of its own name. Everything is read and checked before
anything is written, so a bad file or a name already taken leaves the app as it was.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import urllib.parse
import warnings
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import yaml

from kfkit._yamllimit import BoundedLoader
from kfkit.app._app import ROOT_MODULE, AppDir, Component
from kfkit.app._layout import COMPONENT_SUFFIXES
from kfkit.errors import KfkitWarning, UsageError

__all__ = ["NewComponent", "plan_import"]

_MAX_DOWNLOAD = 64 * 2**20
_DOCUMENT_START = re.compile(r"^---(?:\s|$)")
_NOT_IN_NAME = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class NewComponent:
    """A component ``kfkit import`` writes: the component, its text, and where it came from."""

    component: Component
    text: str
    source: str

    @property
    def name(self) -> str:
        return self.component.name

    @property
    def path(self) -> Path:
        return self.component.path


def plan_import(app: AppDir, source: str, *, module: str = "") -> list[NewComponent]:
    """The components importing ``source`` (a file, a directory's files, or an http(s) URL) makes.

    They go into ``module`` (default: the root; a missing one is made when they are written).
    Nothing is written. Names already taken, by the app or by another file of the same
    import, are refused, naming the file.
    """
    remote = source.startswith(("http://", "https://"))
    files = [_download(source)] if remote else _local_files(Path(source))
    planned: list[NewComponent] = []
    for where, filename, text in files:
        for name, suffix, body in _components(where, filename, text):
            try:
                new = app.new_component(name, module or ROOT_MODULE)
            except UsageError as exc:
                raise UsageError(f"{where}: {exc}") from None
            if any(c.name == new.name for c in planned):
                raise UsageError(
                    f"{where}: component {new.name!r} is also made from {_first(planned, new.name)}"
                )
            planned.append(NewComponent(replace(new, path=new.path.with_name(name + suffix)), body, where))
    return planned


def _first(planned: list[NewComponent], name: str) -> str:
    return next(c.source for c in planned if c.name == name)


def _local_files(path: Path) -> list[tuple[str, str, str]]:
    """(file, file name, text) of ``path``, or of each manifest directly in the directory ``path``."""
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if path.is_dir():
        files = []
        for entry in sorted(path.iterdir()):
            if entry.suffix in COMPONENT_SUFFIXES and entry.is_file():
                files.append(entry)
            else:
                warnings.warn(KfkitWarning(f"{entry}: skipped (not a {_SUFFIXES} file)"), stacklevel=3)
        if not files:
            raise UsageError(f"{path} holds no {_SUFFIXES} files")
    else:
        files = [path]
    return [(str(f), f.name, _read(f)) for f in files]


_SUFFIXES = ", ".join(COMPONENT_SUFFIXES)


def _read(path: Path) -> str:
    if path.suffix not in COMPONENT_SUFFIXES:
        raise UsageError(f"{path}: cannot import this kind of file (use {_SUFFIXES})")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc


def _download(url: str) -> tuple[str, str, str]:
    """The text at ``url``, named as the server (Content-Disposition) or the URL's path names it."""
    from email.message import Message  # with urlopen ~25 ms of imports (http, ssl): only downloads need them
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=60) as response:
            data = response.read(_MAX_DOWNLOAD + 1)
            header = Message()
            header["content-disposition"] = response.headers.get("Content-Disposition", "")
            filename = header.get_param("filename", header="content-disposition")
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot download {url}: {exc}") from exc
    if len(data) > _MAX_DOWNLOAD:
        raise UsageError(f"{url}: larger than {_MAX_DOWNLOAD // 2**20} MB; download it and import the file")
    name = PurePosixPath(str(filename or urllib.parse.urlparse(url).path)).name
    if Path(name).suffix not in COMPONENT_SUFFIXES:
        raise UsageError(f"{url}: cannot tell the kind of file from its name {name!r} (use {_SUFFIXES})")
    try:
        return url, name, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{url}: not UTF-8 text") from exc


def _components(where: str, filename: str, text: str) -> list[tuple[str, str, str]]:
    """(name, suffix, text) of the components one file makes."""
    suffix, stem = Path(filename).suffix, Path(filename).stem
    if suffix == ".jsonnet":
        return [(stem, suffix, text)]
    if suffix == ".json":
        try:
            json.loads(text)
        except ValueError as exc:
            raise UsageError(f"{where}: not JSON: {exc}") from exc
        return [(stem, suffix, text)]
    found = []
    for number, doc_text in enumerate(_documents(text), 1):
        try:
            doc = yaml.load(doc_text, Loader=BoundedLoader)
        except yaml.YAMLError as exc:
            raise UsageError(f"{where}: document {number}: not YAML: {str(exc).splitlines()[0]}") from exc
        if doc is None:
            continue
        found.append((_yaml_name(where, number, doc, stem), ".yaml", doc_text))
    if not found:
        raise UsageError(f"{where}: no Kubernetes objects found")
    return found


def _documents(text: str) -> list[str]:
    """The documents of a YAML stream, each as its own text (a bare ``---`` line dropped)."""
    docs: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if _DOCUMENT_START.match(line):
            docs.append([] if line.strip() == "---" else [line])
        else:
            docs[-1].append(line)
    return ["".join(d) for d in docs]


def _yaml_name(where: str, number: int, doc: object, stem: str) -> str:
    """``<kind>-<metadata.name>-<5 random letters>``, lower-case, other characters as ``-``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or not doc.get("apiVersion"):
        raise UsageError(f"{where}: document {number} is not a Kubernetes object (no apiVersion and kind)")
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name:
        if not doc["kind"].endswith("List"):
            raise UsageError(f"{where}: document {number} ({doc['kind']}) has no metadata.name")
        name = stem
    letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(5))
    return _NOT_IN_NAME.sub("-", f"{doc['kind']}-{name}".lower()).strip("-") + f"-{letters}"
