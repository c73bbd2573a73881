"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kfkit.cli._progress import progress
from kfkit.cli._state import state
from kfkit.errors import UsageError

if TYPE_CHECKING:
    from kfkit import RenderOptions

__all__ = [
    "Components",
    "Env",
    "ExtStr",
    "JPath",
    "NoCache",
    "Output",
    "ReportOutput",
    "TlaStr",
    "UpgradeApis",
    "key_values",
    "render_options",
    "wants_json",
]

Env = Annotated[str | None, typer.Argument(metavar="[ENV]", help="Environment (default: current).")]
Components = Annotated[
    list[str] | None, typer.Option("--component", "-c", help="Only these components (repeatable).")
]
JPath = Annotated[
    list[Path] | None,
    typer.Option("--jpath", "-J", help="Extra Jsonnet library path (repeatable)."),
]
ExtStr = Annotated[
    list[str] | None,
    typer.Option("--ext-str", "-V", help="Jsonnet ext var key=value (repeatable)."),
]
TlaStr = Annotated[
    list[str] | None,
    typer.Option("--tla-str", "-A", help="Jsonnet top-level arg key=value (repeatable)."),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Render (and validate) everything afresh: neither read nor write kfkit's render and "
        "validation caches.",
    ),
]
Output = Annotated[str, typer.Option("--output", "-o", help="table, json or yaml.")]
ReportOutput = Annotated[
    str, typer.Option("--output", "-o", help="text, or json: one report on stdout (docs/output.md).")
]
UpgradeApis = Annotated[
    bool | None,
    typer.Option(
        "--upgrade-apis/--no-upgrade-apis",
        help="Rewrite objects of removed Kubernetes APIs (extensions/v1beta1 …) to their successors "
        "(default: the environment's setting, see `kfkit env set --upgrade-apis`).",
    ),
]


def wants_json(output: str) -> bool:
    """``-o text|json`` of the commands that report what they did."""
    if output not in ("text", "json"):
        raise UsageError(f"unknown output format {output!r}; use text or json")
    return output == "json"


def key_values(pairs: list[str] | None, flag: str) -> dict[str, str]:
    """``key=value`` flags as a dict; a pair without ``=`` is a usage error."""
    result = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{flag} expects key=value, got {pair!r}")
        result[key] = value
    return result


def render_options(
    jpath: list[Path] | None,
    ext_str: list[str] | None,
    tla_str: list[str] | None,
    upgrade_apis: bool | None = None,
    no_cache: bool = False,
) -> RenderOptions:
    from kfkit import RenderOptions

    return RenderOptions(
        cache=not no_cache,
        jpath=[p.resolve() for p in jpath or ()],
        ext_strs=key_values(ext_str, "--ext-str"),
        tla_strs=key_values(tla_str, "--tla-str"),
        upgrade_apis=upgrade_apis,
        allow_import_outside=state().allow_import_outside,
        max_output_bytes=state().max_output_bytes,
        on_progress=progress(),
    )
