"""Validate rendered objects before they reach a cluster: strict schemas, CRDs, removed APIs.

``validate_objects(objects, ValidateOptions(...))`` returns a :class:`ValidationResult` of
findings (component, object, JSON path, reason); it needs no network. The server's word
(a strict dry run) is :func:`server_findings`.
"""

from kfkit.validate._crd import CrdIndex, crds_in_dir, is_crd, to_json_schema
from kfkit.validate._findings import REPORT_VERSION, Code, ValidationResult
from kfkit.validate._schemas import BuiltinSchemas, parse_version, shipped_versions
from kfkit.validate._server import SchemaCluster
from kfkit.validate._validate import ValidateOptions, resolve_version, validate_objects

__all__ = [
    "REPORT_VERSION",
    "BuiltinSchemas",
    "Code",
    "CrdIndex",
    "SchemaCluster",
    "ValidateOptions",
    "ValidationResult",
    "crds_in_dir",
    "is_crd",
    "parse_version",
    "resolve_version",
    "shipped_versions",
    "to_json_schema",
    "validate_objects",
]
