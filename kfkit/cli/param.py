"""``kfkit param``: set, delete, list and diff params, per component and per environment.

Annotations are not strings here (no ``from __future__ import annotations``): see kfkit/cli/main.py.
"""

import json
from difflib import get_close_matches
from typing import TYPE_CHECKING, Annotated

import typer

import kfkit
from kfkit import DEFAULT_LOCK_TIMEOUT

if TYPE_CHECKING:
    from kfkit import App
from kfkit.cli._options import Output
from kfkit.cli._output import check_output, emit, emit_data, note
from kfkit.cli._state import current_app
from kfkit.errors import UsageError

app = typer.Typer(help="Set, delete, list and compare params.", no_args_is_help=True)

Env = Annotated[str | None, typer.Option("--env", help="Write/read this environment's overrides instead.")]
LockTimeout = Annotated[
    float,
    typer.Option("--lock-timeout", min=0, help="Seconds to wait for another kfkit editing this app."),
]


def _split(args: list[str], count: int, usage: str) -> tuple[str | None, list[str]]:
    """``[component] key …``: with ``count`` trailing args, a leading extra one is the component."""
    if len(args) == count + 1:
        return args[0], args[1:]
    if len(args) == count:
        return None, args
    raise UsageError(f"usage: kfkit param {usage}")


@app.command("set", context_settings={"ignore_unknown_options": True})
def set_(
    args: Annotated[list[str], typer.Argument(metavar="[COMPONENT] KEY VALUE")],
    env: Env = None,
    as_string: Annotated[
        bool, typer.Option("--as-string", help="Store VALUE as a string, whatever it looks like.")
    ] = False,
    lock_timeout: LockTimeout = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Set a component param (3 args) or a global param (2 args); dotted keys nest."""
    component, (key, raw) = _split(args, 2, "set [component] <key> <value> [--env ENV] [--as-string]")
    kf = current_app()
    if component is not None:
        _warn_if_misspelt(kf, component, key)
    value = kfkit.parse_value(raw, as_string=as_string)
    path = kf.set_param(component, key, value, env=env, lock=kfkit.LockOptions(lock_timeout, note))
    note(f"set {key} in {path.relative_to(kf.root)}")


def _warn_if_misspelt(kf: "App", component: str, key: str) -> None:
    """``modelpath`` when the component has ``modelPath``: set anyway, but say so (ksonnet did not)."""
    name = key.split(".")[0]
    declared = sorted({r.param for r in kf.params(component) if r.component == component})
    if declared and name not in declared:
        same = [d for d in declared if d.lower() == name.lower()]
        close = same or get_close_matches(name, declared, n=1, cutoff=0.8)
        if close:
            note(f"warning: {component} has no param {name!r}; did you mean {close[0]!r}? (set anyway)")


@app.command("delete")
def delete(
    args: Annotated[list[str], typer.Argument(metavar="[COMPONENT] KEY")],
    env: Env = None,
    lock_timeout: LockTimeout = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Delete a component param (2 args) or a global param (1 arg)."""
    component, (key,) = _split(args, 1, "delete [component] <key> [--env ENV]")
    kf = current_app()
    path = kf.delete_param(component, key, env=env, lock=kfkit.LockOptions(lock_timeout, note))
    note(f"deleted {key} from {path.relative_to(kf.root)}")


@app.command("list")
def list_(
    component: Annotated[str | None, typer.Argument(help="Only this component.")] = None,
    env: Env = None,
    module: Annotated[
        str | None, typer.Option("--module", help="Only this module's components (/: the root).")
    ] = None,
    without_modules: Annotated[
        bool,
        typer.Option(
            "--without-modules",
            help="With --env: only what the environment's files set, not the modules' params.",
        ),
    ] = False,
    output: Output = "table",
) -> None:
    """List params (effective values in --env), and the file each comes from."""
    check_output(output)
    rows = current_app().params(component, env=env, module=module, without_modules=without_modules)
    if output != "table":  # the values keep their types
        data = [
            {"component": r.component, "param": r.param, "value": r.value, "source": r.source} for r in rows
        ]
        emit_data("paramList", data, output)
        return
    emit(
        "paramList",
        ["component", "param", "value", "source"],
        [[r.component, r.param, _cell(r.value) or "null", r.source] for r in rows],
        output,
    )


@app.command("diff")
def diff(
    env1: str,
    env2: str,
    component: Annotated[str | None, typer.Option("--component", "-c", help="Only this component.")] = None,
    output: Output = "table",
) -> None:
    """Compare the effective params of two environments."""
    check_output(output)
    rows = current_app().diff_params(env1, env2, component=component)
    emit(
        "paramDiff",
        ["component", "param", env1, env2],
        [[r.component, r.param, _cell(r.left), _cell(r.right)] for r in rows],
        output,
    )


def _cell(value: object) -> str:
    """A param value in a table: JSON, so ``"3"`` and ``3`` look different; blank when absent."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
