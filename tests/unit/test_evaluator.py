"""The evaluator: ksonnet's native functions, and engine errors made one line with file:line:col."""

from __future__ import annotations

from pathlib import Path

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


def test_runtime_error_is_one_line_with_location_and_keeps_the_stack(tmp_path: Path) -> None:
    code = 'local f(x) = error "boom " + x;\n{ a: f("z") }\n'
    with pytest.raises(RenderError) as info:
        evaluate_snippet(str(tmp_path / "comp.jsonnet"), code, Evaluation(root=tmp_path))
    assert str(info.value) == "comp.jsonnet:1:14-31: boom z"
    assert "RUNTIME ERROR" in info.value.details and "comp.jsonnet:2:" in info.value.details


def test_syntax_error_keeps_the_engine_location(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as info:
        evaluate_snippet(str(tmp_path / "bad.jsonnet"), "{a: }", Evaluation(root=tmp_path))
    assert str(info.value).startswith("bad.jsonnet:1:5")
    assert "\n" not in str(info.value)


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
