"""Formatting of command results: ksonnet-style tables, JSON or YAML lists, messages on stderr.

Only the CLI prints; stdout carries data (YAML, JSON, tables) so it can be piped.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kfkit.errors import KfkitWarning, UsageError

__all__ = [
    "OUTPUT_FORMATS",
    "check_output",
    "dump",
    "emit",
    "emit_data",
    "note",
    "table",
    "warnings_as_notes",
]

OUTPUT_FORMATS = ("table", "json", "yaml")
"""``-o`` of every list command; json and yaml hold the same document."""


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """ksonnet's table: upper-case header, ``=`` under each header word, columns padded."""
    cells = [[h.upper() for h in header], ["=" * len(h) for h in header], *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "".join(
        " ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in cells
    )


def check_output(output: str) -> None:
    """A usage error unless ``output`` is one of OUTPUT_FORMATS (checked before any work)."""
    if output not in OUTPUT_FORMATS:
        raise UsageError(f"unknown output format {output!r}; use {', '.join(OUTPUT_FORMATS)}")


def emit(kind: str, header: Sequence[str], rows: Sequence[Sequence[str]], output: str) -> None:
    """Print rows as a table, or as ksonnet's ``{"kind": …, "data": […]}`` in JSON or YAML."""
    check_output(output)
    if output == "table":
        sys.stdout.write(table(header, rows))
    else:
        emit_data(kind, [dict(zip([h.lower() for h in header], row, strict=True)) for row in rows], output)


def emit_data(kind: str, data: object, output: str) -> None:
    """``{"kind": kind, "data": data}`` as JSON (ksonnet's tab-indented shape) or YAML."""
    dump({"kind": kind, "data": data}, output, indent="\t")


def dump(document: object, output: str, *, indent: str | int = 2) -> None:
    """A document on stdout as JSON (sorted keys) or YAML (ksonnet's look, sorted keys)."""
    if output == "yaml":
        from kfkit.manifests import yaml_document  # lazy: most list runs print tables

        sys.stdout.write(yaml_document(document))
    else:
        sys.stdout.write(json.dumps(document, indent=indent, sort_keys=True) + "\n")


def note(message: str) -> None:
    """A progress or result message for people: stderr, never mixed into the data."""
    sys.stderr.write(message + "\n")


@contextmanager
def warnings_as_notes() -> Iterator[None]:
    """The library's KfkitWarnings print as ``warning: …`` on stderr, each text once."""
    shown: set[str] = set()
    original = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, KfkitWarning):
            original(message, category, *args, **kwargs)
        elif str(message) not in shown:
            shown.add(str(message))
            note(f"warning: {message}")

    with warnings.catch_warnings():
        warnings.simplefilter("always", KfkitWarning)
        warnings.showwarning = show
        yield
