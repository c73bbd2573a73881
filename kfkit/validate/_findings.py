"""Findings (:class:`kfkit.errors.Finding`) of a whole validation run, and their codes.

A finding names the component, the object, the JSON path in it and the reason, so the
CLI prints one line per finding and ``-o json`` (see :meth:`ValidationResult.to_dict`,
documented in docs/validate.md) is stable for machines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from kfkit._model import ObjectId
from kfkit.errors import Finding

__all__ = ["REPORT_VERSION", "Code", "Severity", "ValidationResult", "finding"]

REPORT_VERSION = 1
"""Bumped only when a field of the JSON report changes meaning or disappears."""

Severity = Literal["error", "warning"]


class Code(StrEnum):
    """Why a finding was made; stable names for machines (``-o json``)."""

    UNKNOWN_FIELD = "unknown-field"
    REQUIRED = "required"
    TYPE = "type"
    ENUM = "enum"
    FORMAT = "format"
    """Quantity, label, name or port-name syntax."""
    INVALID = "invalid"
    """Any other schema rule (lengths, bounds, …)."""
    REMOVED_API = "removed-api"
    DEPRECATED_API = "deprecated-api"
    UNKNOWN_KIND = "unknown-kind"
    NOT_CHECKED = "not-checked"
    """No schema anywhere for a custom resource: it was not checked, never silently passed."""
    SERVER = "server"
    """The API server's strict dry run refused the object."""
    SERVER_SKIPPED = "server-skipped"
    """The server could not dry-run it yet (it needs a Namespace or CRD of the same render)."""
    DUPLICATE = "duplicate-object"
    """Two components render the same object (a warning: ``apply`` refuses it)."""


def finding(severity: Severity, code: Code, object_id: ObjectId, path: str, message: str) -> Finding:
    return Finding(message, object_id=object_id, field=path, severity=severity, code=code)


def _to_dict(finding: Finding) -> dict[str, Any]:
    oid = finding.object_id or ObjectId("", "", "", "")
    return {
        "severity": finding.severity,
        "code": str(finding.code),
        "component": oid.component,
        "object": {
            "apiVersion": oid.api_version,
            "kind": oid.kind,
            "namespace": oid.namespace,
            "name": oid.name,
        },
        "path": finding.field,
        "message": finding.message,
    }


@dataclass
class ValidationResult:
    """Every finding of one validation run, in the order of the objects."""

    k8s_version: str
    objects: int
    findings: list[Finding] = field(default_factory=list)
    server: bool = False
    notes: list[str] = field(default_factory=list)
    """About the run rather than an object, e.g. which schema version stood in for another."""

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def merge(self, findings: Iterable[Finding]) -> None:
        """Add the findings not made already (same object, same message): the server refusing
        a removed API says what offline validation said of it."""
        made = {(f.object_id, f.message) for f in self.findings}
        self.extend(f for f in findings if (f.object_id, f.message) not in made)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The ``-o json`` report (schema in docs/validate.md)."""
        return {
            "reportVersion": REPORT_VERSION,
            "k8sVersion": self.k8s_version,
            "server": self.server,
            "ok": self.ok,
            "objects": self.objects,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "notes": list(self.notes),
            "findings": [_to_dict(f) for f in self.findings],
        }
