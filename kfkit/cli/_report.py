"""How the cluster commands show their results: diff text, result lines, summaries, progress.

Diffs and per-object result lines are the commands' output (stdout); the target, plans,
summaries and prompts are for the person watching (stderr), like the progress display
(:mod:`kfkit.cli._progress`).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

import typer

import kfkit
from kfkit import ObjectErrors, ValidationError
from kfkit.cli._output import dump, note
from kfkit.cli._progress import progress
from kfkit.cli._state import use_color
from kfkit.errors import Interrupted, KfkitError, UsageError

if TYPE_CHECKING:
    from kfkit import App, DiffResult, ObjectResult, Revision, ValidateOptions, ValidationResult

__all__ = [
    "REPORT_VERSION",
    "Outcome",
    "check_before_apply",
    "confirm",
    "count",
    "finding_counts",
    "need_consent",
    "object_errors",
    "print_diff",
    "print_findings",
    "reporter",
    "result_line",
    "summary",
]

_NO_NAMESPACE = re.compile(r'namespaces "([^"]+)" not found')
"""How the API server refuses an object whose namespace does not exist (404 NotFound)."""
_COLOURS = (
    ("+++", "bright_white"),
    ("---", "bright_white"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
)


def print_diff(result: DiffResult, *, as_json: bool = False) -> None:
    """Each differing object's unified diff on stdout (coloured as --color says), or the
    ``-o json`` report; a summary on stderr."""
    if as_json:
        report = {
            "reportVersion": REPORT_VERSION,
            "changes": result.has_changes,
            "counts": {str(action): n for action, n in result.counts().items()},
            "objects": [item.to_json() for item in result.objects],
        }
        dump(report, "json")
    else:
        colour = use_color(sys.stdout)
        for item in result.objects:
            text = item.unified()
            if colour:
                text = "".join(_colour(line) + "\n" for line in text.splitlines())
            sys.stdout.write(text)
    counts = result.counts()
    action = kfkit.Action  # looked up here: printing --help does not load the object model
    words = ((action.CONFIGURE, "changed"), (action.CREATE, "new"), (action.UNCHANGED, "unchanged"))
    # only the live side has these: apply --prune deletes them; in another environment, absent
    gone = ((action.PRUNE, "would be pruned"), (action.DELETE, "removed"))
    parts = [f"{counts[a]} {w}" for a, w in words]
    parts += [f"{counts[a]} {w}" for a, w in gone if counts[a]]
    note(", ".join(parts))


def _colour(line: str) -> str:
    for prefix, colour in _COLOURS:
        if line.startswith(prefix):
            return typer.style(line, fg=colour, bold=prefix in ("+++", "---"))
    return line


def result_line(result: ObjectResult) -> str:
    """``Deployment my-ns/inception-v1 configured (dry run)``."""
    extras = [x for x in ("dry run" if result.dry_run else "", result.note) if x]
    return f"{result.object_id} {result.action.done}" + (f" ({'; '.join(extras)})" if extras else "")


REPORT_VERSION = 1
"""Of the ``-o json`` reports of diff, apply and delete (docs/output.md): bumped when a field
changes meaning or disappears; fields are only ever added."""


class Outcome:
    """What a run did, object by object: the callback the library reports each result to."""

    def __init__(self, *, lines: bool) -> None:
        self.results: list[ObjectResult] = []
        self.revision: Revision | None = None
        self._lines = lines

    def __call__(self, result: ObjectResult) -> None:
        self.results.append(result)
        if self._lines:
            sys.stdout.write(result_line(result) + "\n")


@contextmanager
def reporter(total: int, what: str, *, report: dict[str, Any] | None = None) -> Iterator[Outcome]:
    """Each result as a line on stdout (in the library's order, the same every run), or with
    ``report`` (``-o json``) that report on stdout at the end, results and any error in it.

    If the work fails midway (an object refused, ``--wait`` timed out), what was done is
    summed up before the error. Ctrl-C inside becomes :class:`Interrupted` saying how many
    objects were done: the commands are idempotent, so running the same one again converges.
    """
    outcome = Outcome(lines=report is None)
    error: KfkitError | None = None
    try:
        yield outcome
    except KfkitError as exc:
        error = exc
        if outcome.results:
            progress().stop()
            note(f"{summary(outcome.results, dry_run=outcome.results[0].dry_run)}; then:")
        raise
    except KeyboardInterrupt:
        error = Interrupted(
            f"interrupted while {what}: {len(outcome.results)} of {total} objects done (any in flight "
            "may have finished too); running the same command again converges"
        )
        raise error from None
    finally:
        if report is not None:
            failures = error.failures if isinstance(error, ObjectErrors) else []
            document = {
                "reportVersion": REPORT_VERSION,
                **report,
                "results": [r.to_json() for r in outcome.results],
                "recordedRevision": outcome.revision.number if outcome.revision else None,
                "error": str(error) if error else None,
                "failures": [{**f.object_id.to_json(), "error": str(f.error)} for f in failures],
            }
            dump(document, "json")


def summary(results: Sequence[ObjectResult], *, dry_run: bool = False) -> str:
    """``3 created, 1 unchanged`` (``(dry run)`` added), or ``nothing to do``."""
    counts = Counter(r.action.done for r in results)
    text = ", ".join(f"{n} {action}" for action, n in counts.items()) or "nothing to do"
    return text + (" (dry run)" if dry_run else "")


def need_consent(what: str, *, yes: bool, dry_run: bool) -> None:
    """A command that deletes needs --yes when there is no terminal to ask on.

    Checked before anything runs: ``echo y | kfkit apply --prune`` must not count as consent.
    """
    if not (yes or dry_run or sys.stdin.isatty()):
        raise UsageError(f"{what} deletes objects and there is no terminal to confirm on; pass --yes")


def confirm(question: str, *, skip: bool) -> None:
    """Ask on a terminal, unless told not to; without a terminal (CI) never ask, never hang."""
    if skip or not sys.stdin.isatty():
        return
    progress().stop()
    if not typer.confirm(question, default=False, err=True):
        note("aborted; nothing was changed")
        raise typer.Exit(1)


@contextmanager
def object_errors() -> Iterator[None]:
    """Each failed object on its own ``error:`` line; the CLI's handler then prints the summary."""
    try:
        yield
    except ObjectErrors as exc:
        for failure in exc.failures:
            note(f"error: {failure}")
        for namespace in sorted({m[1] for f in exc.failures if (m := _NO_NAMESPACE.search(str(f.error)))}):
            note(
                f'hint: namespace "{namespace}" does not exist on the cluster: `kfkit apply '
                f"--create-namespace` creates it, or add it to the app: "
                f"`kfkit generate namespace {namespace} --name={namespace}`"
            )
        raise


def check_before_apply(
    kf: App, env: str, objects: list[dict[str, Any]], components: tuple[str, ...], options: ValidateOptions
) -> None:
    """apply's offline validation: warnings and errors on stderr, and no apply on an error."""
    result = kf.validate_objects(objects, env, components=components, options=options)
    print_findings(result, sys.stderr)
    if not result.ok:
        summary = f"{finding_counts(result)}; nothing was applied (--no-validate skips this)"
        raise ValidationError(result.errors, summary)


def print_findings(result: ValidationResult, stream: TextIO) -> None:
    """One line per finding: ``error: component "c": Kind ns/name: path: reason``."""
    for text in result.notes:
        note(f"note: {text}")
    for finding in result.findings:
        stream.write(f"{finding.severity}: {finding}\n")


def finding_counts(result: ValidationResult) -> str:
    """``2 errors and 1 warning in 3 objects``."""
    errors, warnings = len(result.errors), len(result.warnings)
    return f"{count(errors, 'error')} and {count(warnings, 'warning')} in {count(result.objects, 'object')}"


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
