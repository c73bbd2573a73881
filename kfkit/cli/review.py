"""``kfkit review``: write what applying an environment would do as HTML, Markdown or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kfkit.cli._options import Components, Env, ExtStr, JPath, NoCache, TlaStr
from kfkit.cli._output import note
from kfkit.cli._progress import progress
from kfkit.cli._report import object_errors
from kfkit.cli.cluster import Context, ForceContext, Kubeconfig, Selection
from kfkit.errors import UsageError

if TYPE_CHECKING:
    from kfkit import Report

__all__ = ["review"]

_FORMATS: dict[str, Callable[[Report], str]] = {
    "html": lambda r: r.to_html(),
    "md": lambda r: r.to_markdown(),
    "markdown": lambda r: r.to_markdown(),
}
_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def review(
    env_name: Env = None,
    component: Components = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="remote:ENV|local:ENV",
            help="Compare with this instead of the environment's cluster (remote:ENV).",
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE|html|md|json",
            help="A file (.html, .md or .json), or a format to print on stdout.",
        ),
    ] = "html",
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    no_cache: NoCache = False,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Write a review report: target, summary, params, objects and their diffs, the apply command.

    The HTML is one self-contained file (no scripts, nothing fetched); Markdown fits a
    pull-request comment. Secret values are masked as in ``kfkit diff``. Against the
    environment's cluster, what apply's pre-flight would refuse is in the report.

    Exits 1 when the report says kfkit apply would stop (refused objects, removed APIs,
    validation errors), after writing it; pending changes alone exit 0.
    """
    kind, path = _destination(output)
    sel = Selection.of(
        component, jpath, ext_str, tla_str, kubeconfig, context, force_context, no_cache=no_cache
    )
    with object_errors():
        report = sel.kf.review(
            env_name,
            components=sel.components,
            against=against,
            options=sel.options,
            validate_options=sel.validate_options(),
            connect=sel.connect,
            on_progress=progress(),
        )
    text = _format(report, kind)
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")
        note(f"wrote {path}: " + ", ".join(f"{count} {label}" for count, label, _ in report.headline()))
    if report.exit_code:
        note(f"error: {report.verdict()[1]}")
        raise typer.Exit(report.exit_code)


def _destination(output: str) -> tuple[str, Path | None]:
    """``html`` → (html, stdout); ``out/report.md`` → (md, that file)."""
    if output in (*_FORMATS, "json"):
        return ("md" if output == "markdown" else output), None
    path = Path(output)
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(
            f"cannot tell the format of {output!r}; name a .html, .md or .json file, or html/md/json"
        )
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {output}: directory {path.parent} does not exist")
    return kind, path


def _format(report: Report, kind: str) -> str:
    if kind == "json":
        return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return _FORMATS[kind](report)
