"""The public API is exactly ``kfkit.__all__``: a change to it is a decision, made here."""

from __future__ import annotations

import kfkit

PUBLIC = [
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


def test_all_is_pinned() -> None:
    assert kfkit.__all__ == PUBLIC


def test_every_public_name_exists_and_says_where_it_lives() -> None:
    for name in kfkit.__all__:
        member = getattr(kfkit, name)
        assert member.__module__.startswith("kfkit."), name
        assert member.__doc__, name
