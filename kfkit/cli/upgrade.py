"""``kfkit upgrade-apis`` (objects of removed APIs, before and after), ``kfkit upgrade`` (old app layouts)."""

from __future__ import annotations

import difflib
import sys
from typing import Annotated

import typer

import kfkit
from kfkit.cli._options import Components, Env, ExtStr, JPath, TlaStr, render_options
from kfkit.cli._output import note
from kfkit.cli._state import current_app, state

__all__ = ["upgrade", "upgrade_apis"]


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
    from kfkit.manifests import yaml_document

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


def upgrade(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    to: Annotated[
        str,
        typer.Option("--to", metavar="VERSION", help="app.yaml apiVersion: 0.3.0 (ksonnet 0.13) or 0.2.0."),
    ] = "0.3.0",
) -> None:
    """Move an older ksonnet app (app.yaml 0.0.1, 0.1.0, 0.2.0) to ksonnet 0.13's shape and layout.

    kfkit reads older apps as they are and never rewrites app.yaml's version by itself; this
    command does, as `ks upgrade` did: app.yaml's libraries, registries and targets get the
    newer shape (edited in place: comments and order kept), lib/vX.Y.Z/ moves to
    lib/ksonnet-lib/vX.Y.Z/, pinned packages move to vendor/<registry>/<pkg>@<version>/, and a
    0.0.1 app's environments/<env>/spec.json files are folded into app.yaml.

    Examples:
      # what would change (app.yaml as a diff, the directories that move)
      kfkit upgrade --dry-run
      kfkit upgrade
      # stay readable by ksonnet 0.12
      kfkit upgrade --to 0.2.0
    """
    plan = kfkit.App.upgrade(state().directory, to=to, dry_run=dry_run)
    prefix = "would " if dry_run else ""
    for step in plan.steps():
        sys.stdout.write(prefix + step + "\n")
    for name, (before, after) in (
        ("app.yaml", (plan.before, plan.after)),
        ("app.override.yaml", plan.override),
    ):
        if dry_run and before != after:
            lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
            sys.stdout.writelines(difflib.unified_diff(*lines, name, name))
    for text in plan.notes:
        note(f"note: {text}")
    if not plan.changes:
        note(f"nothing to upgrade: the app is at apiVersion {plan.from_version} in ksonnet 0.13's layout")
