"""Check rendered objects offline: built-in kinds, custom resources, removed APIs, names.

Each object is looked up in this order: a removed API (an error naming the release and
the successor), a built-in kind of the target Kubernetes version (its strict schema), a
custom kind with a CRD (its ``openAPIV3Schema``), a built-in API group that lacks the
kind (an error), else nothing knows it: "not checked", an error only with ``strict``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kfkit._model import ObjectId
from kfkit._progress import OnProgress
from kfkit._types import Obj
from kfkit.deploy import Scope
from kfkit.errors import Finding
from kfkit.manifests import ApiChange, api_change, duplicate_message, duplicate_objects
from kfkit.validate._cache import CleanObjects
from kfkit.validate._crd import CrdIndex, LiveCrd, crds_in_dir, is_crd
from kfkit.validate._findings import Code, Severity, ValidationResult, finding
from kfkit.validate._formats import describe_format, name_format, name_matches
from kfkit.validate._schemas import BuiltinSchemas, K8sVersion, parse_version, shipped_versions
from kfkit.validate._server import SchemaCluster, live_crd_lookup, server_findings

if TYPE_CHECKING:
    from jsonschema import ValidationError as SchemaError
    from jsonschema.protocols import Validator

__all__ = ["ValidateOptions", "resolve_version", "validate_objects"]

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number"}


@dataclass(frozen=True)
class ValidateOptions:
    """How to validate: which Kubernetes version, where CRDs are, how strict.

    ``k8s_version`` "" means the environment's ``k8sVersion``, else the newest shipped.
    ``crd_dirs`` are searched (besides the render) for CRDs; ``strict`` makes an object
    nothing could check an error instead of a warning. ``cache``: remember the objects of
    built-in kinds found valid (in the user's cache dir) and skip them next time.
    ``on_progress`` hears of the server's dry runs (``--server``), as apply's pre-flight reports them.
    """

    k8s_version: str = ""
    crd_dirs: Sequence[Path] = ()
    strict: bool = False
    cache: bool = True
    on_progress: OnProgress | None = field(default=None, compare=False, repr=False)


def resolve_version(requested: str) -> tuple[K8sVersion, str]:
    """The shipped schema version for ``requested`` ("" = newest) and a note when it differs.

    A version between two shipped ones uses the older; one outside the shipped range
    uses the nearest end, and the note says so.
    """
    versions = list(shipped_versions())
    if not requested:
        return versions[-1], ""
    wanted = parse_version(requested)
    older = [v for v in versions if v <= wanted]
    chosen = older[-1] if older else versions[0]
    if chosen == wanted:
        return chosen, ""
    return chosen, f"no schemas for Kubernetes {_text(wanted)}; checked against {_text(chosen)}"


def validate_objects(
    objects: Sequence[Obj],
    options: ValidateOptions,
    *,
    env_k8s_version: str = "",
    default_crd_dirs: Sequence[Path] = (),
    server: tuple[SchemaCluster, Scope] | None = None,
    default_namespace: str = "",
    dry_run: bool = True,
    cache: Path | None = None,
) -> ValidationResult:
    """Every finding about ``objects``; nothing is raised for an invalid object.

    ``default_crd_dirs`` (the app's lib/ and vendor/) are read only when a custom resource
    has no CRD in the render or ``options.crd_dirs``. With ``server`` (a cluster and the
    environment's scope) the cluster's CRDs are asked last, and every object is dry-run
    unless ``dry_run`` is False (``kfkit review`` makes apply's own pre-flight instead).
    An object rendered by two components (the same one once ``default_namespace``, the
    environment's, is filled in) is a warning, so it can be seen and fixed before apply refuses it.
    ``cache``: a directory remembering objects found valid (see :mod:`kfkit.validate._cache`).
    """
    version, note = resolve_version(options.k8s_version or env_k8s_version)
    dry_runs = server is not None and dry_run
    result = ValidationResult(_text(version), len(objects), server=dry_runs, notes=[note] if note else [])
    live_crd = live_crd_lookup(server[0]) if server is not None else None
    builtin = BuiltinSchemas.load(version)
    checker = _Checker(builtin, options, default_crd_dirs, live_crd)
    checker.crds.add_all((obj, "the render") for obj in objects if is_crd(obj))
    clean = CleanObjects.open(cache, builtin.source) if cache is not None else None
    for obj in objects:
        result.extend(checker.check(obj) if clean is None else _check_unless_clean(checker, clean, obj))
    if clean is not None:
        clean.save()
    for key, owners in duplicate_objects(objects, default_namespace).items():
        result.extend([finding("warning", Code.DUPLICATE, key, "", duplicate_message(key, owners))])
    if server is not None and dry_runs:
        result.merge(server_findings(objects, *server, on_progress=options.on_progress))
    return result


def _check_unless_clean(checker: _Checker, clean: CleanObjects, obj: Obj) -> list[Finding]:
    """``checker.check(obj)``, skipped for an object found valid before; remembers one found valid now."""
    digest = clean.digest(obj)
    if digest in clean:
        return []
    findings = checker.check(obj)
    ref = ObjectId.of(obj)
    if not findings and checker.builtin.knows(ref.group, ref.version, ref.kind):
        clean.add(digest)
    return findings


class _Checker:
    def __init__(
        self,
        builtin: BuiltinSchemas,
        options: ValidateOptions,
        default_crd_dirs: Sequence[Path],
        live_crd: LiveCrd | None,
    ) -> None:
        self.builtin = builtin
        self.options = options
        self.crds = CrdIndex()
        self._pending_dirs: list[tuple[Path, bool]] = [
            *((d, True) for d in options.crd_dirs),
            *((d, False) for d in default_crd_dirs),
        ]
        self._live_crd = live_crd
        self._asked_cluster: set[tuple[str, str]] = set()

    def check(self, obj: Obj) -> list[Finding]:
        ref = ObjectId.of(obj)
        group, version = ref.group, ref.version
        findings = list(_name_findings(obj, ref, group))

        def found(severity: Severity, code: Code, message: str, path: str = "") -> list[Finding]:
            return [*findings, finding(severity, code, ref, path, message)]

        change = api_change(ref.api_version, ref.kind)
        if change is not None and change.removed(_text(self.builtin.version)):
            return found("error", Code.REMOVED_API, change.message(), "apiVersion")
        if change is not None and parse_version(change.deprecated_in) <= self.builtin.version:
            findings.append(finding("warning", Code.DEPRECATED_API, ref, "apiVersion", _deprecated(change)))
        validator = self.builtin.validator(group, version, ref.kind)
        if validator is not None:
            return [*findings, *_schema_findings(validator, obj, ref)]
        served = self._custom_kind(ref.api_version, group, ref.kind)
        if served:
            if version not in served:
                crd = next(iter(served.values())).crd_name
                message = (
                    f"CustomResourceDefinition {crd} does not serve {version} (it serves {', '.join(served)})"
                )
                return found("error", Code.UNKNOWN_KIND, message, "apiVersion")
            cr_validator = self.crds.validator(group, version, ref.kind)
            if cr_validator is None:
                crd = served[version].crd_name
                message = f"not checked: CustomResourceDefinition {crd} has no schema for {version}"
                return found(self._unchecked, Code.NOT_CHECKED, message)
            meta = _schema_findings(self.builtin.object_meta(), obj.get("metadata") or {}, ref, ("metadata",))
            return [*findings, *meta, *_schema_findings(cr_validator, obj, ref)]
        if group in self.builtin.groups():
            message = f"Kubernetes {_text(self.builtin.version)} has no kind {ref.kind} in {ref.api_version}"
            return found("error", Code.UNKNOWN_KIND, message, "kind")
        where = (
            "the render, the CRD directories or the cluster"
            if self._live_crd
            else "the render or the CRD directories"
        )
        message = f"not checked: no CustomResourceDefinition for {ref.kind} ({ref.api_version}) in {where}"
        return found(self._unchecked, Code.NOT_CHECKED, message)

    @property
    def _unchecked(self) -> Severity:
        return "error" if self.options.strict else "warning"

    def _custom_kind(self, api_version: str, group: str, kind: str) -> dict[str, Any]:
        """The served versions of a custom kind, reading CRD directories, then the cluster, on demand."""
        while not self.crds.knows(group, kind) and self._pending_dirs:
            directory, strict = self._pending_dirs.pop(0)
            self.crds.add_all(crds_in_dir(directory, strict=strict))
        if not self.crds.knows(group, kind) and self._live_crd and (group, kind) not in self._asked_cluster:
            self._asked_cluster.add((group, kind))
            crd = self._live_crd(api_version, kind)
            if crd is not None:
                self.crds.add(crd, "the cluster")
        return dict(self.crds.served(group, kind))


def _deprecated(change: ApiChange) -> str:
    """The table's message is about current clusters; this one suits a version that still serves it."""
    removal = f" and removed in {change.removed_in}" if change.removed_in else ""
    fix = f": use {change.current_successor}" if change.current_successor else ""
    what = f"{change.api_version} {change.kind}"
    return f"{what} is deprecated since Kubernetes {change.deprecated_in}{removal}{fix}"


def _name_findings(obj: Obj, ref: ObjectId, group: str) -> Iterator[Finding]:
    """``metadata.name`` in the syntax the server requires of the kind (schemas only say string)."""
    name = (obj.get("metadata") or {}).get("name")
    if isinstance(name, str):
        fmt = name_format(group, ref.kind)
        if not name_matches(fmt, name):
            yield finding("error", Code.FORMAT, ref, "metadata.name", describe_format(fmt, name))


def _schema_findings(
    validator: Validator, instance: Any, ref: ObjectId, prefix: tuple[Any, ...] = ()
) -> list[Finding]:
    findings: dict[tuple[str, str], Finding] = {}  # one per path and reason (required errors repeat)
    for error in validator.iter_errors(instance):
        for path, code, message in _explain(error):
            where = _path((*prefix, *path))
            findings.setdefault((where, message), finding("error", code, ref, where, message))
    return sorted(findings.values(), key=lambda f: f.field)


def _explain(error: SchemaError) -> Iterable[tuple[tuple[Any, ...], Code, str]]:
    """A jsonschema error as (path, code, reason) in Kubernetes' terms, pointing at the field itself."""
    path = tuple(error.absolute_path)
    keyword, value, instance = error.validator, cast(Any, error.validator_value), error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "additionalProperties" and value is False and isinstance(instance, dict):
        known = list(schema.get("properties") or {})
        for name in instance:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                yield (*path, name), Code.UNKNOWN_FIELD, f"unknown field{hint}"
    elif keyword == "required" and isinstance(instance, dict):
        for name in value:
            if name not in instance:
                yield (*path, name), Code.REQUIRED, "missing required field"
    elif keyword == "type":
        wanted = " or ".join(t for t in ([value] if isinstance(value, str) else value) if t != "null")
        yield path, Code.TYPE, f"expected {wanted}, got {_json_type(instance)} {_short(instance)}"
    elif keyword == "enum":
        allowed = ", ".join(str(v) for v in value if v is not None)
        yield path, Code.ENUM, f"must be one of {allowed}; got {_short(instance)}"
    elif keyword == "pattern" and "x-kfkit-format" in schema:
        key = "propertyNames" in error.relative_schema_path
        yield (
            (*path, instance) if key else path,
            Code.FORMAT,
            describe_format(schema["x-kfkit-format"], instance),
        )
    else:
        yield path, Code.INVALID, error.message


def _path(parts: Iterable[Any]) -> str:
    """``spec.containers[0].securityContext`` and ``metadata.labels["app.kubernetes.io/name"]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(str(part)):
            text += f".{part}" if text else str(part)
        else:
            text += f'["{part}"]'
    return text


def _json_type(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(version: K8sVersion) -> str:
    return f"{version[0]}.{version[1]}"
