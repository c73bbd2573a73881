"""API upgrade rules: every rule has a before/after golden (tests/golden/upgrade-apis/).

The after files are reviewed by eye; ``KFKIT_UPDATE_GOLDEN=1`` rewrites them. The cluster
suite (tests/cluster/test_upgrade_apis_on_server.py) dry-runs each after file strictly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kfkit.errors import ManifestError
from kfkit.manifests import API_CHANGES, to_yaml, upgrade_apis, upgrade_object
from tests.golden_files import check_golden

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "upgrade-apis"
CASES = sorted(p.name.removesuffix(".before.yaml") for p in GOLDEN.glob("*.before.yaml"))


def upgraded_text(case: str) -> str:
    """The after golden: one comment line per upgrade, then the objects as ``kfkit show`` prints them."""
    before = [d for d in yaml.safe_load_all((GOLDEN / f"{case}.before.yaml").read_text()) if d]
    after, upgrades = upgrade_apis(before)
    assert len(upgrades) == len(before), "every object in a before file uses a removed API"
    return "".join(f"# {u.summary()}\n" for u in upgrades) + to_yaml(after)


@pytest.mark.parametrize("case", CASES)
def test_after_matches_the_reviewed_golden(case: str) -> None:
    check_golden(GOLDEN / f"{case}.after.yaml", upgraded_text(case))


def test_every_upgradable_kind_in_the_table_has_a_golden() -> None:
    covered = set()
    for path in GOLDEN.glob("*.before.yaml"):
        covered |= {d["kind"] for d in yaml.safe_load_all(path.read_text()) if d}
    # Its spec must name the namespace of the request, which a golden cannot know: unit-tested below.
    rare = {"LocalSubjectAccessReview"}
    missing = {c.kind for c in API_CHANGES if c.upgradable and c.kind not in rare | covered}
    assert not missing


def test_objects_are_never_changed_in_place() -> None:
    before = {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "x"},
              "spec": {"template": {"metadata": {"labels": {"a": "b"}}}}}  # fmt: skip
    snapshot = yaml.safe_dump(before)
    upgrade = upgrade_object(before)
    assert upgrade is not None and upgrade.after["spec"]["selector"] == {"matchLabels": {"a": "b"}}
    assert yaml.safe_dump(before) == snapshot


def test_current_apis_pass_through() -> None:
    objects = [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}]
    assert upgrade_apis(objects) == (objects, [])


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            {"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", "metadata": {"name": "restricted"}},
            "cannot upgrade policy/v1beta1 PodSecurityPolicy restricted: policy/v1beta1 PodSecurityPolicy was "
            "removed in Kubernetes 1.25 and has no successor: use Pod Security Admission",
        ),
        (
            {"apiVersion": "extensions/v1beta1", "kind": "PodSecurityPolicy", "metadata": {"name": "old"}},
            "extensions/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.16 and has no successor",
        ),
        (
            {
                "apiVersion": "extensions/v1beta1",
                "kind": "Deployment",
                "metadata": {"name": "bare"},
                "spec": {"template": {"spec": {}}},
            },
            "apps/v1 requires spec.selector and the pod template has no labels",
        ),
        (
            {
                "apiVersion": "policy/v1beta1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "all"},
                "spec": {"minAvailable": 1},
            },
            "matches every pod of the namespace in policy/v1; give it a selector",
        ),
        (
            {
                "apiVersion": "admissionregistration.k8s.io/v1beta1",
                "kind": "ValidatingWebhookConfiguration",
                "metadata": {"name": "w"},
                "webhooks": [{"name": "w.example.com"}],
            },
            "webhook 'w.example.com': admissionregistration.k8s.io/v1 needs sideEffects None or NoneOnDryRun",
        ),
        (
            {
                "apiVersion": "certificates.k8s.io/v1beta1",
                "kind": "CertificateSigningRequest",
                "metadata": {"name": "csr"},
            },
            "use certificates.k8s.io/v1 (v1 requires spec.signerName and spec.usages); kfkit does not rewrite it",
        ),
    ],
)
def test_refusals_say_why_and_what_to_do(obj: dict[str, object], message: str) -> None:
    with pytest.raises(ManifestError, match="cannot upgrade") as caught:
        upgrade_apis([obj])
    assert message in str(caught.value)


def test_every_refusal_is_reported_at_once() -> None:
    psp = {"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy"}
    with pytest.raises(ManifestError, match=r"PodSecurityPolicy a: .* \(and 1 more: .*PodSecurityPolicy b: "):
        upgrade_apis([{**psp, "metadata": {"name": "a"}}, {**psp, "metadata": {"name": "b"}}])


def test_access_reviews_and_priority_levels_rename_fields() -> None:
    for kind in ("SubjectAccessReview", "LocalSubjectAccessReview"):
        review = upgrade_object({"apiVersion": "authorization.k8s.io/v1beta1", "kind": kind,
                                 "spec": {"user": "u", "group": ["g"]}})  # fmt: skip
        assert review is not None and review.after["apiVersion"] == "authorization.k8s.io/v1"
        assert review.after["spec"] == {"user": "u", "groups": ["g"]}


def test_messages_about_nameless_reviews_have_no_stray_space() -> None:
    review = upgrade_object({"apiVersion": "authentication.k8s.io/v1beta1", "kind": "TokenReview"})
    assert review is not None
    assert review.summary() == "TokenReview: authentication.k8s.io/v1beta1 → authentication.k8s.io/v1"
    local = {"apiVersion": "authorization.k8s.io/v1beta1", "kind": "LocalSubjectAccessReview",
             "metadata": {"namespace": "ns"}, "spec": ["not", "an", "object"]}  # fmt: skip
    with pytest.raises(ManifestError) as caught:
        upgrade_apis([local])
    assert str(caught.value).startswith(
        "cannot upgrade authorization.k8s.io/v1beta1 LocalSubjectAccessReview in namespace ns: "
    )
