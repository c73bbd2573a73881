"""``kfkit prototype`` and ``kfkit generate``: templates and turning them into components."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kfkit import KfkitError, UsageError

if TYPE_CHECKING:
    from kfkit import Prototypes
from kfkit.cli._options import Output
from kfkit.cli._output import emit, note
from kfkit.cli._state import current_app, state

app = typer.Typer(help="Find, inspect and use prototypes.", no_args_is_help=True)

_EXTRA = {"allow_extra_args": True, "ignore_unknown_options": True}
ValuesFile = Annotated[
    Path | None,
    typer.Option("--values-file", help="Jsonnet/JSON file with param values (overrides flags)."),
]


def _available() -> Prototypes:
    """Built-in prototypes, plus installed packages' when run inside an app."""
    from kfkit import Prototypes

    return Prototypes.near(state().directory)


def params_help(name: str) -> str:
    """The help page's section listing a prototype's params (``generate PROTOTYPE --help``)."""
    try:
        proto = _available().get(name)
    except KfkitError:
        return f"(no prototype {name!r}; 'kfkit prototype list' shows them)"
    lines = []
    for p in proto.params:
        metavar = "NUMBER_OR_STRING" if p.type == "numberOrString" else p.type.upper()
        kind = "required" if p.required else f"default: {p.default_text}"
        about = f"\n      {p.description}" if p.description else ""
        lines.append(f"  --{p.name} {metavar} ({kind}){about}")
    return f"Params of prototype {proto.name}:\n" + ("\n".join(lines) or "  (none)")


def param_flags(args: list[str]) -> dict[str, str]:
    """Prototype params given as ``--name value`` or ``--name=value``."""
    flags: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise UsageError(f"unexpected argument {arg!r}; prototype params are given as --<param> <value>")
        name, sep, value = arg[2:].partition("=")
        if not sep:
            if i + 1 >= len(args):
                raise UsageError(f"--{name} needs a value")
            i += 1
            value = args[i]
        flags[name] = value
        i += 1
    return flags


def generate(
    ctx: typer.Context,
    prototype: str,
    component: str,
    values_file: ValuesFile = None,
    module: Annotated[
        str | None,
        typer.Option(
            "--module", help="Put the component in this module (made if missing); or name it db.redis."
        ),
    ] = None,
) -> None:
    """Create a component from a prototype: --<param> <value> for its params."""
    kf = current_app()
    path = kf.generate(prototype, component, param_flags(ctx.args), values_file=values_file, module=module)
    params = path.parent.relative_to(kf.root) / "params.libsonnet"
    note(f"wrote {path.relative_to(kf.root)} and its params in {params}")
    module = next(c.module for c in kf.components() if c.path == path)
    env = kf.current_env()
    if env and all(m.name != module for m in kf.modules(env)):
        note(
            f'hint: environment "{env}" does not render module "{module}"; '
            f"kfkit env targets {env} --module / --module {module} (see kfkit module list)"
        )


app.command("use", context_settings=_EXTRA)(generate)


@app.command("list")
def list_(output: Output = "table") -> None:
    """List the available prototypes."""
    rows = [[p.full_name, p.short_description] for p in _available().list()]
    emit("prototypeList", ["name", "description"], rows, output)


@app.command("search")
def search(query: str, output: Output = "table") -> None:
    """List prototypes whose name contains QUERY."""
    rows = [[p.full_name, p.short_description] for p in _available().list(query)]
    emit("prototypeList", ["name", "description"], rows, output)


@app.command("describe")
def describe(name: str) -> None:
    """Show a prototype's description and params."""
    proto = _available().get(name)
    out = [f"PROTOTYPE NAME:\n{proto.full_name}\n", f"\nDESCRIPTION:\n{proto.description}\n"]
    for title, required in (("REQUIRED PARAMETERS", True), ("OPTIONAL PARAMETERS", False)):
        params = [p for p in proto.params if p.required is required]
        flags = [f"--{p.name}=<{p.name}>" for p in params]
        width = max((len(f) for f in flags), default=0)
        lines = [
            f"  {flag.ljust(width)} {p.description} "
            + (f"[type: {p.type}]" if required else f"[default: {p.default_text}, type: {p.type}]")
            for flag, p in zip(flags, params, strict=True)
        ]
        out.append(f"\n{title}:\n" + ("\n".join(lines) if lines else "  [none]") + "\n")
    out.append("\nTEMPLATE TYPES AVAILABLE:\n  [jsonnet]\n")
    sys.stdout.write("".join(out))


@app.command("preview", context_settings=_EXTRA)
def preview(ctx: typer.Context, name: str, values_file: ValuesFile = None) -> None:
    """Print the component source a prototype generates, and the params it would get."""
    source = _available().preview(name, param_flags(ctx.args), values_file=values_file)
    sys.stdout.write(source + "\n")
