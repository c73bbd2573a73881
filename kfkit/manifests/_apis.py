"""Kubernetes API versions that were deprecated or removed, as data: the one table that
validation (a removed API is a finding, not "a missing CRD?") and the API upgrader
(``--upgrade-apis``) both read.

Facts from Kubernetes' "Deprecated API Migration Guide" and release notes, cross-checked
against the OpenAPI specs kfkit ships (tests/unit/manifests/test_apis.py): an entry says
from which release on ``api_version``/``kind`` is no longer served, and what replaces it.

>>> change = api_change("extensions/v1beta1", "Deployment")
>>> change.removed_in, change.successor
('1.16', 'apps/v1')
>>> change.message().split(":")[0]
'extensions/v1beta1 Deployment was removed in Kubernetes 1.16'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "API_CHANGES",
    "ApiChange",
    "api_change",
    "k8s_minor",
    "removed_api",
]


@dataclass(frozen=True)
class ApiChange:
    """One ``apiVersion``/``kind`` pair that Kubernetes deprecated and (usually) removed."""

    api_version: str
    kind: str
    deprecated_in: str
    """The release that deprecated it ("1.9"); its successor has been served since then or earlier."""
    removed_in: str | None
    """The first release that no longer serves it; None while it is only deprecated."""
    successor: str | None
    """The ``apiVersion`` to use instead (same kind); None when nothing replaces it."""
    successor_since: str | None = None
    """The first release that serves ``successor``."""
    rewritable: bool = True
    """kfkit's upgrader can rewrite it (False: the successor needs decisions only a person can make)."""
    note: str = ""
    """What else changes beyond the apiVersion, in a few words."""

    def removed(self, k8s_version: str | None = None) -> bool:
        """Whether a cluster of ``k8s_version`` (default: any current cluster) no longer serves it."""
        if self.removed_in is None:
            return False
        return k8s_version is None or k8s_minor(k8s_version) >= k8s_minor(self.removed_in)

    @property
    def current_successor(self) -> str | None:
        """The ``apiVersion`` a current cluster serves for this kind, following successors that
        were removed in turn (extensions/v1beta1 PodSecurityPolicy → policy/v1beta1 → none)."""
        return _chain(self)[-1].successor

    @property
    def upgradable(self) -> bool:
        """kfkit's upgrader can carry an object of this API to :attr:`current_successor`."""
        chain = _chain(self)
        return chain[-1].successor is not None and all(c.rewritable for c in chain)

    def message(self) -> str:
        """What a user reads when an object uses this API: what happened and the fix."""
        what = f"{self.api_version} {self.kind}"
        when = (
            f"was removed in Kubernetes {self.removed_in}"
            if self.removed_in
            else f"is deprecated since Kubernetes {self.deprecated_in}"
        )
        current = self.current_successor
        if current is None:
            note = _chain(self)[-1].note
            return f"{what} {when} and has no successor{': ' + note if note else ''}"
        fix = f"use {current}"
        if self.upgradable:
            fix += " (kfkit can rewrite it: --upgrade-apis)"
        elif self.note:
            fix += f" ({self.note})"
        return f"{what} {when}: {fix}"


def _change(
    api_versions: str,
    kinds: str,
    deprecated_in: str,
    removed_in: str | None,
    successor: str | None,
    successor_since: str | None = None,
    *,
    rewritable: bool = True,
    note: str = "",
) -> list[ApiChange]:
    return [
        ApiChange(v, k, deprecated_in, removed_in, successor, successor_since, rewritable, note)
        for v in api_versions.split()
        for k in kinds.split()
    ]


_NO_PSP = "use Pod Security Admission (namespace labels) or a policy engine instead"

API_CHANGES: tuple[ApiChange, ...] = (
    # Removed in 1.16: workloads, NetworkPolicy, PodSecurityPolicy out of extensions.
    *_change("extensions/v1beta1 apps/v1beta2", "DaemonSet", "1.9", "1.16", "apps/v1", "1.9",
             note="spec.selector required (from the template labels)"),
    *_change("extensions/v1beta1 apps/v1beta1 apps/v1beta2", "Deployment ReplicaSet", "1.9", "1.16",
             "apps/v1", "1.9", note="spec.selector required (from the template labels)"),
    *_change("apps/v1beta1 apps/v1beta2", "StatefulSet", "1.9", "1.16", "apps/v1", "1.9",
             note="spec.selector required (from the template labels)"),
    *_change("apps/v1beta1 apps/v1beta2", "ControllerRevision", "1.9", "1.16", "apps/v1", "1.9"),
    *_change("extensions/v1beta1", "NetworkPolicy", "1.9", "1.16", "networking.k8s.io/v1", "1.7"),
    *_change("extensions/v1beta1", "PodSecurityPolicy", "1.11", "1.16", "policy/v1beta1", "1.10"),
    # Removed in 1.20 and 1.21: alpha APIs with a stable successor or none.
    *_change("settings.k8s.io/v1alpha1", "PodPreset", "1.19", "1.20", None,
             note="use a mutating admission webhook instead"),
    *_change("batch/v2alpha1", "CronJob", "1.21", "1.21", "batch/v1", "1.21"),
    # Removed in 1.22.
    *_change("admissionregistration.k8s.io/v1beta1",
             "MutatingWebhookConfiguration ValidatingWebhookConfiguration", "1.16", "1.22",
             "admissionregistration.k8s.io/v1", "1.16",
             note="v1 requires sideEffects and admissionReviewVersions per webhook"),
    *_change("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.16", "1.22",
             "apiextensions.k8s.io/v1", "1.16",
             note="spec.versions[*].schema, no spec.preserveUnknownFields: true"),
    *_change("apiregistration.k8s.io/v1beta1", "APIService", "1.19", "1.22", "apiregistration.k8s.io/v1",
             "1.10"),
    *_change("authentication.k8s.io/v1beta1", "TokenReview", "1.19", "1.22", "authentication.k8s.io/v1",
             "1.6"),
    *_change("authorization.k8s.io/v1beta1",
             "LocalSubjectAccessReview SelfSubjectAccessReview SubjectAccessReview", "1.19", "1.22",
             "authorization.k8s.io/v1", "1.6", note="spec.group became spec.groups"),
    *_change("certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.19", "1.22",
             "certificates.k8s.io/v1", "1.19", rewritable=False,
             note="v1 requires spec.signerName and spec.usages"),
    *_change("coordination.k8s.io/v1beta1", "Lease", "1.19", "1.22", "coordination.k8s.io/v1", "1.14"),
    *_change("extensions/v1beta1 networking.k8s.io/v1beta1", "Ingress", "1.14", "1.22",
             "networking.k8s.io/v1", "1.19",
             note="backend becomes service.name/service.port, pathType required"),
    *_change("networking.k8s.io/v1beta1", "IngressClass", "1.19", "1.22", "networking.k8s.io/v1", "1.19"),
    *_change("rbac.authorization.k8s.io/v1beta1", "ClusterRole ClusterRoleBinding Role RoleBinding",
             "1.17", "1.22", "rbac.authorization.k8s.io/v1", "1.8"),
    *_change("scheduling.k8s.io/v1beta1", "PriorityClass", "1.14", "1.22", "scheduling.k8s.io/v1", "1.14"),
    *_change("storage.k8s.io/v1beta1", "StorageClass", "1.19", "1.22", "storage.k8s.io/v1", "1.6"),
    *_change("storage.k8s.io/v1beta1", "VolumeAttachment", "1.19", "1.22", "storage.k8s.io/v1", "1.13"),
    *_change("storage.k8s.io/v1beta1", "CSINode", "1.19", "1.22", "storage.k8s.io/v1", "1.17"),
    *_change("storage.k8s.io/v1beta1", "CSIDriver", "1.19", "1.22", "storage.k8s.io/v1", "1.19"),
    # Removed in 1.23: the alpha versions of RBAC and PriorityClass.
    *_change("rbac.authorization.k8s.io/v1alpha1", "ClusterRole ClusterRoleBinding Role RoleBinding",
             "1.17", "1.23", "rbac.authorization.k8s.io/v1", "1.8"),
    *_change("scheduling.k8s.io/v1alpha1", "PriorityClass", "1.14", "1.23", "scheduling.k8s.io/v1", "1.14"),
    # Removed in 1.25.
    *_change("batch/v1beta1", "CronJob", "1.21", "1.25", "batch/v1", "1.21"),
    *_change("discovery.k8s.io/v1beta1", "EndpointSlice", "1.21", "1.25", "discovery.k8s.io/v1", "1.21",
             rewritable=False, note="topology became per-endpoint nodeName/zone"),
    *_change("events.k8s.io/v1beta1", "Event", "1.19", "1.25", "events.k8s.io/v1", "1.19",
             rewritable=False, note="several fields renamed; events are written by controllers"),
    *_change("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22", "1.25", "autoscaling/v2", "1.23",
             note="metric targets become target.type/averageValue/averageUtilization"),
    *_change("policy/v1beta1", "PodDisruptionBudget", "1.21", "1.25", "policy/v1", "1.21",
             note="an empty selector selects every pod in the namespace"),
    *_change("policy/v1beta1", "PodSecurityPolicy", "1.21", "1.25", None, note=_NO_PSP),
    *_change("node.k8s.io/v1beta1", "RuntimeClass", "1.20", "1.25", "node.k8s.io/v1", "1.20"),
    # Removed in 1.26, 1.27, 1.29, 1.32.
    *_change("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.23", "1.26", "autoscaling/v2", "1.23"),
    *_change("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema PriorityLevelConfiguration", "1.23",
             "1.26", "flowcontrol.apiserver.k8s.io/v1beta3", "1.26"),
    *_change("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.24", "1.27", "storage.k8s.io/v1", "1.24"),
    *_change("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema PriorityLevelConfiguration", "1.26",
             "1.29", "flowcontrol.apiserver.k8s.io/v1", "1.29"),
    *_change("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema PriorityLevelConfiguration", "1.29",
             "1.32", "flowcontrol.apiserver.k8s.io/v1", "1.29",
             note="limited.assuredConcurrencyShares became nominalConcurrencyShares"),
)  # fmt: skip
"""Every known change, one entry per ``apiVersion``/``kind``."""

_BY_KEY = {(c.api_version, c.kind): c for c in API_CHANGES}


def api_change(api_version: str, kind: str) -> ApiChange | None:
    """The table entry for ``api_version``/``kind``, or None when that API is current."""
    return _BY_KEY.get((api_version, kind))


def removed_api(api_version: str, kind: str, k8s_version: str | None = None) -> ApiChange | None:
    """The entry when a cluster of ``k8s_version`` (default: a current one) does not serve it."""
    change = _BY_KEY.get((api_version, kind))
    return change if change is not None and change.removed(k8s_version) else None


def _chain(change: ApiChange) -> list[ApiChange]:
    """``change`` and the entries of its successors that were removed in turn (PSP: extensions → policy)."""
    chain = [change]
    while chain[-1].successor and (after := _BY_KEY.get((chain[-1].successor, change.kind))) is not None:
        if not after.removed():
            break
        chain.append(after)
    return chain


_MINOR = re.compile(r"^v?(\d+)\.(\d+)")


def k8s_minor(version: str) -> tuple[int, int]:
    """``v1.16.3``, ``1.16`` → ``(1, 16)``; anything else is a ValueError naming the text."""
    match = _MINOR.match(version.strip())
    if match is None:
        raise ValueError(f"not a Kubernetes version: {version!r}")
    return int(match.group(1)), int(match.group(2))
