"""What the API server checks beyond the published schemas: formats, enums, names.

The OpenAPI definitions say ``string`` for quantities, label keys and values, container,
port and object names, and list no enum values; the server then rejects bad ones on
create. The rules here are Kubernetes' (apimachinery's validation and the ``+enum`` types),
written as regular expressions so jsonschema reports them with their exact path.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ENUMS", "FORMATS", "describe_format", "name_format", "name_matches", "with_format"]

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_QUALIFIED = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_NUMBER = r"(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"

_PATTERNS = {
    "quantity": rf"^[+-]?{_NUMBER}(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?{_NUMBER}))?$",
    "label-value": rf"^(?=.{{0,63}}$)({_QUALIFIED})?$",
    "label-key": rf"^((?=[^/]{{1,253}}/){_SUBDOMAIN}/)?(?=[^/]{{1,63}}$){_QUALIFIED}$",
    "dns-label": rf"^(?=.{{1,63}}$){_LABEL}$",
    "dns-subdomain": rf"^(?=.{{1,253}}$){_SUBDOMAIN}$",
    "dns-1035-label": r"^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$",
    "port-name": r"^(?=.{1,15}$)(?=[^a-z]*[a-z])[a-z0-9]+(-[a-z0-9]+)*$",
    "path-segment": r"^(?!\.\.?$)[^/%]+$",
}

_DESCRIPTIONS = {
    "quantity": "invalid quantity {value}: a number with an optional suffix, e.g. 500m, 1.5, 2Gi, 1e3",
    "label-value": (
        "invalid label value {value}: at most 63 characters: letters, digits, '-', '_', '.', "
        "beginning and ending with a letter or digit"
    ),
    "label-key": (
        "invalid label key {value}: [prefix/]name with a name of at most 63 letters, digits, "
        "'-', '_', '.' (beginning and ending with a letter or digit) and a DNS subdomain prefix"
    ),
    "dns-label": (
        "invalid name {value}: must be an RFC 1123 label: at most 63 lowercase letters, digits "
        "or '-', beginning and ending with a letter or digit"
    ),
    "dns-subdomain": (
        "invalid name {value}: must be an RFC 1123 subdomain: at most 253 lowercase letters, "
        "digits, '-' or '.', beginning and ending with a letter or digit"
    ),
    "dns-1035-label": (
        "invalid name {value}: must be an RFC 1035 label: at most 63 lowercase letters, digits "
        "or '-', beginning with a letter and ending with a letter or digit"
    ),
    "port-name": (
        "invalid port name {value}: at most 15 lowercase letters, digits or '-', with a letter, "
        "no '--' and no '-' at either end"
    ),
    "path-segment": "invalid name {value}: must not be '.' or '..' nor contain '/' or '%'",
}

_V1 = "io.k8s.api.core.v1."

FORMATS = {
    (_V1 + "Container", "name"): "dns-label",
    (_V1 + "EphemeralContainer", "name"): "dns-label",
    (_V1 + "Volume", "name"): "dns-label",
    (_V1 + "ContainerPort", "name"): "port-name",
    (_V1 + "ServicePort", "name"): "dns-label",
    ("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "namespace"): "dns-label",
}
"""(definition, property) → the format the server enforces on that string."""

_PROTOCOLS = ("TCP", "UDP", "SCTP")
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    (_V1 + "Container", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
    (_V1 + "Container", "terminationMessagePolicy"): ("File", "FallbackToLogsOnError"),
    (_V1 + "EphemeralContainer", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
    (_V1 + "PodSpec", "restartPolicy"): ("Always", "OnFailure", "Never"),
    (_V1 + "PodSpec", "dnsPolicy"): ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
    (_V1 + "ContainerPort", "protocol"): _PROTOCOLS,
    (_V1 + "ServicePort", "protocol"): _PROTOCOLS,
    (_V1 + "ServiceSpec", "type"): ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"),
    (_V1 + "ServiceSpec", "sessionAffinity"): ("ClientIP", "None"),
    (_V1 + "ServiceSpec", "externalTrafficPolicy"): ("Cluster", "Local"),
    (_V1 + "Toleration", "operator"): ("Exists", "Equal"),
    (_V1 + "Toleration", "effect"): ("NoSchedule", "PreferNoSchedule", "NoExecute"),
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ("Recreate", "RollingUpdate"),
    ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy"): ("OrderedReady", "Parallel"),
    ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy"): ("Allow", "Forbid", "Replace"),
    ("io.k8s.api.networking.v1.HTTPIngressPath", "pathType"): ("Exact", "Prefix", "ImplementationSpecific"),
}
"""(definition, property) → its values: Kubernetes' ``+enum`` string types most manifests set."""

_NAMES = {
    ("", "Namespace"): "dns-label",
    ("", "Service"): "dns-1035-label",
    **{
        ("rbac.authorization.k8s.io", kind): "path-segment"
        for kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
    },
}


def with_format(fmt: str) -> dict[str, Any]:
    """Schema keywords checking ``fmt``; ``x-kfkit-format`` lets findings explain a mismatch."""
    return {"pattern": _PATTERNS[fmt], "x-kfkit-format": fmt}


def name_format(group: str, kind: str) -> str:
    """The format the server requires of ``metadata.name`` for ``kind`` (most: a DNS subdomain)."""
    return _NAMES.get((group, kind), "dns-subdomain")


def name_matches(fmt: str, name: str) -> bool:
    return re.search(_PATTERNS[fmt], name) is not None


def describe_format(fmt: str, value: object) -> str:
    return _DESCRIPTIONS[fmt].format(value=repr(value))
