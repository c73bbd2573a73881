"""``kfkit upgrade-apis``: what ``--upgrade-apis`` does to an environment's objects, before and after."""

from __future__ import annotations

import difflib
import sys
from typing import Annotated

import typer

from kfkit.cli._options import Components, Env, ExtStr, JPath, TlaStr, render_options
from kfkit.cli._output import note
from kfkit.cli._state import current_app
from kfkit.manifests import yaml_document

__all__ = ["upgrade_apis"]


def upgrade_apis(
    env_name: Env = None,
    component: Components = None,
    show_diff: Annotated[
        bool, typer.Option("--diff", help="Show each object's before and after as a unified diff.")
    ] = False,
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
) -> None:
    """List the objects that use removed Kubernetes APIs and what --upgrade-apis makes of them.

    Nothing is written: use `show/diff/apply --upgrade-apis`, or make it the environment's
    default with `kfkit env set ENV --upgrade-apis`. Objects that cannot be upgraded
    (PodSecurityPolicy has no successor) are an error naming each.
    """
    kf = current_app()
    upgrades = kf.api_upgrades(
        env_name, components=component or (), options=render_options(jpath, ext_str, tla_str)
    )
    for upgrade in upgrades:
        if not show_diff:
            sys.stdout.write(upgrade.summary() + "\n")
            continue
        name = str(upgrade.object_id)
        sys.stdout.writelines(
            difflib.unified_diff(
                yaml_document(upgrade.before).splitlines(keepends=True),
                yaml_document(upgrade.after).splitlines(keepends=True),
                f"{name} ({upgrade.before['apiVersion']})",
                f"{name} ({upgrade.after['apiVersion']})",
            )
        )
    if not upgrades:
        note("no object uses a removed Kubernetes API")
