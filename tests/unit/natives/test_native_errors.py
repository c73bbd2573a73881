"""A failing native is one line naming the native and why (values: natives/test_go_conformance.py)."""

from __future__ import annotations

import pytest

from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation, evaluate_snippet


def native(call: str) -> object:
    return evaluate_snippet("<test>", call, Evaluation())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('std.native("parseJson")("{")', 'std.native("parseJson") failed: Expecting property name'),
        (
            'std.native("regexMatch")("(", "x")',
            'std.native("regexMatch") failed: error parsing regexp: missing closing ): `(`',
        ),
        ('std.native("parseYaml")("a: [")', 'std.native("parseYaml") failed: '),
    ],
)
def test_a_failing_native_says_why(call: str, message: str) -> None:
    with pytest.raises(RenderError) as info:
        native(call)
    assert message in str(info.value)
    assert str(info.value).startswith("<test>:1:")
