"""ObjectId and Action: the one way kfkit names objects and what it does to them."""

from __future__ import annotations

from kfkit import Action, ObjectId
from kfkit._types import Obj
from kfkit.errors import Finding


def _deployment(version: str = "apps/v1", **meta: str) -> Obj:
    return {"apiVersion": version, "kind": "Deployment", "metadata": {"name": "web", **meta}}


def test_an_id_reads_group_version_kind_namespace_name_and_component() -> None:
    obj = _deployment(namespace="ns")
    obj["metadata"]["labels"] = {"ksonnet.io/component": "model-server"}

    oid = ObjectId.of(obj)

    assert (oid.group, oid.version, oid.kind, oid.namespace, oid.name) == (
        "apps",
        "v1",
        "Deployment",
        "ns",
        "web",
    )
    assert oid.component == "model-server"
    assert oid.api_version == "apps/v1"
    assert str(oid) == "Deployment ns/web"


def test_the_core_group_is_empty_and_cluster_scoped_ids_have_no_namespace() -> None:
    oid = ObjectId.of({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}})
    assert (oid.group, oid.api_version, str(oid)) == ("", "v1", "Namespace prod")


def test_version_and_component_are_not_part_of_identity() -> None:
    old, new = ObjectId.of(_deployment("apps/v1beta1")), ObjectId.of(_deployment())
    assert old == new
    assert hash(old) == hash(new)
    assert ObjectId("apps", "Deployment", "", "web", component="a") == ObjectId(
        "apps", "Deployment", "", "web"
    )
    assert ObjectId.of(_deployment(namespace="a")) != ObjectId.of(_deployment(namespace="b"))


def test_generate_name_stands_in_for_a_missing_name() -> None:
    oid = ObjectId.of({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "run-"}})
    assert oid.name == "run-"


def test_actions_are_their_verbs_and_report_in_the_past_tense() -> None:
    assert Action("create") is Action.CREATE
    verb: str = Action.CONFIGURE  # a str itself, so it compares equal to its verb
    assert verb == "configure"
    assert [a.done for a in Action] == [
        "created",
        "configured",
        "unchanged",
        "pruned",
        "deleted",
        "not found",
        "ready",
    ]


def test_nameless_objects_are_named_by_kind_alone_without_stray_separators() -> None:
    review = ObjectId.of({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview"})
    local = ObjectId.of(
        {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "LocalSubjectAccessReview",
            "metadata": {"namespace": "ns"},
        }
    )
    assert str(review) == "TokenReview"
    assert str(local) == "LocalSubjectAccessReview in namespace ns"
    assert review.to_json()["object"] == "TokenReview"
    assert (
        str(Finding("unknown field", object_id=review, field="spec.x"))
        == "TokenReview: spec.x: unknown field"
    )
