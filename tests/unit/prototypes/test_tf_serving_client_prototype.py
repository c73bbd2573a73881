"""The tf-serving-client prototype: the tutorial's inception client Job."""

from __future__ import annotations

import pytest

from kfkit.manifests import COMPONENT_LABEL
from tests.unit.prototypes.conftest import Render


def test_tutorial_client_job(render_prototype: Render) -> None:
    [job] = render_prototype("tf-serving-client.jsonnet", "model-client")
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    assert job["metadata"] == {
        "name": "model-client",
        "namespace": "default",
        "labels": {"app": "model-client", COMPONENT_LABEL: "model-client"},
    }
    spec = job["spec"]
    assert spec["backoffLimit"] == 4
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"] == [
        {
            "name": "model-client",
            "image": "katacoda/tensorflow_serving",
            "imagePullPolicy": "IfNotPresent",
            "command": ["/bin/bash", "-c"],
            "args": [
                "/serving/bazel-bin/tensorflow_serving/example/inception_client"
                " --server=inception:9000 --image=/data/katacoda.jpg"
            ],
            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
        }
    ]
    assert pod["volumes"] == [{"name": "data", "hostPath": {"path": "/root"}}]


def test_client_params(render_prototype: Render) -> None:
    [job] = render_prototype(
        "tf-serving-client.jsonnet",
        "client",
        name="resnet-client",
        namespace="serving",
        image="my/client:1",
        imagePullPolicy="Never",
        server="resnet.serving",
        port=9001,
        imagePath="/images/cat.jpg",
        hostPath="/srv/images",
        dataMountPath="/images",
        backoffLimit=0,
    )
    assert job["metadata"]["name"] == "resnet-client"
    assert job["metadata"]["namespace"] == "serving"
    assert job["spec"]["backoffLimit"] == 0
    pod = job["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["name"] == "resnet-client"
    assert container["image"] == "my/client:1"
    assert container["imagePullPolicy"] == "Never"
    assert container["args"] == [
        "/serving/bazel-bin/tensorflow_serving/example/inception_client"
        " --server=resnet.serving:9001 --image=/images/cat.jpg"
    ]
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/images"}]
    assert pod["volumes"] == [{"name": "data", "hostPath": {"path": "/srv/images"}}]


@pytest.mark.parametrize("host_path", [None, ""])
def test_without_host_path_the_data_volume_is_empty(render_prototype: Render, host_path: str | None) -> None:
    [job] = render_prototype("tf-serving-client.jsonnet", "model-client", hostPath=host_path)
    assert job["spec"]["template"]["spec"]["volumes"] == [{"name": "data", "emptyDir": {}}]
