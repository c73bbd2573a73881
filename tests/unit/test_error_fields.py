"""Errors carry fields a program can read; ``str()`` stays the one line people read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kfkit import (
    ApiError,
    App,
    Conflict,
    Finding,
    Forbidden,
    Invalid,
    JsonnetSyntaxError,
    KfkitError,
    KfkitWarning,
    Location,
    ManifestError,
    ObjectId,
    RenderError,
    ValidationError,
)
from kfkit.jsonnet import parse
from kfkit.manifests import extract

WEB = ObjectId("apps", "Deployment", "ns", "web", "v1", component="frontend")


def test_a_render_error_has_the_component_file_line_and_column(tmp_path: Path) -> None:
    kf = App.init(tmp_path / "app")
    (kf.root / "components" / "broken.jsonnet").write_text('{\n  a: error "no model path",\n}\n')

    with pytest.raises(RenderError) as caught:
        kf.render("default")

    assert caught.value.location == Location("components/broken.jsonnet", 2, 6)
    assert str(caught.value).startswith("components/broken.jsonnet:2:6")
    assert str(caught.value).endswith("no model path")
    assert "\n" not in str(caught.value)


def test_a_syntax_error_of_kfkit_s_own_parser_has_its_location() -> None:
    with pytest.raises(JsonnetSyntaxError) as caught:
        parse("{\n  a: 1 +\n}\n", "params.libsonnet")

    assert caught.value.location is not None
    assert (caught.value.location.file, caught.value.location.line) == ("params.libsonnet", 3)
    assert str(caught.value).startswith(f"{caught.value.location}: ")


def test_manifest_errors_name_the_component_and_the_object() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    with pytest.raises(ManifestError) as twice:
        extract({"a": json.loads(json.dumps(config)), "b": json.loads(json.dumps(config))})
    assert twice.value.object_id == ObjectId("", "ConfigMap", "", "c")
    assert str(twice.value) == "ConfigMap c is rendered twice: by component 'a' and 'b'"

    with pytest.raises(ManifestError) as not_an_object:
        extract({"web": ["text"]})
    assert not_an_object.value.component == "web"
    assert not_an_object.value.object_id is None


def test_an_api_error_keeps_the_status_and_reason_the_server_sent() -> None:
    from kfkit.cluster import ClusterClient, Target

    client = ClusterClient(None, Target("default", "ctx", "https://k8s:6443", "ns", "kubeconfig"))
    body = json.dumps({"kind": "Status", "reason": "Forbidden", "message": 'cannot "get" configmaps'})

    error = client._error(403, "Forbidden", body.encode())

    assert isinstance(error, Forbidden)
    assert (error.status, error.reason, str(error)) == (403, "Forbidden", 'cannot "get" configmaps')
    invalid = client._error(422, "Unprocessable Entity", b'{"reason": "Invalid", "message": "bad"}')
    assert isinstance(invalid, Invalid)
    assert (invalid.status, invalid.reason) == (422, "Invalid")
    unavailable = client._error(503, "Service Unavailable", b"")
    assert isinstance(unavailable, ApiError)
    assert (unavailable.status, type(unavailable).__name__) == (503, "ApiError")  # not about one object
    assert str(unavailable) == "https://k8s:6443 answered 503 Service Unavailable: Service Unavailable"


def test_errors_kfkit_raises_itself_have_no_status() -> None:
    error = Conflict('it belongs to app "a" environment "prod"', object_id=WEB)
    assert (error.status, error.reason, error.component) == (None, "", "frontend")


def test_a_validation_error_carries_its_findings_and_summarises_them() -> None:
    replicas = Finding("must be an integer", WEB, field="spec.replicas")
    image = Finding("is required", WEB, field="spec.template.spec.containers[0].image")
    style = Finding("no resource limits", WEB, severity="warning")

    one = ValidationError([replicas, style])
    assert one.findings == [replicas, style]
    assert str(one) == 'component "frontend": Deployment ns/web: spec.replicas: must be an integer'
    assert one.object_id == WEB

    two = ValidationError([replicas, image])
    assert str(two).startswith('2 problems, the first: component "frontend": Deployment ns/web')
    assert str(ValidationError([])) == "validation failed"


def test_every_field_is_optional_and_the_message_is_unchanged() -> None:
    error = KfkitError("plain")
    assert (str(error), error.location, error.component, error.object_id, error.details) == (
        "plain",
        None,
        "",
        None,
        "",
    )


def test_warnings_are_objects_with_the_same_fields() -> None:
    warning = KfkitWarning("no resource limits", object_id=WEB)
    assert isinstance(warning, UserWarning)
    assert (str(warning), warning.component, warning.object_id) == ("no resource limits", "frontend", WEB)
    assert str(Location("a.jsonnet", 3, 0)) == "a.jsonnet:3"
