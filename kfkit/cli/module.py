"""``kfkit module``: ksonnet 0.13's modules, directories of components with their own params."""

from __future__ import annotations

from typing import Annotated

import typer

from kfkit.cli._options import Output
from kfkit.cli._output import emit, note
from kfkit.cli._state import current_app

app = typer.Typer(
    help="""Create and list modules (components/<a>/<b>/ is module a.b).

    Examples:
        kfkit module create db
        kfkit module list""",
    no_args_is_help=True,
)


@app.command("create")
def create(name: str) -> None:
    """Create module NAME (a.b makes components/a/b/params.libsonnet).

    Examples:
        # a module for the database components, then one inside it
        kfkit module create db
        kfkit module create db.cache
    """
    kf = current_app()
    module = kf.create_module(name)
    note(f'created module "{module.name}" in {module.path.relative_to(kf.root)}/')


@app.command("list")
def list_(
    env: Annotated[
        str | None, typer.Option("--env", help="Only the modules this environment renders (its targets).")
    ] = None,
    output: Output = "table",
) -> None:
    """List the app's modules (/ is components/ itself).

    Examples:
        kfkit module list
        # the modules environment prod renders
        kfkit module list --env prod -o json
    """
    kf = current_app()
    modules = kf.modules() if env is None else kf.modules(kf.environment(env).name)
    emit("moduleList", ["module"], [[m.name] for m in modules], output)
