"""The public API is exactly ``kfkit.__all__``: a change to it is a decision, made here."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest

import kfkit
import kfkit.app as kfkit_app

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


def _lazy_homes(package: ModuleType) -> dict[str, str]:
    """Where each lazily imported name of ``package`` comes from, as its lazy table says."""
    if package is kfkit:
        return kfkit._HOME
    return {name: module for module, names in kfkit_app._HOMES.items() for name in names}


@pytest.mark.parametrize("package", [kfkit, kfkit_app], ids=lambda p: p.__name__)
def test_what_type_checkers_see_is_what_is_imported(package: ModuleType) -> None:
    """A lazy package's ``if TYPE_CHECKING:`` imports, its lazy table and its ``__all__`` name
    the same names from the same homes: mypy reads the first, Python the second."""
    assert package.__file__
    tree = ast.parse(Path(package.__file__).read_text())
    guarded = next(n for n in tree.body if isinstance(n, ast.If))
    seen = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    assert seen == _lazy_homes(package)
    assert sorted(seen) == sorted(package.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'kfkit' has no attribute 'Ap'"):
        kfkit.Ap  # noqa: B018
    assert "App" in dir(kfkit)
