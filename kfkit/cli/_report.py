"""How the cluster commands show their results: diff text, result lines, summaries, progress.

Diffs and per-object result lines are the commands' output (stdout); the target, plans,
summaries and prompts are for the person watching (stderr), like the progress display
(:mod:`kfkit.cli._progress`).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

import typer

from kfkit import Action, ObjectErrors, ValidationError
from kfkit.cli._output import note
from kfkit.cli._progress import progress
from kfkit.cli._state import use_color
from kfkit.errors import Interrupted, KfkitError, UsageError

if TYPE_CHECKING:
    from kfkit import App, DiffResult, ObjectResult, ValidationResult

__all__ = [
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

_DIFF_WORDS = ((Action.CONFIGURE, "changed"), (Action.CREATE, "new"), (Action.UNCHANGED, "unchanged"))
"""How diff summaries count objects (ksonnet's words)."""
_GONE_WORDS = ((Action.PRUNE, "would be pruned"), (Action.DELETE, "removed"))
"""Objects only the live side has: apply --prune deletes them; in another environment, absent."""
_COLOURS = (
    ("+++", "bright_white"),
    ("---", "bright_white"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
)


def print_diff(result: DiffResult) -> None:
    """Each differing object's unified diff on stdout (coloured as --color says), a summary on stderr."""
    colour = use_color(sys.stdout)
    for item in result.objects:
        text = item.unified()
        if colour:
            text = "".join(_colour(line) + "\n" for line in text.splitlines())
        sys.stdout.write(text)
    counts = result.counts()
    parts = [f"{counts[action]} {word}" for action, word in _DIFF_WORDS]
    parts += [f"{counts[action]} {word}" for action, word in _GONE_WORDS if counts[action]]
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


@contextmanager
def reporter(total: int, what: str) -> Iterator[Callable[[ObjectResult], None]]:
    """A callback printing each result line (in the library's order, which is the same every run).

    If the work then fails (an object refused, ``--wait`` timed out), what was done is
    summed up before the error. Ctrl-C inside becomes :class:`Interrupted` saying how many
    objects were done: the commands are idempotent, so running the same one again converges.
    """
    results: list[ObjectResult] = []

    def line(result: ObjectResult) -> None:
        results.append(result)
        sys.stdout.write(result_line(result) + "\n")

    try:
        yield line
    except KfkitError:
        if results:
            progress().stop()
            note(f"{summary(results, dry_run=results[0].dry_run)}; then:")
        raise
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted while {what}: {len(results)} of {total} objects done (any in flight may have "
            "finished too); running the same command again converges"
        ) from None


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
        raise


def check_before_apply(kf: App, env: str, objects: list[dict[str, Any]], components: tuple[str, ...]) -> None:
    """apply's offline validation: warnings and errors on stderr, and no apply on an error."""
    result = kf.validate_objects(objects, env, components=components)
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
