"""The lexer: exact token spans, comments kept, go-jsonnet's rules for strings and operators."""

from __future__ import annotations

import pytest

from kfkit.errors import JsonnetSyntaxError
from kfkit.jsonnet._lexer import KEYWORDS, Kind, lex, position


def kinds(source: str) -> list[tuple[Kind, str]]:
    return [(t.kind, source[t.start : t.end]) for t in lex(source, "f") if t.kind is not Kind.EOF]


def test_tokens_cover_their_source_text() -> None:
    source = 'local x = {a+: 1e3, "b"::: [self.c]} // trailing\n x.a'
    assert kinds(source) == [
        (Kind.LOCAL, "local"),
        (Kind.IDENTIFIER, "x"),
        (Kind.OPERATOR, "="),
        (Kind.BRACE_L, "{"),
        (Kind.IDENTIFIER, "a"),
        (Kind.OPERATOR, "+:"),
        (Kind.NUMBER, "1e3"),
        (Kind.COMMA, ","),
        (Kind.STRING_DOUBLE, '"b"'),
        (Kind.OPERATOR, ":::"),
        (Kind.BRACKET_L, "["),
        (Kind.SELF, "self"),
        (Kind.DOT, "."),
        (Kind.IDENTIFIER, "c"),
        (Kind.BRACKET_R, "]"),
        (Kind.BRACE_R, "}"),
        (Kind.COMMENT, "// trailing"),
        (Kind.IDENTIFIER, "x"),
        (Kind.DOT, "."),
        (Kind.IDENTIFIER, "a"),
    ]


def test_every_keyword_is_its_own_kind() -> None:
    # The Jsonnet spec's keywords, restated here rather than read from the lexer.
    words = [
        "assert", "else", "error", "false", "for", "function", "if", "import", "importstr",
        "importbin", "in", "local", "null", "self", "super", "tailstrict", "then", "true",
    ]  # fmt: skip
    assert sorted(KEYWORDS) == sorted(words)
    assert [k.value for k, _ in kinds(" ".join(words))] == words
    others = "locals importer number operator comment string identifier"
    assert {k for k, _ in kinds(others)} == {Kind.IDENTIFIER}


@pytest.mark.parametrize(
    "source",
    [
        "// line comment",
        "# hash comment",
        "/* block */",
        "/* multi\n line */",
        "/**/",
        "/* a // b */",
    ],
)
def test_comments_are_tokens_with_exact_spans(source: str) -> None:
    tokens = lex(f"1 {source}\n2", "f")
    comment = next(t for t in tokens if t.kind is Kind.COMMENT)
    assert (comment.start, comment.end) == (2, 2 + len(source))


def test_comment_markers_inside_strings_are_not_comments() -> None:
    assert [k for k, _ in kinds('"// no" + \'/* no */\' + @"# no"')] == [
        Kind.STRING_DOUBLE,
        Kind.OPERATOR,
        Kind.STRING_SINGLE,
        Kind.OPERATOR,
        Kind.VERBATIM_DOUBLE,
    ]


@pytest.mark.parametrize(
    ("source", "data"),
    [
        (r'"a\"b"', r"a\"b"),  # quoted strings keep their raw text; the parser decodes
        (r"'it\'s'", r"it\'s"),
        ('@"a""b"', 'a"b'),
        ("@'it''s'", "it's"),
        ('@"back\\slash"', "back\\slash"),
        ("|||\n  a\n    b\n|||", "a\n  b\n"),
        ("|||-\n  a\n|||", "a"),
        ("|||\n  a\n\n  b\n|||", "a\n\nb\n"),
        ("|||\n\n  a\n|||", "\na\n"),
        ("|||  \n  a\n |||", "a\n"),
        ("|||\n\ta\n\t\tb\n|||", "a\n\tb\n"),
        ("|||\n  a\n   \n  b\n|||", "a\n \nb\n"),
        ("|||\r\n  a\r\n|||", "a\r\n"),
    ],
)
def test_string_token_data(source: str, data: str) -> None:
    (token, _eof) = lex(source, "f")
    assert (token.start, token.end, token.data) == (0, len(source), data)


@pytest.mark.parametrize("source", ["0", "1", "1.5", "1e3", "1E+3", "2.5e-3", "1_000", "1_0.2_5e1_0"])
def test_numbers_are_single_tokens(source: str) -> None:
    assert kinds(source) == [(Kind.NUMBER, source)]


def test_leading_zero_ends_a_number() -> None:
    assert kinds("01") == [(Kind.NUMBER, "0"), (Kind.NUMBER, "1")]


@pytest.mark.parametrize(
    ("source", "ops"),
    [
        ("a==-b", ["=", "=", "-"]),  # go-jsonnet cuts ==- back to its first character
        ("a == -b", ["==", "-"]),
        ("a+-b", ["+", "-"]),
        ("a<=b", ["<="]),
        ("{a+::: 1}", ["+:::"]),
        ("a*/*c*/b", ["*"]),
        ("a&||b", ["&", "||"]),
    ],
)
def test_operator_runs(source: str, ops: list[str]) -> None:
    assert [text for kind, text in kinds(source) if kind is Kind.OPERATOR] == ops


def test_dollar_is_its_own_token() -> None:
    assert kinds("$.a") == [(Kind.DOLLAR, "$"), (Kind.DOT, "."), (Kind.IDENTIFIER, "a")]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ('{\n  a: "open', "f.jsonnet:2:6: unterminated string"),
        ("x = @q", "f.jsonnet:1:5: couldn't lex verbatim string"),
        ("1 /* never closed", "f.jsonnet:1:3: multi-line comment has no terminating */"),
        ("1.", "f.jsonnet:1:3: couldn't lex number, junk after decimal point"),
        ("1e+", "f.jsonnet:1:4: couldn't lex number, junk after exponent sign"),
        ("\n\n 1ex", "f.jsonnet:3:4: couldn't lex number, junk after 'E'"),
        ("1__0", "f.jsonnet:1:3: couldn't lex number, junk after '_'"),
        ("0_1", "f.jsonnet:1:2: couldn't lex number, _ not allowed after leading 0"),
        ("||| x\n  a\n|||", "f.jsonnet:1:1: text block requires a new line after |||"),
        ("a: |||\nb\n|||", "f.jsonnet:1:4: text block's first line must start with whitespace"),
        ("|||\n  a\n b\n|||", "f.jsonnet:1:1: text block not terminated with |||"),
        ("|||\n  a", "f.jsonnet:1:1: unexpected end of file in text block"),
        ("{é: 1}", "f.jsonnet:1:2: unexpected character 'é'"),
        ("1 ? 2", "f.jsonnet:1:3: unexpected character '?'"),
    ],
)
def test_errors_name_file_line_and_column(source: str, error: str) -> None:
    with pytest.raises(JsonnetSyntaxError) as info:
        lex(source, "f.jsonnet")
    assert str(info.value).startswith(error)


def test_position_counts_characters_not_bytes() -> None:
    source = 'é = "ü"\n  x'
    assert position(source, 0) == (1, 1)
    assert position(source, 4) == (1, 5)
    assert position(source, source.index("x")) == (2, 3)
