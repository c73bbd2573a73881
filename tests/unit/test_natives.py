"""ksonnet's native functions, called from Jsonnet as ksonnet apps call them."""

from __future__ import annotations

import pytest

from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation, evaluate_snippet


def native(call: str) -> object:
    return evaluate_snippet("<test>", call, Evaluation())


@pytest.mark.parametrize(
    ("call", "value"),
    [
        ('std.native("parseJson")(\'{"a": [1, null]}\')', {"a": [1, None]}),
        ('std.native("parseYaml")("a: 1\\n---\\nb: [x, \'y\']\\n")', [{"a": 1}, {"b": ["x", "y"]}]),
        ('std.native("escapeStringRegex")("a.b*c-d [e]")', "a\\.b\\*c-d \\[e\\]"),
        ('std.native("regexMatch")("^v[0-9]+$", "v12")', True),
        ('std.native("regexMatch")("^v[0-9]+$", "x12")', False),
        (
            'std.native("regexSubst")("(\\\\w+)@(\\\\w+)", "me@host you@there", "${2}:$1")',
            "host:me there:you",
        ),
        ('std.native("regexSubst")("a", "banana", "$$")', "b$n$n$"),
        ('std.native("regexSubst")("(a)", "a", "[$9]")', "[]"),
    ],
)
def test_natives(call: str, value: object) -> None:
    assert native(call) == value


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('std.native("parseJson")("{")', 'std.native("parseJson") failed: Expecting property name'),
        (
            'std.native("regexMatch")("(", "x")',
            'std.native("regexMatch") failed: missing ), unterminated subpattern',
        ),
        ('std.native("parseYaml")("a: [")', 'std.native("parseYaml") failed: '),
    ],
)
def test_a_failing_native_says_why(call: str, message: str) -> None:
    with pytest.raises(RenderError) as info:
        native(call)
    assert message in str(info.value)
    assert str(info.value).startswith("<test>:1:")
