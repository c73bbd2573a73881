"""Revisions: Secret values hashed, restorable only when the live Secret matches; encoding; naming."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
from typing import Any

import pytest

from kfkit.errors import ClusterError
from kfkit.history import ObjectOutcome, Revision, hash_secrets, restore_secret, revision_name

SALT = "00112233445566778899aabbccddeeff"


def _secret(**data: str) -> dict[str, object]:
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns"},
        "data": encoded,
    }


def test_secret_values_become_salted_hashes_and_string_data_counts_as_data() -> None:
    obj = {**_secret(password="hunter2"), "stringData": {"token": "t0ken"}}
    stored = hash_secrets(obj, SALT)
    assert "stringData" not in stored
    assert sorted(stored["data"]) == ["password", "token"]
    assert all(v.startswith("sha256:") and len(v) == 7 + 64 for v in stored["data"].values())
    text = json.dumps(stored)
    assert "hunter2" not in text and "t0ken" not in text
    assert base64.b64encode(b"hunter2").decode() not in text
    # the same value under another salt hashes differently: no table lookups across revisions
    assert hash_secrets(obj, "ff" * 16)["data"] != stored["data"]
    # a string value and its base64 form in data are the same value to the server
    assert hash_secrets(_secret(token="t0ken"), SALT)["data"]["token"] == stored["data"]["token"]


def test_other_kinds_are_stored_as_they_are() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}}
    assert hash_secrets(cm, SALT) is cm


def test_a_secret_is_restored_only_from_a_live_secret_with_exactly_the_recorded_values() -> None:
    stored = hash_secrets(_secret(password="hunter2", user="me"), SALT)
    live = {**_secret(password="hunter2", user="me"), "metadata": {"name": "s", "resourceVersion": "9"}}
    restored = restore_secret(stored, live, SALT)
    assert restored is not None
    assert restored["data"] == live["data"]
    assert restored["metadata"] == stored["metadata"]
    assert restore_secret(stored, _secret(password="changed", user="me"), SALT) is None
    assert restore_secret(stored, _secret(password="hunter2"), SALT) is None  # a key less
    assert restore_secret(stored, _secret(password="hunter2", user="me", extra="x"), SALT) is None
    assert restore_secret(stored, None, SALT) is None


def _revision(**changes: Any) -> Revision:
    revision = Revision(
        number=3,
        app="shop",
        env="us-west/prod",
        operation="apply",
        time="2026-12-02T16:00:00Z",
        user="ana@box",
        kfkit_version="0.1.0",
        command="kfkit apply us-west/prod",
        commit="abc+dirty",
        components=("web",),
        objects=[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}],
        params={"web": {"replicas": 2}},
        outcomes=[ObjectOutcome("ConfigMap ns/c", "created")],
        salt=SALT,
    )
    return dataclasses.replace(revision, **changes)


def test_a_revision_round_trips_through_its_compressed_encoding() -> None:
    revision = _revision()
    text = revision.encode()
    assert json.loads(gzip.decompress(base64.b64decode(text)))["number"] == 3
    assert Revision.decode(text, "x") == revision
    summary = revision.summary()
    assert summary["objectCount"] == 1 and "objects" not in summary and "params" not in summary


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not base64!", "unreadable"),
        (base64.b64encode(b"not gzip").decode(), "unreadable"),
        (base64.b64encode(gzip.compress(b"[1]")).decode(), "not an object"),
        (base64.b64encode(gzip.compress(b'{"format": 1}')).decode(), "missing or bad 'number'"),
        (base64.b64encode(gzip.compress(b'{"format": 99}')).decode(), "format 99"),
    ],
)
def test_an_unreadable_revision_is_a_one_line_error_naming_it(text: str, problem: str) -> None:
    with pytest.raises(ClusterError, match=problem) as info:
        Revision.decode(text, "kfkit.shop.prod.v3")
    assert "\n" not in str(info.value)


def test_revision_names_are_valid_dns_subdomains_and_distinct() -> None:
    assert revision_name("shop", "prod", 7) == "kfkit.shop.prod.v7"
    odd = revision_name("My_App", "us-west/prod", 12)
    assert odd.startswith("kfkit.my-app-") and ".us-west-prod-" in odd and odd.endswith(".v12")
    assert odd.islower() and len(odd) <= 253
    assert revision_name("a", "b/c", 1) != revision_name("a", "b.c", 1) != revision_name("a", "b-c", 1)
