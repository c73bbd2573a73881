"""Rendered objects as plain data: extraction, labels, ordering and output formats."""

from kfkit.manifests._extract import COMPONENT_LABEL, extract, object_id
from kfkit.manifests._order import KIND_ORDER, sort_objects
from kfkit.manifests._serialize import to_json, to_yaml, yaml_document

__all__ = [
    "COMPONENT_LABEL",
    "KIND_ORDER",
    "extract",
    "object_id",
    "sort_objects",
    "to_json",
    "to_yaml",
    "yaml_document",
]
