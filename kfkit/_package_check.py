"""``pkg test``: render a package's prototypes in a scratch app, with defaults and with its examples.

It sits above :mod:`kfkit.app` (it uses the :class:`~kfkit.App` facade to generate and render).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kfkit._api import App
from kfkit._yamllimit import BoundedLoader
from kfkit.app import parse_parts_yaml, parse_prototype
from kfkit.app._package import check_package_dir
from kfkit.errors import KfkitError, PackageError

__all__ = ["CaseResult", "run_package_tests"]


@dataclass(frozen=True)
class CaseResult:
    """One render of ``pkg test``: a prototype with its defaults, or with a documented example."""

    prototype: str
    case: str
    objects: int
    error: str = ""


def run_package_tests(directory: Path, *, registry: str | None = None) -> list[CaseResult]:
    """Render every prototype of a package with its defaults and with each example, in a scratch app.

    Examples are parts.yaml's ``quickStart`` and ``examples/*.yaml`` (each ``{prototype,
    componentName, flags}``). The package is vendored as ``<registry>/<dir name>``, the
    registry named by default after the package's parent directory.
    """
    directory = directory.resolve()
    check_package_dir(directory)
    registry = registry or directory.parent.name
    examples = _examples(directory, parse_parts_yaml(directory / "parts.yaml").quick_start)
    results = []
    with tempfile.TemporaryDirectory(prefix="kfkit-pkg-test-") as tmp:
        kf = App.init(Path(tmp) / "app")
        shutil.copytree(directory, kf.root / "vendor" / registry / directory.name, symlinks=False)
        for path in sorted((directory / "prototypes").glob("*.jsonnet")):
            proto = parse_prototype(path)
            full = f"{registry}/{directory.name}/{proto.name}"
            cases: list[tuple[str, str, dict[str, str]]] = [("defaults", proto.short_name.lower(), {})]
            cases += [(title, c, f) for title, p, c, f in examples if proto.name.endswith(p)]
            for i, (title, component, flags) in enumerate(cases):
                name = (
                    f"{component}-{i}" if any(c.name == component for c in kf.dir.components()) else component
                )
                try:
                    kf.generate(full, name, flags)
                    count = len(kf.render("default", components=[name]))
                except KfkitError as exc:
                    results.append(CaseResult(proto.name, title, 0, str(exc)))
                else:
                    results.append(CaseResult(proto.name, title, count))
    return results


def _examples(directory: Path, quick: Any) -> list[tuple[str, str, str, dict[str, str]]]:
    """(title, prototype, component, flags) of quickStart and examples/*.yaml."""
    found = []
    sources = [("quickStart", quick)] if quick else []
    for path in sorted((directory / "examples").glob("*.y*ml")):
        try:
            sources.append(
                (
                    f"examples/{path.name}",
                    yaml.load(path.read_text(encoding="utf-8"), Loader=BoundedLoader),
                )
            )
        except yaml.YAMLError as exc:
            raise PackageError(f"{path}: not YAML: {str(exc).splitlines()[0]}") from exc
    for title, data in sources:
        if not isinstance(data, dict) or not isinstance(data.get("prototype"), str):
            raise PackageError(f"{directory}: {title} needs a prototype (and componentName, flags)")
        flags = {
            str(k): v if isinstance(v, str) else json.dumps(v) for k, v in (data.get("flags") or {}).items()
        }
        found.append((title, data["prototype"], str(data.get("componentName") or "example"), flags))
    return found
