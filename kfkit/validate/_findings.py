"""Findings: what validation says about one object, and the report of a whole run.

A finding names the component, the object, the JSON path in it and the reason, so the
CLI prints one line per finding and ``-o json`` (see :meth:`ValidationResult.to_dict`,
documented in docs/validate.md) is stable for machines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kfkit.deploy import ObjectRef

__all__ = ["REPORT_VERSION", "Code", "Finding", "Severity", "ValidationResult"]

REPORT_VERSION = 1
"""Bumped only when a field of the JSON report changes meaning or disappears."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


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


@dataclass(frozen=True)
class Finding:
    """One problem with one object: ``component "c": Kind ns/name: spec.x: reason``."""

    severity: Severity
    code: Code
    ref: ObjectRef
    path: str
    message: str

    def __str__(self) -> str:
        where = f'component "{self.ref.component}": ' if self.ref.component else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}{self.ref}: {path}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "code": self.code.value,
            "component": self.ref.component,
            "object": {
                "apiVersion": self.ref.api_version,
                "kind": self.ref.kind,
                "namespace": self.ref.namespace,
                "name": self.ref.name,
            },
            "path": self.path,
            "message": self.message,
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

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

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
            "findings": [f.to_dict() for f in self.findings],
        }
