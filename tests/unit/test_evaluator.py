"""The evaluator: engine errors made one line with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfkit.errors import RenderError
from kfkit.evaluator import Evaluation, evaluate_snippet


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
