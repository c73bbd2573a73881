"""Carry objects of removed Kubernetes APIs to the API that replaced them (``--upgrade-apis``).

The removal table (:mod:`kfkit.manifests._apis`) says which ``apiVersion``/``kind`` pairs a
current cluster no longer serves and what replaced them; the rules here make the structural
changes each successor needs, so the result passes a strict server-side dry run:

* workloads (``extensions/v1beta1``, ``apps/v1beta1|2``) → ``apps/v1``: ``spec.selector`` from
  the pod template's labels when missing; fields apps/v1 dropped (``rollbackTo``,
  ``templateGeneration``) go;
* Ingress → ``networking.k8s.io/v1``: ``backend`` → ``defaultBackend``,
  ``serviceName``/``servicePort`` → ``service.name``/``service.port.number|name``,
  ``pathType: ImplementationSpecific`` (v1beta1's behaviour) where missing;
* CustomResourceDefinition → ``apiextensions.k8s.io/v1``: ``versions`` with each version's
  ``schema``, ``subresources`` and ``additionalPrinterColumns`` (``jsonPath``); v1beta1's default
  ``preserveUnknownFields: true`` becomes ``x-kubernetes-preserve-unknown-fields`` on the schema;
  explicit ``scope``; the schema made structural where it only lacked ``type``;
* HorizontalPodAutoscaler ``autoscaling/v2beta1`` → ``v2``: metric targets as ``target``;
* admission webhooks → ``admissionregistration.k8s.io/v1``: v1beta1's defaults written out;
* everything else in the table only changes ``apiVersion`` (RBAC, CronJob, …).

Objects of kinds without a successor (PodSecurityPolicy) and those whose migration needs a
person's decision are refused, all of them in one error. Objects are never changed in place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kfkit._model import ObjectId
from kfkit._types import Obj
from kfkit.errors import ManifestError
from kfkit.manifests._apis import ApiChange, api_change

__all__ = ["ApiUpgrade", "upgrade_apis", "upgrade_object"]


@dataclass(frozen=True)
class ApiUpgrade:
    """One object carried to a current API: the object before and after, and what changed."""

    before: Obj
    after: Obj
    change: ApiChange
    notes: tuple[str, ...]
    """The structural changes beyond ``apiVersion``, in a few words each."""

    @property
    def object_id(self) -> ObjectId:
        return ObjectId.of(self.after)

    def summary(self) -> str:
        """``Deployment web: extensions/v1beta1 → apps/v1 (spec.selector from the template labels)``."""
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{self.object_id}: {self.before['apiVersion']} → {self.after['apiVersion']}{notes}"


class _Refused(Exception):
    """A rule cannot rewrite this object; the message says what the user must change."""


def upgrade_object(obj: Obj) -> ApiUpgrade | None:
    """``obj`` on the API a current cluster serves, or None when its API is current.

    Raises :class:`~kfkit.errors.ManifestError` when it cannot be carried over.
    """
    change = api_change(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    if change is None or not change.removed():
        return None
    try:
        after, notes = _rewrite(obj, change)
    except _Refused as exc:
        raise ManifestError(f"{_where(obj)}: {exc}", object_id=ObjectId.of(obj)) from None
    return ApiUpgrade(obj, after, change, tuple(notes))


def upgrade_apis(objects: Iterable[Obj]) -> tuple[list[Obj], list[ApiUpgrade]]:
    """Every object on a current API (same order), and the upgrades made.

    All objects that cannot be carried over are named in one error.
    """
    result: list[Obj] = []
    upgrades: list[ApiUpgrade] = []
    refused: list[str] = []
    for obj in objects:
        try:
            upgrade = upgrade_object(obj)
        except ManifestError as exc:
            refused.append(str(exc))
            continue
        if upgrade is None:
            result.append(obj)
        else:
            result.append(upgrade.after)
            upgrades.append(upgrade)
    if refused:
        more = f" (and {len(refused) - 1} more: {'; '.join(refused[1:])})" if len(refused) > 1 else ""
        raise ManifestError(f"cannot upgrade {refused[0]}{more}")
    return result, upgrades


def _where(obj: Obj) -> str:
    oid = ObjectId.of(obj)
    return f"{obj.get('apiVersion')} {oid}" + (f" (component {oid.component!r})" if oid.component else "")


def _rewrite(obj: Obj, change: ApiChange) -> tuple[Obj, list[str]]:
    target = change.current_successor
    if target is None:
        raise _Refused(change.message())
    if not change.upgradable:
        raise _Refused(f"{change.message()}; kfkit does not rewrite it")
    after = copy.deepcopy(obj)
    after["apiVersion"] = target
    notes: list[str] = []
    rule = _RULES.get(str(obj["kind"]))
    if rule is not None:
        rule(after, str(obj["apiVersion"]), notes)
    return after, notes


# --- rules, one per kind; each edits ``obj`` (already on its new apiVersion) ---------------

_Rule = Callable[[Obj, str, list[str]], None]


def _spec(obj: Obj) -> dict[str, Any]:
    spec = obj.get("spec")
    if spec is None:
        spec = obj["spec"] = {}
    if not isinstance(spec, dict):
        raise _Refused("spec is not an object")
    return spec


def _workload(obj: Obj, old: str, notes: list[str]) -> None:
    spec = _spec(obj)
    for gone in ("rollbackTo", "templateGeneration"):
        if spec.pop(gone, None) is not None:
            notes.append(f"dropped spec.{gone}, gone in apps/v1")
    if spec.get("selector"):
        return
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if not labels:
        raise _Refused(
            "apps/v1 requires spec.selector and the pod template has no labels to take it from; "
            "add spec.selector.matchLabels"
        )
    spec["selector"] = {"matchLabels": dict(labels)}
    notes.append("spec.selector from the template labels")


def _ingress_backend(backend: Any, where: str) -> Any:
    if not isinstance(backend, dict) or "serviceName" not in backend:
        return backend  # a resource backend, or already v1-shaped
    result = {k: v for k, v in backend.items() if k not in ("serviceName", "servicePort")}
    port = backend.get("servicePort")
    service: dict[str, Any] = {"name": backend["serviceName"]}
    if isinstance(port, int):
        service["port"] = {"number": port}
    elif isinstance(port, str) and port.isdigit():
        service["port"] = {"number": int(port)}
    elif isinstance(port, str):
        service["port"] = {"name": port}
    else:
        raise _Refused(f"{where}: servicePort must be a number or a port name")
    result["service"] = service
    return result


_INGRESS_CLASS = "kubernetes.io/ingress.class"


def _ingress(obj: Obj, old: str, notes: list[str]) -> None:
    spec = _spec(obj)
    if "backend" in spec:
        spec["defaultBackend"] = _ingress_backend(spec.pop("backend"), "spec.backend")
        notes.append("spec.backend → spec.defaultBackend")
    added_path_type = False
    for i, rule in enumerate(spec.get("rules") or []):
        for j, path in enumerate(((rule or {}).get("http") or {}).get("paths") or []):
            path["backend"] = _ingress_backend(path.get("backend"), f"spec.rules[{i}].http.paths[{j}]")
            if "pathType" not in path:
                path["pathType"] = "ImplementationSpecific"
                added_path_type = True
    notes.append("backends as service.name/service.port")
    if added_path_type:
        notes.append("pathType: ImplementationSpecific (v1beta1's behaviour)")
    if _INGRESS_CLASS in ((obj.get("metadata") or {}).get("annotations") or {}):
        # spec.ingressClassName would name an IngressClass object the old app never had.
        notes.append(f"{_INGRESS_CLASS} annotation kept (deprecated, still honoured)")


def _rbac(obj: Obj, old: str, notes: list[str]) -> None:
    """v1alpha1 subjects named their API with ``apiVersion``; v1 uses ``apiGroup``."""
    for subject in obj.get("subjects") or []:
        version = subject.pop("apiVersion", None) if isinstance(subject, dict) else None
        if version is not None and subject.get("kind") in ("User", "Group"):
            subject.setdefault("apiGroup", "rbac.authorization.k8s.io")
        if version is not None and "subjects[].apiVersion → apiGroup" not in notes:
            notes.append("subjects[].apiVersion → apiGroup")


_UNTYPED = ("x-kubernetes-int-or-string", "anyOf", "oneOf")


def _structural(schema: Any, *, preserve: bool) -> None:
    """Add the ``type`` a v1 (structural) schema needs where the v1beta1 one left it implicit.

    ``preserve``: v1beta1 kept unknown fields at every level (``preserveUnknownFields: true``,
    its default); v1 prunes them unless each object node says otherwise.
    """
    if not isinstance(schema, dict):
        return
    if "type" not in schema and not any(
        k in schema for k in ("x-kubernetes-int-or-string", "anyOf", "oneOf")
    ):
        if "properties" in schema or "additionalProperties" in schema:
            schema["type"] = "object"
        elif "items" in schema:
            schema["type"] = "array"
    if preserve and schema.get("type") == "object" and "additionalProperties" not in schema:
        schema["x-kubernetes-preserve-unknown-fields"] = True
    for child in (schema.get("properties") or {}).values():
        _structural(child, preserve=preserve)
    for key in ("items", "additionalProperties"):
        _structural(schema.get(key), preserve=preserve)


def _crd(obj: Obj, old: str, notes: list[str]) -> None:
    spec = _spec(obj)
    versions = spec.get("versions") or [{"name": spec.get("version"), "served": True, "storage": True}]
    if not versions[0].get("name"):
        raise _Refused("spec.version or spec.versions is required")
    spec.pop("version", None)
    validation = (spec.pop("validation", None) or {}).get("openAPIV3Schema")
    subresources = spec.pop("subresources", None)
    columns = spec.pop("additionalPrinterColumns", None)
    preserve = spec.pop("preserveUnknownFields", True)  # v1beta1's default
    for version in versions:
        version.setdefault("served", True)
        version.setdefault("storage", len(versions) == 1)
        schema = (version.get("schema") or {}).get("openAPIV3Schema") or copy.deepcopy(validation)
        schema = schema or {"type": "object"}
        schema.setdefault("type", "object")
        _structural(schema, preserve=bool(preserve))
        version["schema"] = {"openAPIV3Schema": schema}
        if subresources and "subresources" not in version:
            version["subresources"] = copy.deepcopy(subresources)
        version_columns = version.get("additionalPrinterColumns") or copy.deepcopy(columns)
        if version_columns:
            version["additionalPrinterColumns"] = [
                {("jsonPath" if k == "JSONPath" else k): v for k, v in column.items()}
                for column in version_columns
            ]
    spec["versions"] = versions
    notes.append("spec.versions with each version's schema")
    if preserve:
        notes.append("unknown fields preserved (x-kubernetes-preserve-unknown-fields)")
    if "scope" not in spec:
        spec["scope"] = "Namespaced"
        notes.append("scope: Namespaced (v1beta1's default) written out")
    conversion = spec.get("conversion") or {}
    if "webhookClientConfig" in conversion:
        conversion["webhook"] = {
            "clientConfig": conversion.pop("webhookClientConfig"),
            "conversionReviewVersions": conversion.pop("conversionReviewVersions", ["v1beta1"]),
        }
        notes.append("spec.conversion.webhook")


def _target(kind: str, value: Any) -> dict[str, Any]:
    field = {"Utilization": "averageUtilization", "AverageValue": "averageValue", "Value": "value"}[kind]
    return {"type": kind, field: value}


def _hpa_metric(metric: dict[str, Any]) -> dict[str, Any]:
    """One autoscaling/v2beta1 metric in v2's shape (v2beta2 metrics are already v2's)."""
    kind = metric.get("type")
    source = dict(metric.get(_METRIC_FIELD.get(str(kind), "")) or {})
    if ("target" in source and kind != "Object") or "metric" in source:
        return metric  # already v2 shaped
    if kind in ("Resource", "ContainerResource"):
        if "targetAverageUtilization" in source:
            target = _target("Utilization", source.pop("targetAverageUtilization"))
        else:
            target = _target("AverageValue", source.pop("targetAverageValue", None))
        return {"type": kind, _METRIC_FIELD[kind]: {**source, "target": target}}
    if kind in ("Pods", "Object", "External"):
        name = source.pop("metricName", None)
        selector = source.pop("metricSelector" if kind == "External" else "selector", None)
        moved: dict[str, Any] = {"metric": {"name": name, **({"selector": selector} if selector else {})}}
        if kind == "Object":
            moved["describedObject"] = source.pop("target", None)
        if "targetAverageValue" in source or "averageValue" in source:
            value = source.pop("targetAverageValue", source.pop("averageValue", None))
            moved["target"] = _target("AverageValue", value)
        else:
            moved["target"] = _target("Value", source.pop("targetValue", None))
        return {"type": kind, _METRIC_FIELD[str(kind)]: moved}
    raise _Refused(f"metric type {kind!r} is unknown")


_METRIC_FIELD = {
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "Pods": "pods",
    "Object": "object",
    "External": "external",
}


def _hpa(obj: Obj, old: str, notes: list[str]) -> None:
    spec = _spec(obj)
    if old == "autoscaling/v2beta1" and spec.get("metrics"):
        spec["metrics"] = [_hpa_metric(m) for m in spec["metrics"]]
        notes.append("metric targets as target.type/value")


_WEBHOOK_DEFAULTS = (("failurePolicy", "Ignore"), ("matchPolicy", "Exact"), ("timeoutSeconds", 30))


def _webhooks(obj: Obj, old: str, notes: list[str]) -> None:
    for webhook in obj.get("webhooks") or []:
        name = webhook.get("name", "?")
        if webhook.get("sideEffects", "Unknown") in ("Unknown", "Some"):
            raise _Refused(
                f"webhook {name!r}: admissionregistration.k8s.io/v1 needs sideEffects None or NoneOnDryRun, "
                "which only the webhook's author can promise; set it in the component"
            )
        webhook.setdefault("admissionReviewVersions", ["v1beta1"])
        for key, value in _WEBHOOK_DEFAULTS:
            webhook.setdefault(key, value)
    notes.append("v1beta1's webhook defaults written out")


def _pdb(obj: Obj, old: str, notes: list[str]) -> None:
    selector = _spec(obj).get("selector")
    if not selector or not any(selector.get(k) for k in ("matchLabels", "matchExpressions")):
        raise _Refused(
            "its empty selector matched no pods in policy/v1beta1 but matches every pod of the "
            "namespace in policy/v1; give it a selector"
        )


def _access_review(obj: Obj, old: str, notes: list[str]) -> None:
    spec = _spec(obj)
    if "group" in spec:
        spec["groups"] = spec.pop("group")
        notes.append("spec.group → spec.groups")


def _priority_level(obj: Obj, old: str, notes: list[str]) -> None:
    limited = _spec(obj).get("limited") or {}
    if "assuredConcurrencyShares" in limited:
        limited["nominalConcurrencyShares"] = limited.pop("assuredConcurrencyShares")
        notes.append("limited.assuredConcurrencyShares → nominalConcurrencyShares")


def _rules(kinds: Sequence[str], rule: _Rule) -> dict[str, _Rule]:
    return dict.fromkeys(kinds, rule)


_RULES: dict[str, _Rule] = {
    **_rules(("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"), _workload),
    "Ingress": _ingress,
    **_rules(("ClusterRoleBinding", "RoleBinding"), _rbac),
    "CustomResourceDefinition": _crd,
    "HorizontalPodAutoscaler": _hpa,
    **_rules(("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"), _webhooks),
    "PodDisruptionBudget": _pdb,
    **_rules(("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"), _access_review),
    "PriorityLevelConfiguration": _priority_level,
}
