"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kfkit.cli._progress import progress
from kfkit.cli._state import state
from kfkit.errors import UsageError

if TYPE_CHECKING:
    from kfkit import ConnectionOptions, RenderOptions

__all__ = [
    "API_SPEC",
    "ApiSpec",
    "Components",
    "Context",
    "Env",
    "ExtStr",
    "JPath",
    "Kubeconfig",
    "Namespace",
    "NoCache",
    "Output",
    "ReportOutput",
    "Server",
    "TlaStr",
    "UpgradeApis",
    "key_values",
    "recording",
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


# --- where an environment's cluster is: ``kfkit init`` and ``kfkit env add`` ----------------

Server = Annotated[str | None, typer.Option("--server", help="API server URL of the cluster.")]
Namespace = Annotated[str | None, typer.Option("--namespace", "-n", help="Default namespace.")]
Context = Annotated[
    str | None, typer.Option("--context", help="Take the server from this kubeconfig context.")
]
Kubeconfig = Annotated[
    Path | None,
    typer.Option("--kubeconfig", help="Kubeconfig file to read --context (or the current context) from."),
]
API_SPEC = (  # env set adds its own choice
    "Generate ksonnet-lib (k.libsonnet) from this OpenAPI spec and make its version the "
    "environment's k8sVersion: version:vX.Y.Z (shipped), file:PATH, url:URL"
)
ApiSpec = Annotated[str | None, typer.Option("--api-spec", metavar="SOURCE", help=API_SPEC + ".")]


def recording(kubeconfig: Path | None, context: str | None) -> ConnectionOptions:
    """Where ``init`` and ``env add`` read the server they record, when no --server is given."""
    from kfkit import ConnectionOptions

    return ConnectionOptions(kubeconfig=str(kubeconfig) if kubeconfig else None, context=context)
