"""Prototype headers: what is parsed, and one-line errors naming file and line for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfkit.app import parse_prototype, prototype_params
from kfkit.errors import PrototypeError, UsageError

GOOD = """\
// @apiVersion 0.1
// @name io.example.web
// @description A web server
//   on two lines.
// @shortDescription Web
// @param name string Name of everything
// @optionalParam replicas number 2 How many
//   pods to run.
// @optionalParam debug boolean false Verbose logs
// @optionalParam image string null Image; null picks one
{ name: import 'param://name', ns: import "env://namespace" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "proto.jsonnet"
    path.write_text(text)
    return path


def test_header_is_parsed(tmp_path: Path) -> None:
    proto = parse_prototype(_write(tmp_path, GOOD))
    assert (proto.name, proto.api_version, proto.short_name) == ("io.example.web", "0.1", "io.example.web")
    assert proto.description == "A web server on two lines."
    assert proto.short_description == "Web"
    assert [(p.name, p.type, p.required, p.default) for p in proto.params] == [
        ("name", "string", True, None),
        ("replicas", "number", False, 2),
        ("debug", "boolean", False, False),
        ("image", "string", False, None),
    ]
    assert proto.params[1].description == "How many pods to run."
    assert proto.body.startswith("{ name: import 'param://name'")


def test_params_take_flags_values_and_defaults(tmp_path: Path) -> None:
    proto = parse_prototype(_write(tmp_path, GOOD))
    params = prototype_params(proto, "web", {"debug": "true"}, {"replicas": 5})
    assert params == {"name": "web", "replicas": 5, "debug": True, "image": None}
    with pytest.raises(UsageError, match="--replicas: 'x' is not a number"):
        prototype_params(proto, "web", {"replicas": "x"})


@pytest.mark.parametrize(
    ("type_", "text", "value"),
    [
        ("number", "1e3", 1000),
        ("number", "-0.50", -0.5),
        ("numberOrString", "8080", 8080),
        ("numberOrString", "http", "http"),
        ("numberOrString", "1.", "1."),
        ("boolean", "TRUE", True),
        ("boolean", "False", False),
        ("object", "{app: 'nginx', tier: 'web'}", {"app": "nginx", "tier": "web"}),
        ("object", '{"app": "nginx"}', {"app": "nginx"}),
        ("array", "['a', 1 + 1]", ["a", 2]),
    ],
)
def test_flag_typing_as_ksonnet_wrote_flags_into_jsonnet(
    tmp_path: Path, type_: str, text: str, value: object
) -> None:
    proto = parse_prototype(_write(tmp_path, f"// @name x\n// @param v {type_} The value\n{{}}\n"))
    typed = prototype_params(proto, "c", {"v": text})["v"]
    assert typed == value
    if type_ == "number":
        assert repr(typed) == text  # written to params.libsonnet as typed: 1e3 stays 1e3


@pytest.mark.parametrize(
    ("type_", "text", "message"),
    [
        ("number", ".5", "--v: '.5' is not a number (write it as Jsonnet does"),
        ("object", "{app: }", "--v: '{app: }' is not a Jsonnet object: "),
        ("object", "[1]", "--v: '[1]' is not a Jsonnet object"),
        ("array", "{}", "--v: '{}' is not a Jsonnet array"),
    ],
)
def test_bad_flag_values(tmp_path: Path, type_: str, text: str, message: str) -> None:
    proto = parse_prototype(_write(tmp_path, f"// @name x\n// @param v {type_} The value\n{{}}\n"))
    with pytest.raises(UsageError) as info:
        prototype_params(proto, "c", {"v": text})
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("// @name x\n// @bogus y\n", ':2: unknown prototype directive "@bogus"'),
        ("// @name x\n// @param name str The name\n", ":2: param 'name' has unknown type 'str'"),
        ("// @name x\n// @optionalParam n number\n", ":2: expected `name type default description`"),
        ("// @name x\n// @optionalParam n number many Count\n", ":2: default of 'n': 'many' is not a number"),
        ("// @description no name\n", "prototype has no `// @name` annotation"),
    ],
)
def test_bad_headers(tmp_path: Path, header: str, message: str) -> None:
    path = _write(tmp_path, header + "{}\n")
    with pytest.raises(PrototypeError) as info:
        parse_prototype(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_ksonnet_typing_quotes_null_defaults_of_string_params(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{ name:",
        "// @optionalParam port numberOrString null Port\n// @optionalParam extra object null More\n{ name:",
    )
    proto = parse_prototype(_write(tmp_path, text), ksonnet_defaults=True)
    assert {p.name: p.default for p in proto.params if not p.required} == {
        "replicas": 2,
        "debug": False,
        "image": "null",
        "port": "null",
        "extra": None,
    }
