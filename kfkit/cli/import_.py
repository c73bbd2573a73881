"""``kfkit import``: Kubernetes manifests (YAML, JSON) and Jsonnet files become components."""

from __future__ import annotations

from typing import Annotated

import typer

from kfkit.cli._output import note
from kfkit.cli._state import current_app

__all__ = ["import_"]


def import_(
    filename: Annotated[
        str,
        typer.Option(
            "--filename",
            "-f",
            metavar="FILE|DIR|URL",
            help="A manifest, a directory of them, or a URL.",
        ),
    ],
    module: Annotated[
        str, typer.Option("--module", help="Module to import into (/ is components/ itself).")
    ] = "/",
) -> None:
    """Make components of Kubernetes manifests or Jsonnet files, as `ks import` did.

    Each document of a YAML file becomes a component components/<kind>-<name>-<5 letters>.yaml
    holding that document's text; a JSON or Jsonnet file is copied as the component of its own
    name. A directory imports the files directly in it. Nothing is written unless every file
    reads and no name is taken.

    Examples:
      kfkit import -f deployment.yaml
      kfkit import -f manifests/
      kfkit import -f https://example.com/nginx.yaml
    """
    kf = current_app()
    for path in kf.import_manifests(filename, module=module):
        note(f"wrote {path.relative_to(kf.root)}")
