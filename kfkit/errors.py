"""The one exception tree of kfkit.

Every error a user can cause is a :class:`KfkitError` with a one-line message that
names the file, component or object concerned; the CLI prints it as ``error: …`` and
exits with :attr:`KfkitError.exit_code`. Third-party exceptions are wrapped at the
module that calls the third party (``raise RenderError(…) from exc``).

::

    KfkitError (exit 1)
    ├── UsageError (exit 2)           bad arguments: unknown env/component/prototype, bad value
    ├── AppError                      the app on disk: no app.yaml, malformed app.yaml
    ├── PrototypeError                prototype annotations, missing/unknown params
    ├── ParamsError                   params files: unparsable, not editable, edit not verified
    │   └── JsonnetSyntaxError        a Jsonnet file kfkit parses itself (file:line:col)
    ├── RenderError                   evaluation failed (the engine's file:line:col kept)
    ├── ManifestError                 a rendered value is not a Kubernetes object, duplicates
    ├── ValidationError               objects rejected by schema or server dry-run
    └── ClusterError                  kubeconfig, connection, API errors
        ├── ClusterMismatch           the environment's server is not the selected context's
        ├── Forbidden                 HTTP 403
        ├── Conflict                  HTTP 409 (field manager conflicts)
        ├── Invalid                   HTTP 422 and other rejected objects
        └── ObjectErrors              several objects failed (kfkit.deploy; one failure per object)
"""

from __future__ import annotations

__all__ = [
    "AppError",
    "ClusterError",
    "ClusterMismatch",
    "Conflict",
    "Forbidden",
    "Invalid",
    "JsonnetSyntaxError",
    "KfkitError",
    "ManifestError",
    "ParamsError",
    "PrototypeError",
    "RenderError",
    "UsageError",
    "ValidationError",
]


class KfkitError(Exception):
    """Base of every error kfkit raises on purpose; ``str()`` is the one-line message."""

    exit_code = 1
    details = ""
    """More than the one line (e.g. the Jsonnet engine's stack), shown with ``--debug``."""


class UsageError(KfkitError):
    """The command line asked for something that does not exist or makes no sense."""

    exit_code = 2


class AppError(KfkitError):
    """The app directory or app.yaml is missing or malformed."""


class PrototypeError(KfkitError):
    """A prototype cannot be parsed, found, or filled with the given params."""


class ParamsError(KfkitError):
    """A params file cannot be read, edited safely, or did not verify after an edit."""


class JsonnetSyntaxError(ParamsError):
    """kfkit's own Jsonnet parser rejected a file; the message carries file:line:col."""


class RenderError(KfkitError):
    """Jsonnet evaluation failed; the message keeps the engine's file:line:col and stack."""


class ManifestError(KfkitError):
    """A rendered value is not a well-formed Kubernetes object."""


class ValidationError(KfkitError):
    """Objects were rejected by schema validation or a server-side dry run."""


class ClusterError(KfkitError):
    """Talking to the cluster failed: kubeconfig, connection, or an API error."""


class ClusterMismatch(ClusterError):
    """The selected kubeconfig context does not point at the environment's server."""


class Forbidden(ClusterError):
    """The API server answered 403: the user lacks a permission."""


class Conflict(ClusterError):
    """The API server answered 409: another field manager owns a field."""


class Invalid(ClusterError):
    """The API server rejected an object (422, 400, unknown kind)."""
