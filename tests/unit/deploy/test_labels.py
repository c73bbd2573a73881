"""Ownership label values: valid, stable, readable where possible, distinct where not."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kfkit.deploy import label_value, owner_selector

VALID = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$")


def test_valid_names_are_kept_as_they_are() -> None:
    assert label_value("default") == "default"
    assert label_value("prod-eu.1") == "prod-eu.1"


def test_env_names_with_slashes_get_a_readable_stem_and_a_hash() -> None:
    value = label_value("us-east/prod")
    assert re.fullmatch(r"us-east\.prod-[0-9a-f]{10}", value)
    assert label_value("us-east/prod") == value  # stable across runs
    assert label_value("us-east.prod") == "us-east.prod" != value  # no collision with the dotted name


def test_long_names_are_cut_to_63_characters() -> None:
    value = label_value("team/" + "x" * 80)
    assert len(value) == 63
    assert VALID.match(value)
    assert label_value("team/" + "x" * 81) != value


@given(st.text(max_size=100))
def test_every_name_gives_a_valid_label_value(name: str) -> None:
    assert VALID.match(label_value(name))


def test_selector_names_the_owner_and_the_selected_components() -> None:
    assert owner_selector("kubeflow-app", "a/b") == (
        f"app.kubernetes.io/managed-by=kfkit,kfkit.io/app=kubeflow-app,kfkit.io/environment={label_value('a/b')}"
    )
    assert owner_selector("app", "dev", ["web", "db"]).endswith(",ksonnet.io/component in (db,web)")
