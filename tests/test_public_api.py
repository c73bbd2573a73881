"""The public API is exactly ``kfkit.__all__``: a change to it is a decision, made here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kfkit

PUBLIC = [
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


def test_all_is_pinned() -> None:
    assert kfkit.__all__ == PUBLIC


def test_every_public_name_exists_and_says_where_it_lives() -> None:
    for name in kfkit.__all__:
        member = getattr(kfkit, name)
        if name.isupper():  # a constant
            continue
        assert member.__module__.startswith("kfkit."), name
        assert member.__doc__, name


def test_what_type_checkers_see_is_what_is_imported() -> None:
    """The ``if TYPE_CHECKING:`` imports in kfkit/__init__.py and the lazy table name the same homes."""
    tree = ast.parse(Path(kfkit.__file__).read_text())
    guarded = next(n for n in tree.body if isinstance(n, ast.If))
    seen = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    assert seen == kfkit._HOME
    assert sorted(seen) == sorted(kfkit.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'kfkit' has no attribute 'Ap'"):
        kfkit.Ap  # noqa: B018
    assert "App" in dir(kfkit)
