"""Type aliases shared across kfkit."""

from __future__ import annotations

from typing import Any, TypeAlias

__all__ = ["JsonValue", "Obj"]

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
"""A value that JSON (and so Jsonnet's output) can hold."""

Obj: TypeAlias = dict[str, Any]
"""A Kubernetes object as a plain dict (apiVersion, kind, metadata, …)."""
