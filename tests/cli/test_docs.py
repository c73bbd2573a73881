"""Every command the CLI offers is in docs/cli.md, and has help text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfkit.cli.main import app
from tests.cli.support import Kf

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()


def _commands() -> list[tuple[str, object]]:
    found = [(c.name or "", c.callback) for c in app.registered_commands]
    for group in app.registered_groups:
        found += [(f"{group.name} {c.name}", c.callback) for c in group.typer_instance.registered_commands]
    return found


@pytest.mark.parametrize(("name", "callback"), _commands(), ids=[n for n, _ in _commands()])
def test_command_is_documented(name: str, callback: object) -> None:
    assert f"`kfkit {name}" in DOCS
    assert getattr(callback, "__doc__", None)


def test_version(kf: Kf) -> None:
    from kfkit import __version__

    out = kf("version").out
    assert out.startswith(f"kfkit version: {__version__}\njsonnet engine: go-jsonnet ")
