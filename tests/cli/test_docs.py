"""docs/cli.md is generated from the CLI: its command pages are exactly what --help prints."""

from __future__ import annotations

from pathlib import Path

import typer

from kfkit.cli._help import GENERATED, reference, teach
from kfkit.cli._tree import whole
from kfkit.cli.main import BRANCHES, app
from tests.cli.support import Kf

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()


def test_reference_is_generated_from_the_program() -> None:
    assert GENERATED in DOCS, "docs/cli.md lost its generated part; run scripts/cli-docs"
    generated = DOCS.partition(GENERATED)[2]
    assert GENERATED + generated == reference(teach(typer.main.get_command(whole(app, BRANCHES)))), (
        "docs/cli.md is stale: run scripts/cli-docs"
    )


def test_version(kf: Kf) -> None:
    from kfkit import __version__

    out = kf("version").out
    assert out.startswith(f"kfkit version: {__version__}\njsonnet engine: go-jsonnet ")
