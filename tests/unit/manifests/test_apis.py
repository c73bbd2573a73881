"""The removed-API table: lookups, messages, and the successor chains the upgrader follows."""

from __future__ import annotations

import pytest

from kfkit.manifests import API_CHANGES, api_change, k8s_minor, removed_api


def test_removed_workload_says_when_and_how_to_fix() -> None:
    change = api_change("extensions/v1beta1", "Deployment")
    assert change is not None
    assert change.message() == (
        "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1 "
        "(kfkit can rewrite it: --upgrade-apis)"
    )


def test_current_apis_are_not_in_the_table() -> None:
    assert api_change("apps/v1", "Deployment") is None
    assert api_change("v1", "Service") is None
    assert removed_api("apps/v1", "Deployment") is None


def test_removal_depends_on_the_cluster_version() -> None:
    assert removed_api("extensions/v1beta1", "Ingress", "v1.21.3") is None
    assert removed_api("extensions/v1beta1", "Ingress", "v1.22.0") is not None
    assert removed_api("extensions/v1beta1", "Ingress") is not None  # a current cluster


def test_pod_security_policy_has_no_successor_even_from_extensions() -> None:
    old = api_change("extensions/v1beta1", "PodSecurityPolicy")
    assert old is not None and old.successor == "policy/v1beta1"
    assert old.current_successor is None
    assert not old.upgradable
    assert "has no successor" in old.message()
    assert "Pod Security Admission" in old.message()


def test_successor_chains_end_at_a_served_version() -> None:
    flow = api_change("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema")
    assert flow is not None and flow.current_successor == "flowcontrol.apiserver.k8s.io/v1"


def test_kinds_kfkit_cannot_rewrite_say_what_to_change() -> None:
    csr = api_change("certificates.k8s.io/v1beta1", "CertificateSigningRequest")
    assert csr is not None and not csr.upgradable
    assert csr.message() == (
        "certificates.k8s.io/v1beta1 CertificateSigningRequest was removed in Kubernetes 1.22: "
        "use certificates.k8s.io/v1 (v1 requires spec.signerName and spec.usages)"
    )


def test_table_is_consistent() -> None:
    keys = [(c.api_version, c.kind) for c in API_CHANGES]
    assert len(keys) == len(set(keys))
    for change in API_CHANGES:
        assert k8s_minor(change.deprecated_in) <= k8s_minor(change.removed_in or "1.99"), change
        if change.successor is not None:
            assert change.successor != change.api_version
            assert change.successor_since is not None, change
        # Every chain ends: no successor loops back.
        assert change.current_successor != change.api_version


@pytest.mark.parametrize(("text", "minor"), [("v1.16.3", (1, 16)), ("1.22", (1, 22)), ("v1.34.10", (1, 34))])
def test_k8s_minor(text: str, minor: tuple[int, int]) -> None:
    assert k8s_minor(text) == minor


def test_k8s_minor_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="not a Kubernetes version"):
        k8s_minor("latest")
