"""The review report as GitHub-flavoured Markdown, for a pull-request comment.

Names and values go into code spans and fenced blocks whose backtick runs are longer
than any in the text; prose is HTML-escaped and its Markdown punctuation backslashed, so
neither a ``<script>`` nor a stray ``|`` or backtick changes the comment's structure.
"""

from __future__ import annotations

import re
from html import escape

from kfkit.errors import Finding
from kfkit.review._model import ComponentReview, ObjectReview, ParamReview, Report

__all__ = ["COMMENT_LIMIT", "to_markdown"]

COMMENT_LIMIT = 65_536
"""GitHub's limit on a comment; beyond it, the rendered objects are left out (the diffs stay)."""

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _text(value: object) -> str:
    """Prose: HTML-escaped, Markdown punctuation backslashed, on one line."""
    return _PUNCTUATION.sub(r"\\\1", escape(" ".join(str(value).split()), quote=False))


def _code(value: object, *, cell: bool = False) -> str:
    """An inline code span that holds ``value`` exactly (``|`` escaped inside table cells)."""
    text = " ".join(str(value).splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    span = f"{fence}{pad}{text}{pad}{fence}" if text else ""
    return span.replace("|", "\\|") if cell else span


def _block(text: str, lang: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def to_markdown(report: Report, *, limit: int = COMMENT_LIMIT) -> str:
    """The report as Markdown; without rendered objects if it would not fit in ``limit`` chars."""
    full = _document(report, rendered=True)
    if len(full) <= limit:
        return full
    return _document(report, rendered=False)


def _document(report: Report, *, rendered: bool) -> str:
    summary = [f"**{count}** {label}" for count, label, _ in report.headline()]
    lines = [
        f"## kfkit review: environment {_code(report.env)} of app {_code(report.app)}",
        "",
        "| | |",
        "|---|---|",
        f"| Target cluster | {_code(report.target, cell=True)} |",
        f"| Compared with | {_code(report.against, cell=True)} |",
        f"| Git commit | {_code(report.commit, cell=True) if report.commit else 'not in git'} |",
        f"| Generated | {_code(report.generated, cell=True)} "
        f"by kfkit {_code(report.kfkit_version, cell=True)} |",
        "",
        f"**{_text(report.verdict()[1])}**",
        "",
        " · ".join(summary),
        "",
        _text(report.checks()),
        "",
    ]
    findings = report.listed_findings()
    if findings:
        lines += [_finding(f) for f in findings] + [""]
    lines += ["To apply exactly this:", "", _block(report.command, "sh"), ""]
    lines += _contents(report)
    if not rendered:
        lines += ["_Rendered objects are left out to fit a comment; the diffs are complete._", ""]
    for component in report.components:
        lines += _component(component, report, rendered=rendered)
    return "\n".join(lines).rstrip() + "\n"


def _contents(report: Report) -> list[str]:
    """One line per object, linking to its section: the overview a reviewer reads first."""
    rows = ["| Component | Object | Action | Lines |", "|---|---|---|---|"]
    for component in report.components:
        for obj in component.objects:
            added, removed = obj.changed_lines()
            link = f"[{_code(obj.object_id, cell=True)}](#{obj.anchor})"
            lines = f"+{added} -{removed}" if obj.diff else ""
            rows.append(f"| {_code(component.name, cell=True)} | {link} | {obj.status} | {lines} |")
    return [*rows, ""] if len(rows) > 2 else []


def _finding(finding: Finding) -> str:
    where = f"{_code(finding.object_id)} " if finding.object_id else ""
    field = f"{_code(finding.field)}: " if finding.field else ""
    return f"- **{finding.severity}** {where}{field}{_text(finding.message)}"


def _component(component: ComponentReview, report: Report, *, rendered: bool) -> list[str]:
    title = f"component {_code(component.name)}" if component.name else "objects of no component"
    lines = [f"### {title}", ""]
    head = [
        f"| Param | Value | Source | Versus {_code(report.against, cell=True)} | Before |",
        "|---|---|---|---|---|",
    ]
    differ = [p for p in component.params if p.status != "unchanged"]
    same = [p for p in component.params if p.status == "unchanged"]
    if differ:
        lines += [*head, *map(_param, differ), ""]
    if same:
        lines += _details(f"{len(same)} unchanged params", "\n".join([*head, *map(_param, same)]))
    for obj in component.objects:
        lines += _object(obj, report, rendered=rendered)
    return lines


def _param(param: ParamReview) -> str:
    value, before = param.shown()
    cells = [
        _code(param.name, cell=True),
        _code(value, cell=True),
        _code(param.source, cell=True),
        param.status,
        _code(before, cell=True),
    ]
    return "| " + " | ".join(cells) + " |"


def _object(obj: ObjectReview, report: Report, *, rendered: bool) -> list[str]:
    lines = [
        f'<a id="{obj.anchor}"></a>',
        f"#### {_code(obj.object_id)} {obj.status}",
        "",
    ]
    if obj.refused:
        lines += [f"**kfkit apply would stop here:** {_text(obj.refused)}", ""]
    findings = report.findings_of(obj)
    if findings:
        lines += [*map(_finding, findings), ""]
    if obj.diff:
        lines += _details("Diff", _block(obj.diff, "diff"), is_open=True)
    if rendered and obj.rendered:
        lines += _details("Rendered object", _block(obj.rendered, "yaml"))
    return lines


def _details(title: str, block: str, *, is_open: bool = False) -> list[str]:
    return [
        f"<details{' open' if is_open else ''}><summary>{title}</summary>",
        "",
        block,
        "",
        "</details>",
        "",
    ]
