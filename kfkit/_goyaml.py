"""YAML read the way ksonnet's Go code read it (``k8s.io/apimachinery``'s YAML-to-JSON decoder).

That decoder splits the stream at ``---`` lines itself, reads each document with go-yaml v2
(YAML 1.1 scalars with Go's number parsing) and converts the result to JSON. A Python
YAML 1.1 reader disagrees on plain scalars: Go reads ``y``/``n`` as booleans, ``1e3`` and
``0o17`` as numbers, ``1:20`` as a string, and keeps dates as the strings they were
written as. tests/unit/natives/go-recorded.json holds what Go returned for each case.
"""

from __future__ import annotations

import math
import re
import struct
from typing import Any

import yaml

from kfkit._types import JsonValue
from kfkit._yamllimit import BoundedLoader

__all__ = ["GoYamlError", "load_documents"]


class GoYamlError(ValueError):
    """The text is not YAML Go would have read, or has no JSON form (NaN, a null key)."""


def load_documents(text: str) -> list[JsonValue]:
    """Every document of the stream as JSON values; an empty or comment-only document is null."""
    return [_json(_load_one(chunk)) for chunk in _split_documents(text)]


def _split_documents(text: str) -> list[str]:
    """apimachinery's YAMLReader: a line starting ``---`` ends a non-empty document."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    chunks: list[str] = []
    buffer: list[str] = []
    for raw in lines:
        line = raw.removesuffix("\r")
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise GoYamlError(f"invalid Yaml document separator: {rest}")
            if buffer:
                chunks.append("".join(buffer))
                buffer = []
                continue
        buffer.append(line + "\n")
    if buffer:
        chunks.append("".join(buffer))
    return chunks


def _load_one(chunk: str) -> Any:
    """The first document of ``chunk`` (go-yaml's Unmarshal reads no further), or None."""
    try:
        return next(iter(yaml.load_all(chunk, Loader=_GoLoader)), None)
    except yaml.YAMLError as exc:
        raise GoYamlError(" ".join(str(exc).split())) from exc


# --- go-yaml v2's plain-scalar resolution --------------------------------------------------

_WORDS: dict[str, Any] = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
    **dict.fromkeys(["", "~", "null", "Null", "NULL"], None),
    **dict.fromkeys([".nan", ".NaN", ".NAN"], math.nan),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], math.inf),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], -math.inf),
}
_ZERO_OCTAL = re.compile(r"\A([+-]?)0([0-7]+)\Z")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")


def resolve_plain(text: str) -> Any:
    """What go-yaml v2 makes of an untagged plain scalar (``resolve`` in its resolve.go)."""
    if text in _WORDS:
        return _WORDS[text]
    first = text[:1]
    if first == ".":
        return float(text) if _DOT_FLOAT.fullmatch(text) else text
    if not (first.isascii() and (first.isdigit() or first in "+-")):
        return text
    plain = text.replace("_", "")
    if not plain.isascii():
        return text
    # strconv.ParseInt(plain, 0, 64), then ParseUint: 0x, 0o, 0b, and 017 is octal too.
    try:
        value = int(_ZERO_OCTAL.sub(r"\g<1>0o\2", plain), 0)
    except ValueError:
        pass
    else:
        if -(2**63) <= value < 2**63 or (plain[0] != "+" and plain[0] != "-" and value < 2**64):
            return value
    if _GO_FLOAT.fullmatch(plain) and math.isfinite(number := float(plain)):
        return number
    return text


class _GoLoader(BoundedLoader):
    """PyYAML's C parser, with go-yaml v2's scalars, merge order and JSON-able keys."""

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {  # noqa: RUF012
        None: [("tag:yaml.org,2002:merge", re.compile(r"<<\Z")), ("!go-plain", re.compile(r"(?s).*"))]
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Pairs in order; a ``<<`` merge overrides keys seen before it, as go-yaml does."""
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in reversed(sources):
                    mapping.update(self.construct_mapping(source, deep=True))
                continue
            key = self.construct_object(key_node, deep=deep)
            mapping[_json_key(key)] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_go_plain(self, node: yaml.ScalarNode) -> Any:
        return resolve_plain(node.value)

    def construct_as_written(self, node: yaml.ScalarNode) -> Any:
        """go-yaml keeps an explicit ``!!timestamp`` as its text, and ``<<`` as a value."""
        return node.value

    def construct_binary_text(self, node: yaml.ScalarNode) -> Any:
        return self.construct_yaml_binary(node).decode("utf-8", errors="replace")


_GoLoader.add_constructor("!go-plain", _GoLoader.construct_go_plain)
_GoLoader.add_constructor("tag:yaml.org,2002:timestamp", _GoLoader.construct_as_written)
_GoLoader.add_constructor("tag:yaml.org,2002:merge", _GoLoader.construct_as_written)
_GoLoader.add_constructor("tag:yaml.org,2002:binary", _GoLoader.construct_binary_text)


# --- sigs.k8s.io/yaml's conversion to JSON --------------------------------------------------


def _json_key(key: Any) -> str:
    """Map keys become strings the way sigs.k8s.io/yaml writes them."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return _float32_text(key)
    raise GoYamlError(f"unsupported map key: {key!r}")


def _float32_text(number: float) -> str:
    """Go's ``strconv.FormatFloat(f, 'g', -1, 32)``, with YAML's names for the infinities."""
    if math.isnan(number):
        return ".nan"
    try:
        single = struct.unpack("f", struct.pack("f", number))[0]
    except OverflowError:
        single = math.copysign(math.inf, number)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    mantissa, exponent = next(
        (m, int(e))
        for digits in range(1, 10)
        for m, e in [f"{single:.{digits - 1}e}".split("e")]
        if struct.unpack("f", struct.pack("f", float(f"{m}e{e}")))[0] == single
    )
    sign, digits = ("-", mantissa[1:]) if mantissa.startswith("-") else ("", mantissa)
    digits = digits.replace(".", "").rstrip("0") or "0"
    if exponent < -4 or exponent >= 6:
        tail = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{tail}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    whole, fraction = digits[: exponent + 1].ljust(exponent + 1, "0"), digits[exponent + 1 :]
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def _json(value: Any) -> JsonValue:
    """JSON's data model, as Go's json.Marshal/Unmarshal round trip leaves it: numbers are doubles."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            name = "NaN" if math.isnan(number) else "+Inf" if number > 0 else "-Inf"
            raise GoYamlError(f"json: unsupported value: {name}")
        return number
    raise GoYamlError(f"unsupported value: {value!r}")
