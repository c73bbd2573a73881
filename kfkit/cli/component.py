"""``kfkit component``: the app's components."""

from __future__ import annotations

from typing import Annotated

import typer

from kfkit.cli._options import Output
from kfkit.cli._output import emit, note
from kfkit.cli._state import current_app

app = typer.Typer(help="List and remove components.", no_args_is_help=True)


@app.command("list")
def list_(
    module: Annotated[
        str | None, typer.Option("--module", help="Only this module's components (/: the root).")
    ] = None,
    output: Output = "table",
) -> None:
    """List the app's components (of every module: db.redis is redis in module db)."""
    kf = current_app()
    rows = [[c.name, c.kind, str(c.path.relative_to(kf.root))] for c in kf.components(module)]
    emit("componentList", ["component", "type", "file"], rows, output)


@app.command("rm")
def rm(name: str) -> None:
    """Remove a component: its file and its params in every environment."""
    current_app().remove_component(name)
    note(f'removed component "{name}"')
