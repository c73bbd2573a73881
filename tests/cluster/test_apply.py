"""kfkit apply on a real kube-apiserver: the serving story, pre-flight, RBAC, prune, CRDs, wait."""

from __future__ import annotations

import pytest

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
    deployment,
    widget_crd,
)

pytestmark = pytest.mark.cluster


def _changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_serving_story(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.seed()

    first = app.ok("apply", "default", "-c", "model-server")
    assert f'target: context "admin", server {app.server}, namespace "{ns}"' in first.err
    assert first.out.splitlines() == [
        f"Service {ns}/inception created",
        f"Deployment {ns}/inception-v1 created",
    ]
    service = app.live("v1", "Service", "inception")
    assert {(p["name"], p["port"]) for p in service["spec"]["ports"]} == {
        ("grpc-tf-serving", 9000),
        ("http-tf-serving-proxy", 8000),
    }
    assert f"service: inception.{ns}:8000" in service["metadata"]["annotations"]["getambassador.io/config"]
    inception = app.live("apps/v1", "Deployment", "inception-v1")
    (container,) = inception["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "katacoda/tensorflow_serving"
    assert "--model_base_path=/serving/inception-export" in container["args"]
    assert inception["metadata"]["labels"] == {
        "app": "inception",
        "ksonnet.io/component": "model-server",
        "app.kubernetes.io/managed-by": "kfkit",
        "kfkit.io/app": app.name,
        "kfkit.io/environment": "default",
    }
    assert {m["manager"] for m in inception["metadata"]["managedFields"]} == {"kfkit"}

    again = app.ok("apply", "default", "-c", "model-server")
    assert again.out.splitlines() == [
        f"Service {ns}/inception unchanged",
        f"Deployment {ns}/inception-v1 unchanged",
    ]

    app.ok("param", "set", "model-server", "modelServerImage", "other:1")
    diff = app("diff", "default", "-c", "model-server")
    assert diff.code == 10, diff.err
    assert _changed_lines(diff.out) == [
        "-        image: katacoda/tensorflow_serving",
        "+        image: other:1",
    ]
    assert f"--- live/Deployment/{ns}/inception-v1" in diff.out
    assert "1 changed, 0 new, 1 unchanged" in diff.err

    third = app.ok("apply", "default", "-c", "model-server")
    assert f"Deployment {ns}/inception-v1 configured" in third.out
    live = app.live("apps/v1", "Deployment", "inception-v1")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "other:1"
    clean = app.ok("diff", "default", "-c", "model-server")
    assert clean.out == ""


def test_preflight_lists_every_failure_and_writes_nothing(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    typo = deployment("typo")
    typo["spec"]["replica"] = 2
    bad_port = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "bad-port"},
        "spec": {"ports": [{"port": 99999, "targetPort": 80}]},
    }
    gizmo = {"apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": {"name": "g"}}
    app.component("good", config_map("good", k="v"))
    app.component("typo", typo)
    app.component("bad-port", bad_port)
    app.component("gizmo", gizmo)

    result = app("apply", "default", "--no-validate")  # the server's pre-flight, not kfkit's offline check

    assert result.code == 1
    assert result.err.splitlines()[0] == f'target: context "admin", server {app.server}, namespace "{ns}"'
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4
    assert errors[:3] == [
        'error: component "gizmo": Gizmo g: the server has no kind Gizmo in example.com/v1 (a missing CRD?)',
        f'error: component "bad-port": Service {ns}/bad-port: Service "bad-port" is invalid: '
        "spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive",
        f'error: component "typo": Deployment {ns}/typo: failed to create typed patch object '
        f"({ns}/typo; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema",
    ]
    assert (
        errors[-1] == "error: pre-flight: 3 of 4 objects failed the server-side dry run; nothing was written"
    )
    assert app.live("v1", "ConfigMap", "good") is None


def test_forbidden_user_gets_one_line_per_object_and_nothing_is_written(
    cluster_app: ClusterApp,
) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.component("web", config_map("web", k="v"))

    result = app("apply", "default", "--context", "limited")

    assert result.code == 1
    assert result.err.splitlines()[-2:] == [
        f'error: component "web": ConfigMap {ns}/web: configmaps "web" is forbidden: '
        f'User "limited" cannot get resource "configmaps" in API group "" in the namespace "{ns}"',
        "error: pre-flight: 1 of 1 objects failed the server-side dry run; nothing was written",
    ]
    assert app.live("v1", "ConfigMap", "web") is None


def test_wrong_cluster_is_refused_unless_forced(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.component("web", config_map("web", k="v"))
    app.ok("env", "set", "default", "--server", "https://127.0.0.1:1")

    unmatched = app("apply", "default")
    assert unmatched.code == 1
    assert (
        'error: no kubeconfig context points at environment "default"\'s server '
        "https://127.0.0.1:1; "
        f'contexts: "admin" ({app.server}), "limited" ({app.server})'
    ) in unmatched.err

    mismatch = app("apply", "default", "--context", "admin")
    assert mismatch.code == 1
    assert (
        'error: environment "default" is at https://127.0.0.1:1 '
        f'but context "admin" is at {app.server}; '
        "pick a context for that server or pass --force-context"
    ) in mismatch.err
    assert app.live("v1", "ConfigMap", "web") is None

    forced = app.ok("apply", "default", "--context", "admin", "--force-context")
    assert 'warning: --force-context: environment "default" is at https://127.0.0.1:1' in forced.err
    assert forced.out == f"ConfigMap {ns}/web created\n"


def test_prune_deletes_only_what_this_environment_applied(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    for name in ("a", "b", "c"):
        app.component(name, config_map(f"{name}-config", k="v"))
    app.ok("apply", "default")
    configmaps = app.admin.resources.get(api_version="v1", kind="ConfigMap")
    other_env = config_map("other-env", k="v")
    other_env["metadata"]["labels"] = {
        "app.kubernetes.io/managed-by": "kfkit",
        "kfkit.io/app": app.name,
        "kfkit.io/environment": "other",
    }
    for body in (config_map("unlabelled", k="v"), other_env):
        configmaps.create(body=body, namespace=ns)

    app.ok("component", "rm", "b")
    app.ok("component", "rm", "c")
    scoped = app.ok("apply", "default", "-c", "a", "--prune", "--yes")
    assert "pruned" not in scoped.out  # -c a must not prune the other components' objects
    assert app.live("v1", "ConfigMap", "c-config") is not None

    pruned = app.ok("apply", "default", "--prune", "--yes")
    assert "plan: 0 to create, 0 to configure, 1 unchanged, 2 to prune" in pruned.err
    assert f"will prune ConfigMap {ns}/b-config" in pruned.err
    assert f"ConfigMap {ns}/b-config pruned" in pruned.out
    assert f"ConfigMap {ns}/c-config pruned" in pruned.out
    assert [
        name
        for name in ("a-config", "b-config", "c-config", "unlabelled", "other-env")
        if app.live("v1", "ConfigMap", name) is not None
    ] == ["a-config", "unlabelled", "other-env"]

    app.ok("component", "rm", "a")
    empty = app("apply", "default", "--prune", "--yes")
    assert empty.code == 2
    assert 'refusing to prune environment "default" with an empty render' in empty.err
    assert app.live("v1", "ConfigMap", "a-config") is not None


def test_objects_of_another_environment_are_not_taken_over(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.component("web", config_map("web", k="v"))
    app.ok("env", "add", "prod", "--server", app.server, "--namespace", ns)
    app.ok("apply", "prod")

    refused = app("apply", "default")
    assert refused.code == 1
    assert (
        f'error: component "web": ConfigMap {ns}/web: it belongs to app "{app.name}" '
        'environment "prod"; pass --force-conflicts to take it over'
    ) in refused.err

    app.ok("apply", "default", "--force-conflicts")
    live = app.live("v1", "ConfigMap", "web")
    assert live["metadata"]["annotations"]["kfkit.io/environment"] == "default"


def test_field_conflicts_need_force(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    configmaps = app.admin.resources.get(api_version="v1", kind="ConfigMap")
    app.admin.server_side_apply(
        configmaps,
        body=config_map("shared", k="theirs"),
        namespace=ns,
        field_manager="someone-else",
    )
    app.component("shared", config_map("shared", k="ours"))

    conflict = app("apply", "default")
    assert conflict.code == 1
    assert 'conflict with "someone-else"' in conflict.err
    assert "rerun with --force-conflicts to take these fields over" in conflict.err
    assert conflict.err.splitlines()[1:] == [
        f'error: component "shared": ConfigMap {ns}/shared: Apply failed with 1 conflict: '
        'conflict with "someone-else": .data.k; rerun with --force-conflicts to take these fields over',
        "error: pre-flight: 1 of 1 objects failed the server-side dry run; nothing was written",
    ]
    assert app.live("v1", "ConfigMap", "shared")["data"] == {"k": "theirs"}

    forced = app.ok("apply", "default", "--force-conflicts")
    assert f"ConfigMap {ns}/shared configured" in forced.out
    assert app.live("v1", "ConfigMap", "shared")["data"] == {"k": "ours"}


def test_tier_order_with_a_new_namespace_in_the_same_apply(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    extra = f"{ns}-extra"
    settings = config_map("settings", k="v")
    settings["metadata"]["namespace"] = extra
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    reader = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": f"{ns}-reader"},  # cluster-wide: one name per test
        "rules": [],
    }
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": extra}}
    # Rendered (ksonnet's order, by namespace first): Namespace, ClusterRole, Service,
    # Deployment, then the ConfigMap of the other namespace.
    app.component("everything", deployment("web"), settings, service, reader, namespace)
    in_apply_order = [
        f"Namespace {extra}",
        f"ClusterRole {ns}-reader",
        f"ConfigMap {extra}/settings",
        f"Service {ns}/web",
        f"Deployment {ns}/web",
    ]

    dry = app.ok("apply", "default", "--dry-run")
    assert dry.out.splitlines() == [
        f"{in_apply_order[0]} created (dry run)",
        f"{in_apply_order[1]} created (dry run)",
        f"{in_apply_order[2]} created (dry run; not checked: needs Namespace {extra})",
        f"{in_apply_order[3]} created (dry run)",
        f"{in_apply_order[4]} created (dry run)",
    ]
    assert app.live("v1", "Namespace", extra) is None

    applied = app.ok("apply", "default")
    assert applied.out.splitlines() == [f"{name} created" for name in in_apply_order]
    assert app.live("v1", "ConfigMap", "settings", namespace=extra)["data"] == {"k": "v"}
    again = app.ok("apply", "default")
    assert again.out.splitlines() == [f"{name} unchanged" for name in in_apply_order]


def test_crd_and_its_custom_resource_in_one_apply(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    group = f"{ns}.example.com"  # CRDs are cluster-wide: one group per test
    crd = widget_crd(group)
    widget = {
        "apiVersion": f"{group}/v1",
        "kind": "Widget",
        "metadata": {"name": "w1"},
        "spec": {"size": 3},
    }
    app.component("widgets", crd, widget)

    dry = app.ok("apply", "default", "--dry-run")
    assert (
        f"Widget {ns}/w1 created (dry run; not checked: needs CustomResourceDefinition widgets.{group})"
    ) in dry.out
    assert app.live("apiextensions.k8s.io/v1", "CustomResourceDefinition", f"widgets.{group}") is None

    applied = app.ok("apply", "default")
    assert applied.out.splitlines() == [
        f"CustomResourceDefinition widgets.{group} created",
        f"Widget {ns}/w1 created",
    ]
    assert app.live(f"{group}/v1", "Widget", "w1")["spec"] == {"size": 3}
    assert "2 unchanged" in app.ok("apply", "default").err


def test_wait_for_a_rollout_and_its_timeout(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.component("web", deployment("web"))
    app.ok("apply", "default")
    # No controller runs here: play the deployment controller's part.
    deployments = app.admin.resources.get(api_version="apps/v1", kind="Deployment")
    status = {
        "observedGeneration": 1,
        "replicas": 1,
        "updatedReplicas": 1,
        "readyReplicas": 1,
        "availableReplicas": 1,
    }
    deployments.status.patch(
        body={"status": status},
        name="web",
        namespace=ns,
        content_type="application/merge-patch+json",
    )

    ready = app.ok("apply", "default", "--wait")
    assert ready.out.splitlines() == [
        f"Deployment {ns}/web unchanged",
        f"Deployment {ns}/web ready",
    ]

    app.component("slow", deployment("slow"))
    slow = app("apply", "default", "--wait", "--timeout", "1s")
    assert slow.code == 1
    assert slow.err.splitlines()[-1] == (
        f"error: timed out after 1s waiting for 1 object to be ready: "
        f"Deployment {ns}/slow: generation 1 not yet observed by its controller"
    )
