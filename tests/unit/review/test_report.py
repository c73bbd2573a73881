"""The review report's structure, masking and escaping, in HTML, Markdown and JSON."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from typing import Any

from kfkit._model import Action, ObjectId
from kfkit.deploy import DiffResult, SecretMask, Side, diff_sides
from kfkit.errors import Finding
from kfkit.params import ParamRow
from kfkit.review import Report, to_html, to_markdown
from kfkit.review._build import component_reviews
from kfkit.review._html import CSP
from tests.unit.review.support import (
    HOSTILE_APP,
    HOSTILE_NAME,
    HOSTILE_VALUE,
    REMOVED,
    SECRET_VALUE,
    Page,
    hostile_report,
)


def _by_name(report: Report) -> dict[str, Action | None]:
    return {o.object_id.name: o.action for o in report.objects}


def test_the_report_groups_objects_by_component_with_their_params() -> None:
    report = hostile_report()
    assert [c.name for c in report.components] == ["web"]
    assert _by_name(report) == {
        HOSTILE_NAME: Action.CONFIGURE,
        "creds": Action.CREATE,
        "same": Action.UNCHANGED,
        "gone": Action.DELETE,
        "legacy": None,
    }
    params = {p.name: (p.status, p.before) for p in report.components[0].params}
    assert params == {
        "image": ("changed", "nginx"),
        "replicas": ("added", None),
        "port": ("unchanged", 80),
        "legacy": ("removed", True),
    }
    counts = report.counts()
    assert (counts["create"], counts["configure"], counts["unchanged"], counts["delete"]) == (1, 1, 1, 1)
    # legacy's removed API is its refusal: one problem, counted once, as refused
    assert (counts["errors"], counts["warnings"], counts["removedApis"], counts["refused"]) == (0, 1, 0, 1)
    assert report.verdict() == (False, "kfkit apply would stop: 1 refused object.")
    assert report.exit_code == 1
    assert (report.to_json()["verdict"], report.to_json()["wouldApply"]) == (report.verdict()[1], False)
    changed = [o for o in report.objects if o.object_id.name == HOSTILE_NAME]
    fine = replace(report, components=[replace(report.components[0], objects=changed)])
    assert replace(fine, removed_apis=[]).verdict() == (True, "kfkit apply would: change 1.")
    assert replace(fine, removed_apis=[]).exit_code == 0  # changes are what a review is for
    assert replace(fine, removed_apis=[], findings=report.findings).exit_code == 0  # a warning only
    error = replace(report.findings[0], severity="error")
    assert replace(fine, removed_apis=[], findings=[error]).exit_code == 1


def test_html_is_self_contained_and_runs_nothing() -> None:
    html = to_html(hostile_report())
    page = Page.of(html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "link", "iframe", "object", "embed", "form", "base", "svg"}
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert links and all(href.startswith("#") for href in links)
    (policy,) = [
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy == CSP and "default-src 'none'" in policy
    assert "url(" not in html and "@import" not in html


def test_hostile_names_and_values_are_text_not_markup() -> None:
    html = to_html(hostile_report())
    text = Page.of(html).all_text()
    for hostile in (HOSTILE_NAME, HOSTILE_VALUE, HOSTILE_APP, "old <i>value</i>", "who=<me>"):
        assert hostile in text
    assert "<script>" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "&lt;script&gt;" in html


def test_every_object_has_a_permalink_and_ids_are_unique() -> None:
    report = hostile_report()
    page = Page.of(to_html(report))
    ids = page.ids()
    assert len(ids) == len(set(ids))
    links = {attrs["href"][1:] for tag, attrs in page.tags if tag == "a"}
    for obj in report.objects:
        assert obj.anchor in ids and obj.anchor in links
        assert re.fullmatch(r"[a-z0-9-]+", obj.anchor)
    assert set(links) <= set(ids)


def test_secret_values_are_masked_as_diff_masks_them() -> None:
    report = hostile_report()
    for text in (to_html(report), to_markdown(report), json.dumps(report.to_json())):
        assert SECRET_VALUE not in text and "plain-" not in text
    (secret,) = [o for o in report.objects if o.object_id.kind == "Secret"]
    hashes = set(re.findall(r"<secret sha256:[0-9a-f]{16}>", secret.rendered))
    assert len(hashes) == 2
    assert hashes == set(re.findall(r"<secret sha256:[0-9a-f]{16}>", secret.diff))  # one mask for both


def test_html_has_the_summary_the_diff_and_the_command() -> None:
    report = hostile_report()
    page = Page.of(to_html(report))
    text = page.all_text()
    assert "local:prod" in text and 'server https://127.0.0.1:6443, namespace "ns"' in text
    assert report.command in text
    assert "0123abc+dirty" in text
    (hostile,) = [o for o in report.objects if o.object_id.name == HOSTILE_NAME]
    changed = [line for line in hostile.diff.splitlines() if line.startswith(("+  key:", "-  key:"))]
    assert changed == ["-  key: old <i>value</i>", f"+  key: {HOSTILE_VALUE}"]
    assert all(line in text for line in changed)
    classes = {attrs.get("class") for _, attrs in page.tags}
    assert {"da", "dd", "dr", "yk", "ys"} <= classes  # highlighted: added, deleted, hunk, key, string


def test_markdown_keeps_hostile_text_inside_code() -> None:
    markdown = to_markdown(hostile_report())
    outside = re.sub(r"(`{3,})[a-z]*\n.*?\n\1", "", markdown, flags=re.S)  # fenced blocks
    outside = re.sub(r"(`+) ?.*? ?\1", "", outside)  # code spans
    tags = set(re.findall(r"</?([a-zA-Z]+)", outside))
    assert tags <= {"a", "details", "summary"}
    assert "kfkit apply dev -c web --ext-str 'who=<me>'" in markdown
    table_rows = [line for line in markdown.splitlines() if line.startswith("| `image`")]
    assert len(table_rows) == 1 and table_rows[0].count(" | ") == 4  # no cell split by the value


def test_markdown_drops_rendered_objects_to_fit_a_comment() -> None:
    report = hostile_report()
    full = to_markdown(report)
    short = to_markdown(report, limit=len(full) - 1)
    assert "<summary>Rendered object</summary>" in full
    assert "<summary>Rendered object</summary>" not in short
    assert "```diff" in short and "left out to fit" in short


def test_json_has_every_object_with_its_action_and_anchor() -> None:
    data: dict[str, Any] = hostile_report().to_json()
    json.dumps(data)
    (web,) = data["components"]
    assert {o["name"]: o["action"] for o in web["objects"]}[HOSTILE_NAME] == "configure"
    assert data["summary"]["configure"] == 1 and data["validated"] is True


def test_a_refused_object_is_shown_with_why_and_counted() -> None:
    legacy = {
        "apiVersion": "extensions/v1beta1",
        "kind": "Deployment",
        "metadata": {"name": HOSTILE_NAME, "labels": {"ksonnet.io/component": "web"}},
    }
    why = f"extensions/v1beta1 Deployment was removed in Kubernetes 1.16 <{HOSTILE_VALUE}>"
    components = component_reviews(
        DiffResult([]), [legacy], SecretMask(), [], None, {ObjectId.of(legacy): why}
    )
    report = replace(hostile_report(), components=components)
    (obj,) = report.objects
    assert (obj.action, obj.status, obj.refused, obj.diff) == (None, "refused", why, "")
    assert "kind: Deployment" in obj.rendered
    assert (report.counts()["refused"], report.counts()["create"]) == (1, 0)
    assert (1, "refused: apply would stop", "error") in report.headline()
    page = Page.of(to_html(report))
    assert f"kfkit apply would stop here: {why}" in page.all_text()
    assert {"badge b-refused", "refused"} <= {attrs.get("class") for _, attrs in page.tags}
    assert "<script>" not in to_html(report)
    assert "**kfkit apply would stop here:**" in to_markdown(report)
    data: dict[str, Any] = report.to_json()
    (web,) = data["components"]
    assert (web["objects"][0]["action"], web["objects"][0]["refused"]) == ("refused", why)


def test_the_summary_says_what_checked_the_objects() -> None:
    report = hostile_report()
    assert "offline against the schemas of Kubernetes 1.34" in report.checks()
    assert "no API server dry-ran them" in report.checks()
    server = replace(report, server_validated=True)
    assert "and by the target API server's dry run" in server.checks()
    assert "Validation did not run" in replace(report, validated=False).checks()
    data: dict[str, Any] = server.to_json()
    assert (data["reportVersion"], data["k8sVersion"], data["serverValidated"]) == (1, "1.34", True)
    assert set(data["summary"]) == {
        "create",
        "configure",
        "prune",
        "delete",
        "unchanged",
        "refused",
        "errors",
        "warnings",
        "removedApis",
    }


def test_a_param_that_became_a_secret_value_is_masked_as_the_diff_masks_it() -> None:
    data = base64.b64encode(b"s3cr3t").decode()
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "labels": {"ksonnet.io/component": "db"}},
        "data": {"password": data},
        "stringData": {"token": "t0ken"},
    }
    mask = SecretMask()
    diff = diff_sides(Side("local:dev", [secret], "ns"), Side("local:prod", [], "ns"), mask=mask)
    rows = [
        ParamRow("db", "password", "s3cr3t", "components/params.libsonnet"),
        ParamRow("db", "token", "t0ken", "components/params.libsonnet"),
        ParamRow("db", "user", "admin", "components/params.libsonnet"),
    ]
    other = {"db": {"password": "old-s3cr3t", "token": "t0ken", "user": "root"}}
    (db,) = component_reviews(diff, [secret], mask, rows, other)
    params = {p.name: p for p in db.params}
    assert params["password"].shown() == (
        mask.hash(data),
        mask.hash(base64.b64encode(b"old-s3cr3t").decode()),
    )
    assert params["password"].status == "changed" and params["token"].status == "unchanged"
    assert params["token"].shown() == (mask.hash("t0ken"), "")
    assert params["user"].shown() == ('"admin"', '"root"')  # not a Secret value: shown
    report = replace(hostile_report(), components=[db])
    for text in (to_html(report), to_markdown(report), json.dumps(report.to_json())):
        assert "s3cr3t" not in text and "t0ken" not in text
        assert mask.hash(data) in text.replace("&lt;", "<").replace("&gt;", ">")  # as in the diff


def test_an_objects_findings_are_shown_with_it_and_its_refusal_once() -> None:
    report = hostile_report()
    by_name = {o.object_id.name: o for o in report.objects}
    assert [f.severity for f in report.findings_of(by_name[HOSTILE_NAME])] == ["warning"]
    assert report.findings_of(by_name["legacy"]) == []  # its refusal says it
    html = to_html(report)
    article = html[html.index(f'id="{by_name[HOSTILE_NAME].anchor}"') :]
    assert "is bad" in Page.of(article[: article.index("</article>")]).all_text()
    assert html.count(REMOVED) == 1  # as the refusal, not again in the findings table or with it
    assert to_markdown(report).count(REMOVED.replace(".", "\\.")) == 1  # prose: Markdown-escaped


def test_each_problem_counts_once_in_the_verdict_json_and_summaries() -> None:
    """A refusal that is also a finding (the server's dry run, a removed API) is one problem;
    another finding about the refused object, or a removed API nothing refused, is one more."""
    report = hostile_report()
    legacy = next(o.object_id for o in report.objects if o.object_id.name == "legacy")
    other_error = Finding("spec.replicas: expected integer", legacy, "spec.replicas", code="type")
    report = replace(report, findings=[*report.findings, other_error])
    verdict = "kfkit apply would stop: 1 refused object, 1 validation error."
    assert report.verdict() == (False, verdict)
    data: dict[str, Any] = report.to_json()
    assert (data["verdict"], data["summary"]["refused"]) == (verdict, 1)
    assert (data["summary"]["errors"], data["summary"]["removedApis"]) == (1, 0)
    assert [f["refusal"] for f in data["removedApis"]] == [True]  # listed, flagged as counted in refused
    assert [f["refusal"] for f in data["findings"]] == [False, False]
    markdown = to_markdown(report)
    assert f"**{verdict.replace('.', chr(92) + '.')}**" in markdown
    assert (
        "**1** refused: apply would stop · **1** validation errors · **1** warnings · **0** removed APIs"
        in markdown
    )
    page = Page.of(to_html(report)).all_text()
    assert verdict in page and "1refused: apply would stop1validation errors1warnings0removed APIs" in page

    unrefused = replace(report, components=[replace(c, objects=[]) for c in report.components], findings=[])
    assert unrefused.verdict() == (False, "kfkit apply would stop: 1 removed API.")  # against local:prod
    unrefused_json: dict[str, Any] = unrefused.to_json()
    assert unrefused_json["summary"]["removedApis"] == 1
