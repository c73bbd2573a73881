"""Validate rendered objects before they reach a cluster: strict schemas, CRDs, removed APIs.

``validate_objects(objects, ValidateOptions(...))`` returns a :class:`ValidationResult` of
findings (component, object, JSON path, reason); it needs no network. The server's word
(a strict dry run) is ``server=`` of :func:`validate_objects`, or :func:`dry_run_findings` of a
dry run already made.
"""

from kfkit.validate._crd import CrdIndex, crds_in_dir, is_crd, to_json_schema
from kfkit.validate._findings import REPORT_VERSION, Code, ValidationResult
from kfkit.validate._schemas import BuiltinSchemas, parse_version, shipped_versions
from kfkit.validate._server import SchemaCluster, dry_run_findings
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
    "dry_run_findings",
    "is_crd",
    "parse_version",
    "resolve_version",
    "shipped_versions",
    "to_json_schema",
    "validate_objects",
]
