"""kfkit: the ksonnet workflow in Python.

Jsonnet prototypes become components of an app, each environment keeps its own params
(edited losslessly with ``kfkit param set``), and kfkit renders, validates, diffs and
applies the manifests. :class:`App` is the entry point; docs/library.md shows the whole
serving story in Python.

Every name is imported on first use (``kfkit.App`` loads the facade, ``kfkit.ApplyPlan``
the deploy stage), so ``import kfkit`` and the CLI's start-up stay cheap.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kfkit._api import (
        App,
        DeletePlan,
        Prototypes,
        connect_cluster,
        load_values_file,
        new_package,
    )
    from kfkit._connection import ConnectionOptions, Target
    from kfkit._constants import (
        DEFAULT_LOCK_TIMEOUT,
        DEFAULT_MAX_HISTORY,
        DEFAULT_MAX_OUTPUT,
        DEFAULT_WAIT_TIMEOUT,
        REGISTRY_PROTOCOLS,
    )
    from kfkit._durations import format_duration, parse_duration
    from kfkit._history_api import RecordOptions, RollbackResult
    from kfkit._model import Action, ObjectId
    from kfkit._package_check import CaseResult, run_package_tests
    from kfkit._progress import OnProgress, Progress, Stage
    from kfkit.app import (
        Component,
        Destination,
        EnvironmentSpec,
        InstalledPackage,
        LibrarySpec,
        Module,
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
    "DEFAULT_MAX_HISTORY",
    "DEFAULT_MAX_OUTPUT",
    "DEFAULT_WAIT_TIMEOUT",
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
    "Module",
    "ObjectDiff",
    "ObjectErrors",
    "ObjectFailure",
    "ObjectId",
    "ObjectResult",
    "OnProgress",
    "PackageInfo",
    "Param",
    "ParamDiff",
    "ParamRow",
    "ParamsError",
    "Progress",
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
    "Stage",
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

_HOME = {
    "DEFAULT_LOCK_TIMEOUT": "kfkit._constants",
    "DEFAULT_MAX_HISTORY": "kfkit._constants",
    "DEFAULT_MAX_OUTPUT": "kfkit._constants",
    "DEFAULT_WAIT_TIMEOUT": "kfkit._constants",
    "REGISTRY_PROTOCOLS": "kfkit._constants",
    "Action": "kfkit._model",
    "ApiError": "kfkit.errors",
    "App": "kfkit._api",
    "AppError": "kfkit.errors",
    "ApplyOptions": "kfkit.deploy",
    "ApplyPlan": "kfkit.deploy",
    "CaseResult": "kfkit._package_check",
    "Change": "kfkit.deploy",
    "Cluster": "kfkit.deploy",
    "ClusterError": "kfkit.errors",
    "ClusterMismatch": "kfkit.errors",
    "Component": "kfkit.app",
    "Conflict": "kfkit.errors",
    "ConnectionOptions": "kfkit._connection",
    "DeletePlan": "kfkit._api",
    "Destination": "kfkit.app",
    "DiffResult": "kfkit.deploy",
    "EnvironmentSpec": "kfkit.app",
    "Finding": "kfkit.errors",
    "Forbidden": "kfkit.errors",
    "InstalledPackage": "kfkit.app",
    "Invalid": "kfkit.errors",
    "JsonnetSyntaxError": "kfkit.errors",
    "KfkitError": "kfkit.errors",
    "KfkitWarning": "kfkit.errors",
    "LibrarySpec": "kfkit.app",
    "Location": "kfkit.errors",
    "LockOptions": "kfkit.params",
    "ManifestError": "kfkit.errors",
    "Module": "kfkit.app",
    "ObjectDiff": "kfkit.deploy",
    "ObjectErrors": "kfkit.errors",
    "ObjectFailure": "kfkit.errors",
    "ObjectId": "kfkit._model",
    "ObjectResult": "kfkit.deploy",
    "OnProgress": "kfkit._progress",
    "PackageInfo": "kfkit.app",
    "Param": "kfkit.app",
    "ParamDiff": "kfkit.params",
    "ParamRow": "kfkit.params",
    "ParamsError": "kfkit.errors",
    "Progress": "kfkit._progress",
    "Prototype": "kfkit.app",
    "PrototypeError": "kfkit.errors",
    "Prototypes": "kfkit._api",
    "RecordOptions": "kfkit._history_api",
    "Registry": "kfkit.app",
    "RegistryIndex": "kfkit.app",
    "RenderError": "kfkit.errors",
    "RenderOptions": "kfkit.render",
    "Report": "kfkit.review",
    "Revision": "kfkit.history",
    "RollbackResult": "kfkit._history_api",
    "Scope": "kfkit.deploy",
    "Stage": "kfkit._progress",
    "Target": "kfkit._connection",
    "UsageError": "kfkit.errors",
    "ValidateOptions": "kfkit.validate",
    "ValidationError": "kfkit.errors",
    "ValidationResult": "kfkit.validate",
    "connect_cluster": "kfkit._api",
    "engine_version": "kfkit.evaluator",
    "format_duration": "kfkit._durations",
    "load_values_file": "kfkit._api",
    "new_package": "kfkit._api",
    "parse_duration": "kfkit._durations",
    "parse_value": "kfkit.params",
    "run_package_tests": "kfkit._package_check",
    "to_json": "kfkit.manifests",
    "to_yaml": "kfkit.manifests",
}
"""The module each public name is imported from on first use."""


def _lazy_attributes(package: str, home: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` (PEP 562) for ``package``: each name of ``home`` comes from ``home[name]``.

    A name is imported once and then kept in the package's namespace; kfkit.app uses it too.
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[name]), name)
        namespace[name] = value
        return value

    return __getattr__


__getattr__ = _lazy_attributes(__name__, _HOME)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
