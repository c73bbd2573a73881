"""The one exception tree of kfkit, and the structured fields its errors carry.

Every error a user can cause is a :class:`KfkitError` with a one-line message that
names the file, component or object concerned; the CLI prints it as ``error: …`` and
exits with :attr:`KfkitError.exit_code`. Third-party exceptions are wrapped at the
module that calls the third party (``raise RenderError(…) from exc``).

The message is for people; programs read the fields instead: :attr:`~KfkitError.location`
(file, line, column of Jsonnet errors), :attr:`~KfkitError.component` and
:attr:`~KfkitError.object_id` (manifest and cluster errors), :attr:`ApiError.status` and
:attr:`ApiError.reason` (what the API server answered), :attr:`ValidationError.findings`.
Problems that are not errors are :class:`KfkitWarning` objects with the same fields.

::

    KfkitError (exit 1)
    ├── UsageError (exit 2)           bad arguments: unknown env/component/prototype, bad value
    ├── Interrupted (exit 130)        Ctrl-C part-way through; says how far it got
    ├── AppError                      the app on disk: no app.yaml, malformed app.yaml
    ├── PrototypeError                prototype annotations, missing/unknown params
    ├── PackageError                  registry.yaml/parts.yaml, unreachable registry, not found, tampered
    ├── ParamsError                   params files: unparsable, not editable, edit not verified
    │   └── JsonnetSyntaxError        a Jsonnet file kfkit parses itself (location)
    ├── RenderError                   evaluation failed (location from the engine; its stack in details)
    ├── ManifestError                 a rendered value is not a Kubernetes object, duplicates
    ├── ValidationError               objects rejected by schema or server dry-run (findings)
    └── ClusterError                  kubeconfig, connection
        ├── ClusterMismatch           the environment's server is not the selected context's
        ├── ApiError                  the API server refused a request (status, reason)
        │   ├── Forbidden             HTTP 403
        │   ├── Conflict              HTTP 409, field manager conflicts, another environment's object
        │   └── Invalid               HTTP 422 and other rejected objects, kinds the server lacks
        └── ObjectErrors              several objects failed (kfkit.deploy; one failure per object)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # annotations only: the CLI's error handling need not load the object model
    from kfkit._model import ObjectId

__all__ = [
    "FORCE_CONFLICTS_HINT",
    "ApiError",
    "AppError",
    "ClusterError",
    "ClusterMismatch",
    "Conflict",
    "Finding",
    "Forbidden",
    "Interrupted",
    "Invalid",
    "JsonnetSyntaxError",
    "KfkitError",
    "KfkitWarning",
    "Location",
    "ManifestError",
    "ObjectErrors",
    "ObjectFailure",
    "PackageError",
    "ParamsError",
    "PrototypeError",
    "RenderError",
    "UsageError",
    "ValidationError",
    "describe_object",
]


@dataclass(frozen=True)
class Location:
    """A place in a source file: ``components/web.jsonnet:3:12`` (line and column from 1; 0 unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return ":".join([self.file, *(str(n) for n in (self.line, self.column) if n)])


def describe_object(object_id: ObjectId | None, component: str = "") -> str:
    """``component "web": Deployment ns/web``: how messages and reports name what went wrong."""
    component = component or (object_id.component if object_id else "")
    parts = [f'component "{component}"' if component else "", str(object_id) if object_id else ""]
    return ": ".join(p for p in parts if p)


class KfkitError(Exception):
    """Base of every error kfkit raises on purpose; ``str()`` is the one-line message.

    **Fields** (None or empty when they do not apply):

    * ``location`` — the source file position (Jsonnet errors).
    * ``component`` — the component the error concerns.
    * ``object_id`` — the Kubernetes object it concerns.
    * ``details`` — more than the one line (e.g. the engine's stack), shown with ``--debug``.
    """

    exit_code = 1

    def __init__(
        self,
        message: str = "",
        *,
        location: Location | None = None,
        component: str = "",
        object_id: ObjectId | None = None,
        details: str = "",
    ) -> None:
        super().__init__(message)
        self.location = location
        self.object_id = object_id
        self.component = component or (object_id.component if object_id else "")
        self.details = details


class KfkitWarning(UserWarning):
    """Something worth telling that is not an error; results carry these in ``warnings``.

    Same fields as :class:`KfkitError`; ``str()`` is the one-line message.
    """

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        component: str = "",
        object_id: ObjectId | None = None,
    ) -> None:
        super().__init__(message)
        self.location = location
        self.object_id = object_id
        self.component = component or (object_id.component if object_id else "")


class Interrupted(KfkitError):
    """Ctrl-C stopped a command part-way; the message says how far it got (exit 130)."""

    exit_code = 130


class UsageError(KfkitError):
    """The command line asked for something that does not exist or makes no sense."""

    exit_code = 2


class AppError(KfkitError):
    """The app directory or app.yaml is missing or malformed."""


class PrototypeError(KfkitError):
    """A prototype cannot be parsed, found, or filled with the given params."""


class PackageError(KfkitError):
    """A registry or package is malformed, unreachable, missing, or its vendored copy was changed."""


class ParamsError(KfkitError):
    """A params file cannot be read, edited safely, or did not verify after an edit."""


class JsonnetSyntaxError(ParamsError):
    """kfkit's own Jsonnet parser rejected a file; ``location`` says where."""


class RenderError(KfkitError):
    """Jsonnet evaluation failed; ``location`` is the engine's position, ``details`` its stack."""


class ManifestError(KfkitError):
    """A rendered value is not a well-formed Kubernetes object (``component``, ``object_id``)."""


@dataclass(frozen=True)
class Finding:
    """One problem validation found: in which object, at which field, what.

    ``str()`` is ``component "web": Deployment ns/web: spec.replicas: <message>``.
    """

    message: str
    object_id: ObjectId | None = None
    field: str = ""
    """Path of the field in the object, e.g. ``spec.template.spec.containers[0].image``."""
    severity: Literal["error", "warning"] = "error"
    location: Location | None = None
    """The source position, when known."""
    code: str = ""
    """Why, as a stable name for machines, e.g. ``unknown-field`` (see :class:`kfkit.validate.Code`)."""

    def __str__(self) -> str:
        return ": ".join(p for p in (describe_object(self.object_id), self.field, self.message) if p)


class ValidationError(KfkitError):
    """Objects were rejected by schema validation or a server-side dry run; see ``findings``."""

    def __init__(self, findings: Sequence[Finding], message: str = "") -> None:
        self.findings = list(findings)
        errors = [f for f in self.findings if f.severity == "error"] or self.findings
        first = errors[0] if errors else None
        if not message:
            many = f"{len(errors)} problems, the first: " if len(errors) > 1 else ""
            message = f"{many}{first}" if first else "validation failed"
        super().__init__(message, object_id=first.object_id if first else None)


class ClusterError(KfkitError):
    """Talking to the cluster failed: kubeconfig, connection, or an API error."""


class ClusterMismatch(ClusterError):
    """The selected kubeconfig context does not point at the environment's server."""


class ApiError(ClusterError):
    """The API server refused a request: ``status`` and ``reason`` are its answer.

    Both are None/empty when kfkit refused on the server's behalf (e.g. a kind discovery
    does not list, an object another environment owns).
    """

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        reason: str = "",
        object_id: ObjectId | None = None,
    ) -> None:
        super().__init__(message, object_id=object_id)
        self.status = status
        self.reason = reason


class Forbidden(ApiError):
    """The API server answered 403: the user lacks a permission."""


class Conflict(ApiError):
    """409: another field manager owns a field, or another kfkit environment the object."""


FORCE_CONFLICTS_HINT = "rerun with --force-conflicts to take these fields over"
"""Ends the message of a field-manager conflict, from the real client and the fake alike."""


class Invalid(ApiError):
    """The API server rejected an object (422, 400, unknown kind)."""


@dataclass(frozen=True)
class ObjectFailure:
    """One object the server (or kfkit) refused, and why (``error.object_id`` is set too)."""

    object_id: ObjectId
    error: ApiError

    def __str__(self) -> str:
        return f"{describe_object(self.object_id)}: {self.error}"


class ObjectErrors(ClusterError):
    """Some objects failed; ``str()`` is the summary, :attr:`failures` has one per object."""

    def __init__(self, summary: str, failures: Sequence[ObjectFailure]) -> None:
        super().__init__(summary)
        self.failures = list(failures)
