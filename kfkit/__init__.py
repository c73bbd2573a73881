"""kfkit: the ksonnet workflow in Python.

Jsonnet prototypes become components of an app, each environment keeps its own params
(edited losslessly with ``kfkit param set``), and kfkit renders, validates, diffs and
applies the manifests.
"""

from kfkit._api import App, RollbackResult
from kfkit._history_api import RecordOptions
from kfkit._model import Action, ObjectId
from kfkit.errors import (
    ApiError,
    AppError,
    ClusterError,
    ClusterMismatch,
    Conflict,
    Finding,
    Forbidden,
    Invalid,
    JsonnetSyntaxError,
    KfkitError,
    KfkitWarning,
    Location,
    ManifestError,
    ObjectErrors,
    ObjectFailure,
    ParamsError,
    PrototypeError,
    RenderError,
    UsageError,
    ValidationError,
)
from kfkit.history import Revision
from kfkit.render import RenderOptions
from kfkit.review import Report
from kfkit.validate import ValidateOptions, ValidationResult

__all__ = [
    "Action",
    "ApiError",
    "App",
    "AppError",
    "ClusterError",
    "ClusterMismatch",
    "Conflict",
    "Finding",
    "Forbidden",
    "Invalid",
    "JsonnetSyntaxError",
    "KfkitError",
    "KfkitWarning",
    "Location",
    "ManifestError",
    "ObjectErrors",
    "ObjectFailure",
    "ObjectId",
    "ParamsError",
    "PrototypeError",
    "RecordOptions",
    "RenderError",
    "RenderOptions",
    "Report",
    "Revision",
    "RollbackResult",
    "UsageError",
    "ValidateOptions",
    "ValidationError",
    "ValidationResult",
]
__version__ = "0.1.0"
