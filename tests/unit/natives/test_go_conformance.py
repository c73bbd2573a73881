"""kfkit's natives against what ksonnet's Go code returned for the same calls.

go-recorded.json was written by recorder/main.go (its header says how to re-record) with
Go 1.26's regexp and encoding/json and k8s.io/apimachinery v0.34's YAML decoder: the
libraries ksonnet's natives called.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation, evaluate_snippet

# Go calls a look-behind an invalid named capture; RE2's C++ parser an invalid Perl operator.
WORDED_DIFFERENTLY = {"(?<=a)b"}
RECORDED: list[dict[str, Any]] = json.loads((Path(__file__).parent / "go-recorded.json").read_text())


def _call(case: dict[str, Any]) -> object:
    args = ", ".join(json.dumps(arg) for arg in case["args"])
    return evaluate_snippet("<test>", f'std.native("{case["native"]}")({args})', Evaluation())


@pytest.mark.parametrize("case", RECORDED, ids=lambda c: f"{c['native']}{json.dumps(c['args'])[:60]}")
def test_native_returns_what_go_returned(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(RenderError) as info:
            _call(case)
        message = str(info.value)
        assert "\n" not in message and f'std.native("{case["native"]}") failed: ' in message
        if case["native"].startswith("regex") and case["args"][0] not in WORDED_DIFFERENTLY:
            code = case["error"].rsplit(": `", 1)[0]
            assert code in message
    else:
        expected = None if case.get("null") else case["value"]
        assert _doubles(_call(case)) == _doubles(expected)


def _doubles(value: object) -> object:
    """Jsonnet numbers are doubles: compare 12345678901234567000 and ...168 as the one double they are."""
    return json.loads(json.dumps(value), parse_int=float)
