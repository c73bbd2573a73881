"""The pipeline's import rules (DESIGN §2): each stage imports only what is below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kfkit"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

# Third-party imports allowed only in one place.
OWNERS = {
    "_gojsonnet": ("kfkit/evaluator.py",),
    "re2": ("kfkit/_natives.py",),
    "kubernetes": ("kfkit/cluster/",),
    "urllib3": ("kfkit/cluster/",),
    "typer": ("kfkit/cli/",),
    "rich": ("kfkit/cli/",),
    "jsonschema": ("kfkit/validate/",),
    "referencing": ("kfkit/validate/",),
}
# kfkit packages each stage must not import (higher stages, or its sibling).
FORBIDDEN = {
    "kfkit/jsonnet/": (
        "kfkit.app",
        "kfkit.params",
        "kfkit.render",
        "kfkit.manifests",
        "kfkit.deploy",
        "kfkit.cluster",
        "kfkit.cli",
        "kfkit.evaluator",
        "kfkit._natives",
    ),
    "kfkit/app/": ("kfkit.params", "kfkit.render", "kfkit.deploy", "kfkit.cluster", "kfkit.cli"),
    "kfkit/manifests/": (
        "kfkit.app",
        "kfkit.params",
        "kfkit.render",
        "kfkit.deploy",
        "kfkit.cluster",
        "kfkit.cli",
    ),
    "kfkit/ksonnetlib/": ("kfkit.params", "kfkit.render", "kfkit.deploy", "kfkit.cluster", "kfkit.cli"),
    "kfkit/params/": ("kfkit.render", "kfkit.deploy", "kfkit.cluster", "kfkit.cli"),
    "kfkit/render/": ("kfkit.deploy", "kfkit.cluster", "kfkit.cli"),
    "kfkit/deploy/": ("kfkit.cluster", "kfkit.cli", "kfkit.render"),
    "kfkit/cluster/": ("kfkit.render", "kfkit.params", "kfkit.deploy", "kfkit.cli"),
    # history: stored revisions and rollback over deploy; review: data in, HTML/Markdown out.
    "kfkit/history/": ("kfkit.app", "kfkit.params", "kfkit.render", "kfkit.cluster", "kfkit.cli"),
    "kfkit/review/": ("kfkit.app", "kfkit.render", "kfkit.cluster", "kfkit.cli", "kfkit.evaluator"),
    # validate checks objects it is given; --server reaches the cluster only through deploy's protocol.
    "kfkit/validate/": ("kfkit.app", "kfkit.params", "kfkit.render", "kfkit.cluster", "kfkit.cli"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_imports_follow_the_pipeline(path: Path) -> None:
    rel = _rel(path)
    for name in _imports(path):
        top = name.split(".")[0]
        if top in OWNERS:
            assert rel.startswith(OWNERS[top]), f"{rel} imports {name}"
        for prefix, banned in FORBIDDEN.items():
            if rel.startswith(prefix):
                assert not name.startswith(banned), f"{rel} imports {name}"


@pytest.mark.parametrize("path", [p for p in MODULES if not _rel(p).startswith("kfkit/cli/")], ids=_rel)
def test_only_the_cli_prints_or_exits(path: Path) -> None:
    calls = {
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
    }
    assert not calls & {"print", "exit"}, path


CLI_MAY_IMPORT = (
    "kfkit",
    "kfkit.errors",
    "kfkit.manifests",
    "kfkit.review",
    "kfkit.history",
    "kfkit.validate",
)
"""The CLI is a client of the public library: kfkit's names, its errors, output and report formats."""


@pytest.mark.parametrize("path", [p for p in MODULES if _rel(p).startswith("kfkit/cli/")], ids=_rel)
def test_the_cli_uses_only_the_public_library(path: Path) -> None:
    for name in _imports(path):
        if name.startswith("kfkit") and not name.startswith("kfkit.cli"):
            assert name in CLI_MAY_IMPORT, f"{_rel(path)} imports {name}; add what it needs to kfkit.App"
    assert ".dir." not in path.read_text(), f"{_rel(path)} reaches into App.dir"
