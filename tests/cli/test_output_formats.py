"""``-o table|json|yaml`` on every list command: YAML holds exactly the JSON document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.cli.support import Kf

LISTS = [
    ("env", "list"),
    ("component", "list"),
    ("prototype", "list"),
    ("prototype", "search", "serving"),
    ("param", "list"),
    ("param", "diff", "default", "default"),
    ("registry", "list"),
    ("registry", "describe", "builtin"),
    ("pkg", "list"),
]


@pytest.mark.parametrize("command", LISTS, ids=" ".join)
def test_yaml_is_the_json_document(seed_app: Path, kf: Kf, command: tuple[str, ...]) -> None:
    as_json = kf(*command, "-o", "json", cwd=seed_app)
    as_yaml = kf(*command, "-o", "yaml", cwd=seed_app)

    assert (as_json.code, as_yaml.code) == (0, 0), as_json.err + as_yaml.err
    document = json.loads(as_json.out)
    assert yaml.safe_load(as_yaml.out) == document
    assert set(document) == {"kind", "data"}  # ksonnet's shape


def test_param_values_keep_their_types_in_yaml(seed_app: Path, kf: Kf) -> None:
    assert kf("param", "set", "model-server", "numGpus", "2", cwd=seed_app).code == 0
    rows = yaml.safe_load(kf("param", "list", "model-server", "-o", "yaml", cwd=seed_app).out)["data"]
    assert {r["param"]: r["value"] for r in rows}["numGpus"] == 2


def test_an_unknown_format_is_a_usage_error_naming_the_choices(seed_app: Path, kf: Kf) -> None:
    result = kf("env", "list", "-o", "xml", cwd=seed_app)
    assert (result.code, result.err) == (2, "error: unknown output format 'xml'; use table, json, yaml\n")
