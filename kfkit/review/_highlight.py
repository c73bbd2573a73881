"""Syntax highlighting of YAML and unified diffs as HTML spans: every piece of text escaped.

Small on purpose: the report highlights only what kfkit itself writes (sorted, block-style
YAML from :func:`kfkit.manifests.yaml_document` and difflib's unified diffs), so a line
regex is enough and no highlighter library has to be trusted with hostile text.
"""

from __future__ import annotations

import re
from html import escape

__all__ = ["diff_html", "yaml_html"]

_KEY_LINE = re.compile(r"^(\s*(?:- )*)((?:'[^']*'|\"[^\"]*\"|[^\s#'\"][^:]*?)):(?= |$)(.*)$")
_ITEM_LINE = re.compile(r"^(\s*(?:- )+)(.*)$")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_CONSTANTS = {"true", "false", "null", "~"}
_DIFF_CLASSES = (("+++", "dh"), ("---", "dh"), ("@@", "dr"), ("+", "da"), ("-", "dd"))


def _span(cls: str, text: str) -> str:
    return f'<span class="{cls}">{escape(text)}</span>' if text else ""


def _scalar(text: str) -> str:
    """A value after ``key:`` or ``- ``, with its leading space kept."""
    value = text.strip()
    if not value:
        return escape(text)
    lead = escape(text[: len(text) - len(text.lstrip())])
    if value in _CONSTANTS:
        return lead + _span("yc", value)
    if _NUMBER.fullmatch(value):
        return lead + _span("yn", value)
    if value in ("|", "|-", ">", "{}", "[]"):
        return lead + _span("yp", value)
    return lead + _span("ys", value)


def _yaml_line(line: str) -> str:
    if match := _KEY_LINE.match(line):
        indent, key, rest = match.groups()
        return escape(indent) + _span("yk", key) + _span("yp", ":") + _scalar(rest)
    if match := _ITEM_LINE.match(line):
        indent, rest = match.groups()
        return escape(indent) + _scalar(rest)
    return escape(line)  # continuation of a block scalar


def yaml_html(text: str) -> str:
    """YAML as HTML with keys, strings, numbers and constants in their own spans."""
    return "\n".join(_yaml_line(line) for line in text.splitlines())


def diff_html(text: str) -> str:
    """A unified diff as HTML: one span per line classed by its kind, YAML highlighted inside."""
    lines = []
    for line in text.splitlines():
        cls = next((c for prefix, c in _DIFF_CLASSES if line.startswith(prefix)), "dc")
        body = escape(line) if cls in ("dh", "dr") else escape(line[:1]) + _yaml_line(line[1:])
        lines.append(f'<span class="{cls}">{body}</span>')
    return "\n".join(lines)
