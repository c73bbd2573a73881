"""Offline validation: one finding per broken field, with its exact path and reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit.errors import UsageError
from kfkit.validate import Code, ValidateOptions, resolve_version, validate_objects
from tests.cli import support

Obj = dict[str, Any]
LATEST = ValidateOptions(k8s_version="1.34")


def deployment() -> Obj:
    labels = {"app": "web"}
    container = {
        "name": "web",
        "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 80}],
        "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"ksonnet.io/component": "web", **labels}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def service() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"ksonnet.io/component": "web"}},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]},
    }


def _parent(obj: Obj, path: str) -> tuple[Any, Any]:
    """The container of the dotted ``path`` (``[n]`` for list items) and the last key."""
    parts = [int(p[1:-1]) if p.startswith("[") else p for p in path.replace("[", ".[").split(".")]
    target: Any = obj
    for part in parts[:-1]:
        target = target[part]
    return target, parts[-1]


def _set(path: str, value: Any) -> Callable[[Obj], None]:
    def mutate(obj: Obj) -> None:
        target, key = _parent(obj, path)
        target[key] = value

    return mutate


def _delete(path: str) -> Callable[[Obj], None]:
    def mutate(obj: Obj) -> None:
        target, key = _parent(obj, path)
        del target[key]

    return mutate


CONTAINER = "spec.template.spec.containers[0]"
BROKEN = {
    "unknown field (fsGroup on a container)": (
        deployment,
        _set(f"{CONTAINER}.securityContext", {"fsGroup": 1000}),
        Code.UNKNOWN_FIELD,
        f"{CONTAINER}.securityContext.fsGroup",
        "unknown field",
    ),
    "misplaced field (replicas in the pod spec)": (
        deployment,
        _set("spec.template.spec.replicas", 3),
        Code.UNKNOWN_FIELD,
        "spec.template.spec.replicas",
        "unknown field",
    ),
    "misspelt field": (
        deployment,
        _set(f"{CONTAINER}.imagePulPolicy", "Always"),
        Code.UNKNOWN_FIELD,
        f"{CONTAINER}.imagePulPolicy",
        'unknown field (did you mean "imagePullPolicy"?)',
    ),
    "wrong type": (
        deployment,
        _set("spec.replicas", "2"),
        Code.TYPE,
        "spec.replicas",
        "expected integer, got string '2'",
    ),
    "missing required field": (
        deployment,
        _delete("spec.selector"),
        Code.REQUIRED,
        "spec.selector",
        "missing required field",
    ),
    "bad enum": (
        deployment,
        _set(f"{CONTAINER}.imagePullPolicy", "Sometimes"),
        Code.ENUM,
        f"{CONTAINER}.imagePullPolicy",
        "must be one of Always, IfNotPresent, Never; got 'Sometimes'",
    ),
    "bad enum in a Service": (
        service,
        _set("spec.type", "Internal"),
        Code.ENUM,
        "spec.type",
        "must be one of ClusterIP, NodePort, LoadBalancer, ExternalName; got 'Internal'",
    ),
    "bad quantity": (
        deployment,
        _set(f"{CONTAINER}.resources.limits.memory", "1GB"),
        Code.FORMAT,
        f"{CONTAINER}.resources.limits.memory",
        "invalid quantity '1GB': a number with an optional suffix, e.g. 500m, 1.5, 2Gi, 1e3",
    ),
    "bad name": (
        deployment,
        _set("metadata.name", "Web_1"),
        Code.FORMAT,
        "metadata.name",
        "invalid name 'Web_1': must be an RFC 1123 subdomain",
    ),
    "bad Service name (RFC 1035)": (
        service,
        _set("metadata.name", "1web"),
        Code.FORMAT,
        "metadata.name",
        "invalid name '1web': must be an RFC 1035 label",
    ),
    "bad container name": (
        deployment,
        _set(f"{CONTAINER}.name", "Web"),
        Code.FORMAT,
        f"{CONTAINER}.name",
        "invalid name 'Web': must be an RFC 1123 label",
    ),
    "bad port name": (
        deployment,
        _set(f"{CONTAINER}.ports[0].name", "http-proxy-server"),
        Code.FORMAT,
        f"{CONTAINER}.ports[0].name",
        "invalid port name 'http-proxy-server'",
    ),
    "bad label value": (
        deployment,
        _set("metadata.labels.tier", "-front"),
        Code.FORMAT,
        "metadata.labels.tier",
        "invalid label value '-front'",
    ),
    "bad label key": (
        deployment,
        _set("spec.selector.matchLabels", {"a/b/c": "x"}),
        Code.FORMAT,
        'spec.selector.matchLabels["a/b/c"]',
        "invalid label key 'a/b/c'",
    ),
    "removed API": (
        deployment,
        _set("apiVersion", "extensions/v1beta1"),
        Code.REMOVED_API,
        "apiVersion",
        "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1",
    ),
    "kind the version does not have": (
        deployment,
        _set("apiVersion", "apps/v2"),
        Code.UNKNOWN_KIND,
        "kind",
        "Kubernetes 1.34 has no kind Deployment in apps/v2",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_manifest_gets_exactly_one_finding_at_its_path(case: str) -> None:
    make, mutate, code, path, reason = BROKEN[case]
    obj = make()
    mutate(obj)

    result = validate_objects([obj], LATEST)

    [finding] = result.findings
    assert (finding.severity, finding.code, finding.field) == ("error", code, path)
    assert finding.message.startswith(reason)
    assert finding.object_id is not None
    assert finding.object_id.component == "web"
    assert not result.ok


def test_valid_objects_have_no_findings() -> None:
    result = validate_objects([deployment(), service()], LATEST)
    assert result.findings == []
    assert result.ok
    assert (result.k8s_version, result.objects) == ("1.34", 2)


def test_every_problem_of_an_object_is_reported_in_path_order() -> None:
    obj = deployment()
    for mutate in (
        _set(f"{CONTAINER}.securityContext", {"fsGroup": 1000}),
        _set("spec.replicas", "2"),
        _delete(f"{CONTAINER}.name"),
    ):
        mutate(obj)
    result = validate_objects([obj], LATEST)
    assert [(f.code, f.field) for f in result.findings] == [
        (Code.TYPE, "spec.replicas"),
        (Code.REQUIRED, f"{CONTAINER}.name"),
        (Code.UNKNOWN_FIELD, f"{CONTAINER}.securityContext.fsGroup"),
    ]
    assert str(result.findings[0]) == (
        "component \"web\": Deployment web: spec.replicas: expected integer, got string '2'"
    )


def test_a_deprecated_api_is_a_warning_in_versions_that_still_serve_it() -> None:
    schema = {
        "apiVersion": "flowcontrol.apiserver.k8s.io/v1beta3",
        "kind": "FlowSchema",
        "metadata": {"name": "fs"},
        "spec": {"priorityLevelConfiguration": {"name": "global-default"}},
    }
    result = validate_objects([schema], ValidateOptions(k8s_version="1.30"))
    [finding] = result.findings
    assert (finding.severity, finding.code, finding.field) == (
        "warning",
        Code.DEPRECATED_API,
        "apiVersion",
    )
    assert finding.message == (
        "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated since Kubernetes 1.29 "
        "and removed in 1.32: use flowcontrol.apiserver.k8s.io/v1"
    )
    assert result.ok
    [removed] = validate_objects([schema], ValidateOptions(k8s_version="1.32")).findings
    assert removed.code is Code.REMOVED_API
    assert "was removed in Kubernetes 1.32" in removed.message


def test_the_version_comes_from_the_option_then_the_environment_then_the_newest() -> None:
    newest = resolve_version("")[0]
    assert validate_objects([service()], ValidateOptions(), env_k8s_version="v1.30.2").k8s_version == "1.30"
    assert (
        validate_objects([service()], ValidateOptions(k8s_version="1.31"), env_k8s_version="1.30").k8s_version
        == "1.31"
    )
    assert validate_objects([service()], ValidateOptions()).k8s_version == f"{newest[0]}.{newest[1]}"


def test_a_version_without_schemas_uses_the_nearest_and_says_so() -> None:
    old = validate_objects([service()], ValidateOptions(k8s_version="v1.7.0"))
    oldest = resolve_version("1.0")[0]
    assert old.k8s_version == f"{oldest[0]}.{oldest[1]}"
    assert old.notes == [f"no schemas for Kubernetes 1.7; checked against {old.k8s_version}"]
    with pytest.raises(UsageError, match="'seven' is not a Kubernetes version"):
        validate_objects([service()], ValidateOptions(k8s_version="seven"))


# --- custom resources ---------------------------------------------------------------------------


WIDGET_SPEC = {
    "type": "object",
    "required": ["size"],
    "properties": {
        "size": {"type": "integer", "minimum": 1},
        "colour": {"type": "string", "enum": ["red", "blue"]},
        "port": {"x-kubernetes-int-or-string": True},
        "note": {"type": "string", "nullable": True},
        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    },
}


def crd(*, spec: dict[str, Any] = WIDGET_SPEC) -> Obj:
    return support.crd("example.com", "Widget", spec)


def widget(**spec: Any) -> Obj:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "labels": {"ksonnet.io/component": "widgets"}},
        "spec": spec,
    }


def test_a_custom_resource_is_checked_against_the_crd_in_the_same_render() -> None:
    good = widget(size=2, colour="red", port="http", note=None, extra={"anything": [1]})
    assert validate_objects([crd(), good], LATEST).findings == []

    bad = widget(size=0, colour="green", port=1.5, sizes=3)
    bad["metadata"]["labels"]["k"] = "-x"
    findings = validate_objects([crd(), bad], LATEST).findings
    assert [(f.code, f.field) for f in findings] == [
        (Code.FORMAT, "metadata.labels.k"),
        (Code.ENUM, "spec.colour"),
        (Code.TYPE, "spec.port"),
        (Code.INVALID, "spec.size"),
        (Code.UNKNOWN_FIELD, "spec.sizes"),
    ]
    assert findings[2].message == "expected integer or string, got number 1.5"
    assert findings[4].message == 'unknown field (did you mean "size"?)'


def test_a_custom_resource_misses_required_fields_and_unserved_versions() -> None:
    [missing] = validate_objects([crd(), widget()], LATEST).findings
    assert (missing.code, missing.field, missing.message) == (
        Code.REQUIRED,
        "spec.size",
        "missing required field",
    )
    other = widget(size=1)
    other["apiVersion"] = "example.com/v2"
    [unserved] = validate_objects([crd(), other], LATEST).findings
    assert unserved.code is Code.UNKNOWN_KIND
    assert unserved.message == "CustomResourceDefinition widgets.example.com does not serve v2 (it serves v1)"


def test_a_custom_resource_without_a_schema_is_reported_not_passed() -> None:
    result = validate_objects([widget(size=1)], LATEST)
    [finding] = result.findings
    assert (finding.severity, finding.code) == ("warning", Code.NOT_CHECKED)
    assert finding.message == (
        "not checked: no CustomResourceDefinition for Widget (example.com/v1) in the render or the CRD directories"
    )
    assert result.ok

    strict = validate_objects([widget(size=1)], ValidateOptions(k8s_version="1.34", strict=True))
    assert [(f.severity, f.code) for f in strict.findings] == [("error", Code.NOT_CHECKED)]
    assert not strict.ok


def test_crds_come_from_directories_when_the_render_has_none(tmp_path: Path) -> None:
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "widgets.yaml").write_text(yaml.safe_dump_all([{"kind": "Other"}, crd()]))
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "broken.yaml").write_text("CustomResourceDefinition: [")  # skipped: not named

    options = ValidateOptions(k8s_version="1.34", crd_dirs=[tmp_path / "crds"])
    [finding] = validate_objects([widget(size="big")], options, default_crd_dirs=[tmp_path / "lib"]).findings
    assert (finding.code, finding.field) == (Code.TYPE, "spec.size")
    found = validate_objects([widget(size=1)], LATEST, default_crd_dirs=[tmp_path / "lib", tmp_path / "crds"])
    assert found.findings == []

    (tmp_path / "crds" / "broken.yaml").write_text("CustomResourceDefinition: [")
    with pytest.raises(UsageError, match=r"cannot read CRDs from .*broken\.yaml"):
        validate_objects([widget(size=1)], options)


def test_a_v1beta1_crd_schema_applies_to_every_version() -> None:
    old = crd()
    schema = old["spec"].pop("versions")[0]["schema"]
    old["apiVersion"] = "apiextensions.k8s.io/v1beta1"
    old["spec"].update(version="v1", validation=schema)
    findings = validate_objects([old, widget(size="x")], LATEST).findings
    assert [(f.code, f.field) for f in findings] == [
        (Code.REMOVED_API, "apiVersion"),
        (Code.TYPE, "spec.size"),
    ]


def test_embedded_resources_and_open_maps_follow_the_kubernetes_extensions() -> None:
    spec = {
        "type": "object",
        "properties": {
            "template": {
                "type": "object",
                "x-kubernetes-embedded-resource": True,
                "properties": {"spec": {"type": "object"}},
            },
            "env": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    good = widget(
        template={"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}, env={"A": "1"}
    )
    assert validate_objects([crd(spec=spec), good], LATEST).findings == []
    bad = widget(template={"status": {}}, env={"A": 1})
    findings = validate_objects([crd(spec=spec), bad], LATEST).findings
    assert [(f.code, f.field) for f in findings] == [
        (Code.TYPE, "spec.env.A"),
        (Code.UNKNOWN_FIELD, "spec.template.status"),
    ]


def test_json_report_shape() -> None:
    bad = deployment()
    bad["spec"]["replicas"] = "2"
    report = validate_objects([bad, widget(size=1)], LATEST).to_dict()
    assert report == {
        "reportVersion": 1,
        "k8sVersion": "1.34",
        "server": False,
        "ok": False,
        "objects": 2,
        "errors": 1,
        "warnings": 1,
        "notes": [],
        "findings": [
            {
                "severity": "error",
                "code": "type",
                "component": "web",
                "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "", "name": "web"},
                "path": "spec.replicas",
                "message": "expected integer, got string '2'",
            },
            {
                "severity": "warning",
                "code": "not-checked",
                "component": "widgets",
                "object": {"apiVersion": "example.com/v1", "kind": "Widget", "namespace": "", "name": "w"},
                "path": "",
                "message": "not checked: no CustomResourceDefinition for Widget (example.com/v1) "
                "in the render or the CRD directories",
            },
        ],
    }


def test_validation_does_not_change_the_objects() -> None:
    objects = [crd(), widget(size=1), deployment()]
    before = copy.deepcopy(objects)
    validate_objects(objects, LATEST)
    assert objects == before
