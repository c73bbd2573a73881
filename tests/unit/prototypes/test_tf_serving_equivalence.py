"""tf-serving without a whole-object std.prune renders exactly what the pruned version did.

The reference is the previous prototype, kept verbatim in data/tf-serving-pruned.jsonnet.
Its output for every case is recorded as a sha256 per case in data/tf-serving-pruned.digests.json
(the pruned prototype needs ~0.1-0.2 s per case, too slow to re-run in every test session;
``KFKIT_UPDATE_GOLDEN=1`` re-records from it). Both are evaluated as functions of (params, env)
over one covering set of params:

- every combination of the options whose outputs the old final std.prune trimmed together
  (Istio and its routing, S3 with and without a secret, GCP credentials, NFS): these decide
  which of env, volumes, volumeMounts and annotations end up empty;
- every listed value of every param (null, "", the declared type, the strings
  `param set` produces) on a base with no option on and on a base with every option on,
  so each guarded field is seen both present and absent;
- a seeded random sample over all params at once, for interactions nobody listed.

The failing branches (no modelPath, nfs without a claim, a bad numGpus) must fail with the
same message.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from kfkit.app import parse_prototype
from kfkit.app._prototype import prototype_params
from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation, evaluate_snippet
from tests.golden_files import check_golden

HERE = Path(__file__).resolve().parent
CURRENT = HERE.parents[2] / "prototypes" / "tf-serving.jsonnet"
PRUNED = HERE / "data" / "tf-serving-pruned.jsonnet"
DIGESTS = HERE / "data" / "tf-serving-pruned.digests.json"
ENVS = {
    "namespaced": {"server": "", "namespace": "default"},
    "no-namespace": {"server": "https://k", "namespace": ""},
}

VALUES: dict[str, list[Any]] = {
    "name": ["inception", "", None],
    "namespace": [None, "", "kubeflow"],
    "numGpus": [0, 2, "1", "", None],
    "labels": [None, {}, {"team": "ml"}, {"app": "other", "tier": None}, {"app": None}, {"x": {}}],
    "modelName": [None, "", "resnet"],
    "modelPath": ["/m", "gs://bucket/model"],
    "modelStorageType": ["cloud", "nfs", "s3"],
    "nfsPVC": [None, "", "models"],
    "version": ["v1", 3, None],
    "firstVersion": [True, False, "false", "TRUE"],
    "deployIstio": [False, True, "true", 1],
    "deployHttpProxy": [False, True, "True", 0],
    "defaultHttpProxyImage": ["proxy:default", None],
    "httpProxyImage": [None, "", "proxy:1"],
    "serviceType": ["ClusterIP", "NodePort", None, ""],
    "defaultCpuImage": ["cpu:default", None],
    "defaultGpuImage": ["gpu:default", None],
    "modelServerImage": [None, "", "server:1"],
    "s3Enable": [False, True, "true"],
    "cloud": [None, "gcp", "aws"],
    "gcpCredentialSecretName": [None, "", "sa"],
    "s3SecretName": [None, "", "creds"],
    "s3SecretAccesskeyidKeyName": ["AWS_ACCESS_KEY_ID", None, "id"],
    "s3SecretSecretaccesskeyKeyName": ["AWS_SECRET_ACCESS_KEY", None],
    "s3AwsRegion": ["us-west-1", None, "eu-west-1"],
    "s3UseHttps": ["true", False, None],
    "s3VerifySsl": ["true", 0],
    "s3Endpoint": ["http://s3", None, ""],
}

ALL_ON = {
    "deployIstio": True,
    "deployHttpProxy": True,
    "s3Enable": True,
    "s3SecretName": "creds",
    "cloud": "gcp",
    "gcpCredentialSecretName": "sa",
    "modelStorageType": "nfs",
    "nfsPVC": "models",
    "numGpus": 2,
}
# Options whose outputs shared the old final prune: each tuple is one joint setting.
OPTION_AXES: list[list[dict[str, Any]]] = [
    [{"deployIstio": False}, {"deployIstio": True}, {"deployIstio": True, "firstVersion": False}],
    [{"s3Enable": False}, {"s3Enable": True}, {"s3Enable": True, "s3SecretName": "creds"}],
    [{}, {"cloud": "gcp", "gcpCredentialSecretName": "sa"}, {"cloud": "gcp"}],
    [{}, {"modelStorageType": "nfs", "nfsPVC": "models"}],
    [{}, {"numGpus": 1, "deployHttpProxy": True}],
]


def defaults() -> dict[str, Any]:
    proto = parse_prototype(CURRENT)
    return prototype_params(proto, "model-server", {}, {"modelPath": "/m"})


def renders(case: dict[str, Any]) -> bool:
    """The case is one the prototype renders (the failing branches are tested apart)."""
    storage_nfs = case["modelStorageType"] == "nfs"
    return case["modelPath"] not in (None, "") and (not storage_nfs or case["nfsPVC"] not in (None, ""))


def covering_cases() -> list[dict[str, Any]]:
    base = defaults()
    cases = [
        dict(base, **{k: v for d in combo for k, v in d.items()}) for combo in itertools.product(*OPTION_AXES)
    ]
    for start in (base, dict(base, **ALL_ON)):
        for key, values in VALUES.items():
            cases.extend(dict(start, **{key: v}) for v in values if v != start[key])
    rng = random.Random(12)
    cases.extend({k: rng.choice(VALUES[k]) if k in VALUES else v for k, v in base.items()} for _ in range(60))
    return [c for c in cases if renders(c)]


def evaluate(prototype: Path, cases: list[dict[str, Any]], env: dict[str, str]) -> list[str]:
    """Each case's output as JSON text, in one evaluation."""
    code = (
        "local render(params, env) =\n"
        + parse_prototype(prototype).body
        + f";\nlocal env = {json.dumps(env)};\n"
        + f"[render(c, env) for c in {json.dumps(cases)}]\n"
    )
    outputs = evaluate_snippet("<cases>", code, Evaluation())
    assert isinstance(outputs, list)
    return [json.dumps(output) for output in outputs]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def recorded() -> dict[str, Any]:
    """The pruned prototype's digests for the covering set, re-recorded on KFKIT_UPDATE_GOLDEN."""
    cases = covering_cases()
    if os.environ.get("KFKIT_UPDATE_GOLDEN"):
        digests = {
            "reference_sha256": sha256(PRUNED.read_text()),
            "cases_sha256": sha256(json.dumps(cases)),
            "outputs": {
                env_id: [sha256(o) for o in evaluate(PRUNED, cases, env)] for env_id, env in ENVS.items()
            },
        }
        check_golden(DIGESTS, json.dumps(digests, indent=1) + "\n")
    result: dict[str, Any] = json.loads(DIGESTS.read_text())
    return result


def test_every_param_is_covered() -> None:
    assert set(VALUES) == set(defaults())


def test_digests_were_recorded_from_the_pruned_prototype_for_these_cases() -> None:
    digests = recorded()
    assert digests["reference_sha256"] == sha256(PRUNED.read_text())
    assert digests["cases_sha256"] == sha256(json.dumps(covering_cases()))
    assert len(covering_cases()) > 200


@pytest.mark.parametrize("env_id", ENVS)
def test_renders_exactly_what_the_pruned_prototype_did(env_id: str) -> None:
    cases = covering_cases()
    expected = recorded()["outputs"][env_id]
    outputs = evaluate(CURRENT, cases, ENVS[env_id])
    differ = [
        case for case, out, digest in zip(cases, outputs, expected, strict=True) if sha256(out) != digest
    ]
    assert not differ, f"{len(differ)} cases render differently, first: {differ[0]}"


@pytest.mark.parametrize(
    "change",
    [
        {"modelPath": None},
        {"modelPath": ""},
        {"modelStorageType": "nfs"},
        {"numGpus": "two"},
        {"numGpus": 1.5},
    ],
)
def test_fails_exactly_as_the_pruned_prototype_did(change: dict[str, Any]) -> None:
    case = dict(defaults(), **change)
    messages: list[str] = []
    for prototype in (CURRENT, PRUNED):
        with pytest.raises(RenderError) as caught:
            evaluate(prototype, [case], ENVS["namespaced"])
        messages.append(str(caught.value).split(": ", 1)[1])  # past <cases>:line:col
    assert messages[0] == messages[1]
    assert "tf-serving model-server" in messages[0]
