"""Rendered objects as plain data: extraction, labels, ordering and output formats."""

from kfkit.manifests._apis import API_CHANGES, ApiChange, api_change, k8s_minor, removed_api
from kfkit.manifests._extract import COMPONENT_LABEL, duplicate_message, duplicate_objects, extract
from kfkit.manifests._order import KIND_ORDER, sort_objects
from kfkit.manifests._serialize import to_json, to_yaml, yaml_document
from kfkit.manifests._upgrade import ApiUpgrade, upgrade_apis, upgrade_object

__all__ = [
    "API_CHANGES",
    "COMPONENT_LABEL",
    "KIND_ORDER",
    "ApiChange",
    "ApiUpgrade",
    "api_change",
    "duplicate_message",
    "duplicate_objects",
    "extract",
    "k8s_minor",
    "removed_api",
    "sort_objects",
    "to_json",
    "to_yaml",
    "upgrade_apis",
    "upgrade_object",
    "yaml_document",
]
