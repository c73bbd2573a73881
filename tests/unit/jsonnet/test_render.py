"""to_jsonnet: JSON values written as Jsonnet that evaluates back to the same value."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kfkit._types import JsonValue
from kfkit.errors import ParamsError
from kfkit.jsonnet import parse, to_jsonnet
from tests.unit.jsonnet.support import evaluate, json_values


def test_scalars() -> None:
    assert [to_jsonnet(v) for v in (None, True, False, 0, -7, 2**53, 1.5, 1e20, -0.0)] == [
        "null",
        "true",
        "false",
        "0",
        "-7",
        "9007199254740992",
        "1.5",
        "1e+20",
        "-0.0",
    ]


def test_strings_are_escaped_for_jsonnet() -> None:
    assert to_jsonnet('say "hi"\\ \n\t\r\b\f\x00\x1f\x7f é 😀 /') == (
        r'"say \"hi\"\\ \n\t\r\b\f\u0000\u001f\u007f é 😀 /"'
    )
    assert to_jsonnet('it\'s "x"', quote="'") == r"""'it\'s "x"'"""


def test_objects_are_multi_line_and_arrays_inline() -> None:
    value: JsonValue = {"name": "x", "model-server": {"replicas": 1, "ports": [80, {"a": []}]}, "if": {}}
    assert to_jsonnet(value, level="  ") == (
        "{\n"
        '    name: "x",\n'
        '    "model-server": {\n'
        "      replicas: 1,\n"
        "      ports: [80, { a: [] }],\n"
        "    },\n"
        '    "if": {},\n'
        "  }"
    )
    assert to_jsonnet({"a b": ["c"]}, indent="\t", quote="'") == "{\n\t'a b': ['c'],\n}"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 10**400])
def test_numbers_jsonnet_cannot_hold_are_refused(value: float) -> None:
    with pytest.raises(ParamsError, match="must be finite"):
        to_jsonnet({"a": value})


def test_lone_surrogates_and_other_types_are_refused() -> None:
    with pytest.raises(ParamsError, match="lone surrogate U\\+DCFF"):
        to_jsonnet("bad \udcff")
    with pytest.raises(ParamsError, match="cannot write a set"):
        to_jsonnet({1, 2})  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(json_values, st.sampled_from(['"', "'"]), st.sampled_from(["  ", "    ", "\t"]))
def test_rendered_values_evaluate_to_themselves(value: Any, quote: str, indent: str) -> None:
    source = to_jsonnet(value, quote=quote, indent=indent)
    parse(source)
    assert evaluate(source) == value
