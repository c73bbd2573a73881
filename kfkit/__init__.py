"""kfkit: the ksonnet workflow in Python.

Jsonnet prototypes become components of an app, each environment keeps its own params
(edited losslessly with ``kfkit param set``), and kfkit renders, validates, diffs and
applies the manifests. :class:`App` is the entry point; docs/library.md shows the whole
serving story in Python.
"""

from kfkit._api import (
    App,
    DeletePlan,
    Prototypes,
    RollbackResult,
    connect_cluster,
    load_values_file,
    new_package,
)
from kfkit._connection import ConnectionOptions, Target
from kfkit._defaults import DEFAULT_LOCK_TIMEOUT, DEFAULT_MAX_OUTPUT
from kfkit._history_api import RecordOptions
from kfkit._model import Action, ObjectId
from kfkit._package_check import CaseResult, run_package_tests
from kfkit.app import PROTOCOLS as REGISTRY_PROTOCOLS
from kfkit.app import (
    Component,
    Destination,
    EnvironmentSpec,
    InstalledPackage,
    LibrarySpec,
    PackageInfo,
    Param,
    Prototype,
    Registry,
    RegistryIndex,
)
from kfkit.deploy import (
    ApplyOptions,
    ApplyPlan,
    Change,
    Cluster,
    DiffResult,
    ObjectDiff,
    ObjectResult,
    Scope,
    format_duration,
    parse_duration,
)
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
from kfkit.evaluator import engine_version
from kfkit.history import Revision
from kfkit.manifests import to_json, to_yaml
from kfkit.params import LockOptions, ParamDiff, ParamRow, parse_value
from kfkit.render import RenderOptions
from kfkit.review import Report
from kfkit.validate import ValidateOptions, ValidationResult

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_MAX_OUTPUT",
    "REGISTRY_PROTOCOLS",
    "Action",
    "ApiError",
    "App",
    "AppError",
    "ApplyOptions",
    "ApplyPlan",
    "CaseResult",
    "Change",
    "Cluster",
    "ClusterError",
    "ClusterMismatch",
    "Component",
    "Conflict",
    "ConnectionOptions",
    "DeletePlan",
    "Destination",
    "DiffResult",
    "EnvironmentSpec",
    "Finding",
    "Forbidden",
    "InstalledPackage",
    "Invalid",
    "JsonnetSyntaxError",
    "KfkitError",
    "KfkitWarning",
    "LibrarySpec",
    "Location",
    "LockOptions",
    "ManifestError",
    "ObjectDiff",
    "ObjectErrors",
    "ObjectFailure",
    "ObjectId",
    "ObjectResult",
    "PackageInfo",
    "Param",
    "ParamDiff",
    "ParamRow",
    "ParamsError",
    "Prototype",
    "PrototypeError",
    "Prototypes",
    "RecordOptions",
    "Registry",
    "RegistryIndex",
    "RenderError",
    "RenderOptions",
    "Report",
    "Revision",
    "RollbackResult",
    "Scope",
    "Target",
    "UsageError",
    "ValidateOptions",
    "ValidationError",
    "ValidationResult",
    "connect_cluster",
    "engine_version",
    "format_duration",
    "load_values_file",
    "new_package",
    "parse_duration",
    "parse_value",
    "run_package_tests",
    "to_json",
    "to_yaml",
]
__version__ = "0.1.0"
