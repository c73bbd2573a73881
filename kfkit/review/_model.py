"""What a review report says, as plain data: the HTML, Markdown and JSON writers only format it.

:func:`kfkit.App.review` fills a :class:`Report` from the library's own results (the
diff, the params with their sources, validation findings); nothing here talks to a
cluster or evaluates Jsonnet.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kfkit._model import Action, ObjectId
from kfkit._types import JsonValue
from kfkit.errors import Finding

__all__ = [
    "REPORT_VERSION",
    "ComponentReview",
    "ObjectReview",
    "ParamReview",
    "Report",
    "anchor_of",
    "component_anchor",
]

REPORT_VERSION = 1
"""Of :meth:`Report.to_json`; bumped only when a field changes meaning or disappears."""

_NOT_A_SLUG = re.compile(r"[^a-z0-9]+")
_HEADLINE = (
    (Action.CREATE, "to create"),
    (Action.CONFIGURE, "to change"),
    (Action.PRUNE, "to prune"),
    (Action.DELETE, "only on the other side"),
    (Action.UNCHANGED, "unchanged"),
)
_ALWAYS = (Action.CREATE, Action.CONFIGURE, Action.PRUNE, Action.UNCHANGED)
"""Shown even at zero; DELETE only appears in comparisons of two environments."""
_SUMMARY_KEYS = (
    *(str(a) for a, _ in _HEADLINE),
    "refused",
    "errors",
    "warnings",
    "removedApis",
)


def _anchor(readable: str, identity: str) -> str:
    slug = _NOT_A_SLUG.sub("-", readable.lower()).strip("-")[:60]
    return f"{slug}-{hashlib.sha256(identity.encode()).hexdigest()[:6]}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def anchor_of(object_id: ObjectId) -> str:
    """A stable, unique, URL-safe id: ``deployment-my-ns-web-3f2a9c`` (hashed, so odd names stay unique)."""
    oid = object_id
    return _anchor(
        f"{oid.kind} {oid.namespace} {oid.name}", f"{oid.group}/{oid.kind}/{oid.namespace}/{oid.name}"
    )


def component_anchor(name: str) -> str:
    """``component-model-server-1a2b3c``."""
    return "component-" + _anchor(name, name)


@dataclass(frozen=True)
class ParamReview:
    """One param of a component: its value here, the file it comes from, its value on the other side."""

    name: str
    value: Any
    source: str
    before: Any = None
    status: str = "unchanged"
    """``unchanged``, ``changed``, ``added`` (the other side lacks it), ``removed`` (only there),
    or ``unknown`` (the other side's params are not known, e.g. no history)."""
    secret: bool = False
    """The value became a Secret value: ``value`` and ``before`` are the diff's masks of it."""

    def shown(self) -> tuple[str, str]:
        """(value, before) as the reports show them: compact JSON (so ``"1"`` and ``1`` differ),
        ``(absent)``, or ``""`` for a before that says nothing (unchanged, unknown)."""
        shown = str if self.secret else _compact  # a mask is no JSON string
        value = "(absent)" if self.status == "removed" else shown(self.value)
        before = {"added": "(absent)", "unchanged": "", "unknown": ""}.get(self.status)
        return value, shown(self.before) if before is None else before

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "name": self.name,
            "value": self.value,
            "source": self.source,
            "before": self.before,
            "status": self.status,
            "secret": self.secret,
        }


@dataclass(frozen=True)
class ObjectReview:
    """One object: what applying does to it, its rendered YAML and its diff (Secrets masked)."""

    object_id: ObjectId
    action: Action | None
    """None: applying it would be refused (:attr:`refused` says why), so the server said nothing more."""
    rendered: str = ""
    """YAML of the rendered object; empty for one only the other side has."""
    diff: str = ""
    """Unified diff, other side → this side; empty when unchanged."""
    refused: str = ""
    """Why the server (or apply's pre-flight) refuses it: a removed API, an invalid field, an owner."""

    @property
    def anchor(self) -> str:
        return anchor_of(self.object_id)

    @property
    def status(self) -> str:
        """The action's name, or ``refused``: how the summary counts it and its badge reads."""
        return "refused" if self.action is None else str(self.action)

    def changed_lines(self) -> tuple[int, int]:
        """How many lines the diff adds and removes (its two header lines not counted)."""
        lines = self.diff.splitlines()[2:]
        return sum(line.startswith("+") for line in lines), sum(line.startswith("-") for line in lines)

    def to_json(self) -> dict[str, JsonValue]:
        return {
            **self.object_id.to_json(),
            "action": self.status,
            "refused": self.refused,
            "anchor": self.anchor,
            "rendered": self.rendered,
            "diff": self.diff,
        }


@dataclass(frozen=True)
class ComponentReview:
    """A component's params and objects; objects without a component come under ``""``."""

    name: str
    params: list[ParamReview] = field(default_factory=list)
    objects: list[ObjectReview] = field(default_factory=list)

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "name": self.name,
            "params": [p.to_json() for p in self.params],
            "objects": [o.to_json() for o in self.objects],
        }


@dataclass(frozen=True)
class Report:
    """Everything a reviewer needs to approve (or not) applying an environment."""

    app: str
    env: str
    target: str
    """The cluster: server, namespace, and the kubeconfig context when connected."""
    against: str
    """What the render is compared with: ``remote:ENV`` (the cluster) or ``local:ENV``."""
    command: str
    """The exact ``kfkit apply`` command that applies what this report shows."""
    generated: str
    kfkit_version: str
    commit: str = ""
    components: list[ComponentReview] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Validation errors and warnings."""
    removed_apis: list[Finding] = field(default_factory=list)
    validated: bool = False
    """Whether validation ran (False: the findings are not known, not absent)."""
    k8s_version: str = ""
    """The Kubernetes version whose schemas the objects were checked against offline."""
    server_validated: bool = False
    """Whether the target's API server dry-ran every object as apply would (against a cluster)."""
    crds_from: str = ""
    """The cluster whose CRDs custom resources were also checked against: the environment's own
    (it is the one the review is for), described as ``target`` is; empty when none was asked."""
    crds_unread: str = ""
    """Why the environment's cluster was not asked for CRDs although the review read a cluster."""

    @property
    def objects(self) -> list[ObjectReview]:
        return [o for c in self.components for o in c.objects]

    def anchor_for(self, object_id: ObjectId | None) -> str | None:
        """The anchor of the report's object that ``object_id`` names, if any.

        A finding about a rendered object may lack the namespace the environment gives it:
        then a unique match by group, kind and name counts.
        """
        if object_id is None:
            return None
        exact = [o.anchor for o in self.objects if o.object_id == object_id]
        if exact or object_id.namespace:
            return exact[0] if exact else None
        oid = object_id
        loose = [
            o.anchor
            for o in self.objects
            if (o.object_id.group, o.object_id.kind, o.object_id.name) == (oid.group, oid.kind, oid.name)
        ]
        return loose[0] if len(loose) == 1 else None

    def findings_of(self, obj: ObjectReview) -> list[Finding]:
        """The findings about ``obj``, shown with it too (its refusal aside: that is said already)."""
        return [
            f
            for f in (*self.removed_apis, *self.findings)
            if f.message != obj.refused and self.anchor_for(f.object_id) == obj.anchor
        ]

    def refusals(self) -> list[Finding]:
        """The findings that are a refused object's own refusal (the server's dry run, a removed
        API): the object says and counts them, so the summary never counts one problem twice."""
        refused = {(o.anchor, o.refused) for o in self.objects if o.refused}
        return [
            f
            for f in (*self.removed_apis, *self.findings)
            if refused and (self.anchor_for(f.object_id), f.message) in refused
        ]

    def listed_findings(self) -> list[Finding]:
        """The removed APIs and findings the summary lists: all but :meth:`refusals`."""
        refusals = self.refusals()
        return [f for f in (*self.removed_apis, *self.findings) if f not in refusals]

    def counts(self) -> Counter[str]:
        """Objects per :attr:`ObjectReview.status`, ``errors``/``warnings`` (findings), ``removedApis``.

        Each problem counts once: a refused object under ``refused``, and the finding that is
        its refusal (:meth:`refusals`) nowhere else.
        """
        counts: Counter[str] = Counter(o.status for o in self.objects)
        refusals = self.refusals()
        counts["errors"] = sum(f.severity == "error" and f not in refusals for f in self.findings)
        counts["warnings"] = sum(f.severity == "warning" for f in self.findings)
        counts["removedApis"] = sum(f not in refusals for f in self.removed_apis)
        return counts

    def headline(self) -> list[tuple[int, str, str]]:
        """The summary both formats show, in order: (count, label, severity class)."""
        counts = self.counts()
        items = [(counts[str(a)], label, "") for a, label in _HEADLINE if counts[str(a)] or a in _ALWAYS]
        if counts["refused"]:
            items.append((counts["refused"], "refused: apply would stop", "error"))
        if self.validated:
            items.append((counts["errors"], "validation errors", "error" if counts["errors"] else ""))
            items.append((counts["warnings"], "warnings", "warning" if counts["warnings"] else ""))
        items.append((counts["removedApis"], "removed APIs", "error" if counts["removedApis"] else ""))
        return items

    def verdict(self) -> tuple[bool, str]:
        """(whether ``kfkit apply`` would go ahead, what it would do or why it would stop)."""
        counts = self.counts()
        stops = [
            f"{counts[key]} {noun}{'' if counts[key] == 1 else 's'}"
            for key, noun in (
                ("refused", "refused object"),
                ("removedApis", "removed API"),
                ("errors", "validation error"),
            )
            if counts[key]
        ]
        if stops:
            return False, f"kfkit apply would stop: {', '.join(stops)}."
        verbs = ((Action.CREATE, "create"), (Action.CONFIGURE, "change"), (Action.PRUNE, "prune"))
        does = [f"{verb} {counts[str(a)]}" for a, verb in verbs if counts[str(a)]]
        if not does:
            return True, "kfkit apply would change nothing."
        return True, f"kfkit apply would: {', '.join(does)}."

    @property
    def exit_code(self) -> int:
        """1 when :meth:`verdict` says ``kfkit apply`` would stop, else 0 (changes or not).

        As ``kfkit validate``, which exits 1 on an error: CI can gate on a review. Pending
        changes are what a review is for, so they are no failure (``kfkit diff`` exits 10).
        """
        return 0 if self.verdict()[0] else 1

    def checks(self) -> str:
        """What checked the objects, in a sentence (or that nothing did)."""
        if not self.validated:
            return "Validation did not run for this report."
        offline = f"Checked offline against the schemas of Kubernetes {self.k8s_version}"
        if self.crds_from:
            offline += f", custom resources also against the CRDs of the cluster at {self.crds_from},"
        if self.server_validated:
            checked = f"{offline} and by the target API server's dry run, as kfkit apply would send them."
        else:
            checked = (
                f"{offline}; no API server dry-ran them (the other side is not this environment's cluster)."
            )
        if self.crds_unread:
            checked += f" The environment's cluster was not asked for CRDs: {self.crds_unread}."
        return checked

    def to_html(self) -> str:
        """One self-contained HTML file (see :func:`kfkit.review.to_html`)."""
        from kfkit.review._html import to_html  # it formats this class

        return to_html(self)

    def to_markdown(self) -> str:
        """Markdown for a pull-request comment (see :func:`kfkit.review.to_markdown`)."""
        from kfkit.review._markdown import to_markdown  # it formats this class

        return to_markdown(self)

    def to_json(self) -> dict[str, JsonValue]:
        refusals = self.refusals()

        def finding(f: Finding) -> dict[str, JsonValue]:
            oid = f.object_id or ObjectId("", "", "", "")
            return {
                "severity": f.severity,
                "code": f.code,
                **oid.to_json(),
                "object": str(f.object_id or ""),
                "field": f.field,
                "message": f.message,
                "refusal": f in refusals,
            }

        counts = self.counts()
        applies, verdict = self.verdict()
        return {
            "app": self.app,
            "env": self.env,
            "target": self.target,
            "against": self.against,
            "command": self.command,
            "generated": self.generated,
            "kfkitVersion": self.kfkit_version,
            "commit": self.commit,
            "reportVersion": REPORT_VERSION,
            "summary": {key: counts[key] for key in _SUMMARY_KEYS},
            "verdict": verdict,
            "wouldApply": applies,
            "validated": self.validated,
            "k8sVersion": self.k8s_version,
            "serverValidated": self.server_validated,
            "crdsFrom": self.crds_from,
            "crdsUnread": self.crds_unread,
            "findings": [finding(f) for f in self.findings],
            "removedApis": [finding(f) for f in self.removed_apis],
            "components": [c.to_json() for c in self.components],
        }
