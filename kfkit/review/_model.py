"""What a review report says, as plain data: the HTML, Markdown and JSON writers only format it.

:func:`kfkit.App.review` fills a :class:`Report` from the library's own results (the
diff, the params with their sources, validation findings); nothing here talks to a
cluster or evaluates Jsonnet.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kfkit._model import Action, ObjectId
from kfkit._types import JsonValue
from kfkit.errors import Finding

__all__ = ["ComponentReview", "ObjectReview", "ParamReview", "Report", "anchor_of", "component_anchor"]

_NOT_A_SLUG = re.compile(r"[^a-z0-9]+")


def _anchor(readable: str, identity: str) -> str:
    slug = _NOT_A_SLUG.sub("-", readable.lower()).strip("-")[:60]
    return f"{slug}-{hashlib.sha256(identity.encode()).hexdigest()[:6]}"


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

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "name": self.name,
            "value": self.value,
            "source": self.source,
            "before": self.before,
            "status": self.status,
        }


@dataclass(frozen=True)
class ObjectReview:
    """One object: what applying does to it, its rendered YAML and its diff (Secrets masked)."""

    object_id: ObjectId
    action: Action
    rendered: str = ""
    """YAML of the rendered object; empty for one only the other side has."""
    diff: str = ""
    """Unified diff, other side → this side; empty when unchanged."""

    @property
    def anchor(self) -> str:
        return anchor_of(self.object_id)

    def to_json(self) -> dict[str, JsonValue]:
        return {
            **self.object_id.to_json(),
            "action": str(self.action),
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

    def counts(self) -> Counter[str]:
        """Objects per action, plus ``errors``/``warnings`` (findings) and ``removed APIs``."""
        counts: Counter[str] = Counter(str(o.action) for o in self.objects)
        counts["errors"] = sum(f.severity == "error" for f in self.findings)
        counts["warnings"] = sum(f.severity == "warning" for f in self.findings)
        counts["removed APIs"] = len(self.removed_apis)
        return counts

    def to_html(self) -> str:
        """One self-contained HTML file (see :func:`kfkit.review.to_html`)."""
        from kfkit.review._html import to_html  # it formats this class

        return to_html(self)

    def to_markdown(self) -> str:
        """Markdown for a pull-request comment (see :func:`kfkit.review.to_markdown`)."""
        from kfkit.review._markdown import to_markdown  # it formats this class

        return to_markdown(self)

    def to_json(self) -> dict[str, JsonValue]:
        def finding(f: Finding) -> dict[str, JsonValue]:
            return {
                "severity": f.severity,
                "object": str(f.object_id) if f.object_id else "",
                "field": f.field,
                "message": f.message,
            }

        return {
            "app": self.app,
            "env": self.env,
            "target": self.target,
            "against": self.against,
            "command": self.command,
            "generated": self.generated,
            "kfkitVersion": self.kfkit_version,
            "commit": self.commit,
            "summary": dict(self.counts()),
            "validated": self.validated,
            "findings": [finding(f) for f in self.findings],
            "removedApis": [finding(f) for f in self.removed_apis],
            "components": [c.to_json() for c in self.components],
        }
