"""Jsonnet tokens with source offsets.

The rules follow go-jsonnet's lexer (the engine kfkit renders with), quirks included, so that
a file kfkit accepts is exactly a file the engine accepts. Comments are tokens too: the editor
needs to know where they are to insert text around them without ever dropping one.
"""

from __future__ import annotations

import enum
import re
import string
from dataclasses import dataclass

from kfkit.errors import JsonnetSyntaxError, Location

__all__ = ["KEYWORDS", "Kind", "Token", "is_identifier", "lex", "position", "syntax_error"]


class Kind(enum.Enum):
    """What a token is; keywords are one kind each so the parser can match on them."""

    __hash__ = object.__hash__  # members are compared by identity; Enum's own hash is Python code

    BRACE_L = "{"
    BRACE_R = "}"
    BRACKET_L = "["
    BRACKET_R = "]"
    COMMA = ","
    DOLLAR = "$"
    DOT = "."
    PAREN_L = "("
    PAREN_R = ")"
    SEMICOLON = ";"
    IDENTIFIER = "identifier"
    NUMBER = "number"
    OPERATOR = "operator"
    STRING_DOUBLE = "string"
    STRING_SINGLE = "single-quoted string"
    VERBATIM_DOUBLE = "verbatim string"
    VERBATIM_SINGLE = "single-quoted verbatim string"
    TEXT_BLOCK = "text block"
    COMMENT = "comment"
    EOF = "end of file"
    ASSERT = "assert"
    ELSE = "else"
    ERROR = "error"
    FALSE = "false"
    FOR = "for"
    FUNCTION = "function"
    IF = "if"
    IMPORT = "import"
    IMPORTSTR = "importstr"
    IMPORTBIN = "importbin"
    IN = "in"
    LOCAL = "local"
    NULL = "null"
    SELF = "self"
    SUPER = "super"
    TAILSTRICT = "tailstrict"
    THEN = "then"
    TRUE = "true"


KEYWORDS: dict[str, Kind] = {
    word: Kind(word)
    for word in [
        "assert",
        "else",
        "error",
        "false",
        "for",
        "function",
        "if",
        "import",
        "importstr",
        "importbin",
        "in",
        "local",
        "null",
        "self",
        "super",
        "tailstrict",
        "then",
        "true",
    ]
}


_SINGLE = {k.value: k for k in Kind if len(k.value) == 1 and k is not Kind.DOLLAR}
_SYMBOLS = frozenset("!$:~+-&|^=<>*/%")
_WHITESPACE = frozenset(" \t\r\n")
_DIGITS = frozenset(string.digits)
_ID_FIRST = frozenset("_" + string.ascii_letters)
_ID_REST = _ID_FIRST | _DIGITS
# Runs the lexer skips or takes whole, matched in C rather than a character at a time.
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")
_IDENTIFIER = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_STRING_BODY = {q: re.compile(rf"[^{q}\\]*(?:\\.[^{q}\\]*)*", re.DOTALL) for q in "\"'"}
# Whitespace and then one of the tokens that make up almost every file, in one regex; each
# alternative matches only where :meth:`_Lexer.step` would make exactly this token (anything
# else goes to ``step``):
# a number not followed by what could continue or break it, a one-character operator not
# followed by another symbol, a closed string, a closed or line comment.
_COMMON = re.compile(
    r"""[ \t\r\n]*(?:([_A-Za-z][_A-Za-z0-9]*)"""
    r"""|("[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')"""
    r"""|([{}\[\],.();])"""
    r"""|((?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![0-9_.eE]))"""
    r"""|((?://|\#)[^\n]*|/\*.*?\*/)"""
    r"""|([!:~+\-&|^=<>*%](?![!$:~+\-&|^=<>*/%])))?""",
    re.DOTALL,
)
_WORD, _STRING, _PUNCT = range(1, 4)
_GROUP_KINDS = {4: Kind.NUMBER, 5: Kind.COMMENT, 6: Kind.OPERATOR}


def is_identifier(name: str) -> bool:
    """Whether ``name`` can be written bare (``a.name``, ``{name: …}``) rather than quoted."""
    return name[:1] in _ID_FIRST and _ID_REST.issuperset(name) and name not in KEYWORDS


@dataclass(slots=True)
class Token:
    """One lexeme: ``source[start:end]``.

    ``data`` is what the parser needs: the name, number text or operator; for quoted strings
    the raw text between the quotes (escapes are decoded by the parser, as go-jsonnet does);
    for verbatim strings and text blocks the decoded value. Never changed once made (not
    ``frozen`` only because that makes creating one, a third of lexing, seven times slower).
    """

    kind: Kind
    start: int
    end: int
    data: str


def position(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, columns counted in characters."""
    line = source.count("\n", 0, offset)
    return line + 1, offset - (source.rfind("\n", 0, offset) + 1) + 1


def syntax_error(source: str, filename: str, offset: int, what: str) -> JsonnetSyntaxError:
    """The error for ``what`` at ``offset``, as ``file:line:col: what``."""
    line, col = position(source, offset)
    return JsonnetSyntaxError(f"{filename}:{line}:{col}: {what}", location=Location(filename, line, col))


def lex(source: str, filename: str) -> list[Token]:
    """Split ``source`` into tokens (comments included), ending with an EOF token."""
    return _Lexer(source, filename).run()


class _Lexer:
    def __init__(self, source: str, filename: str) -> None:
        self.src = source
        self.filename = filename
        self.tokens: list[Token] = []

    def error(self, offset: int, what: str) -> JsonnetSyntaxError:
        return syntax_error(self.src, self.filename, offset, what)

    def emit(self, kind: Kind, start: int, end: int, data: str | None = None) -> int:
        self.tokens.append(Token(kind, start, end, self.src[start:end] if data is None else data))
        return end

    def run(self) -> list[Token]:
        """Tokens the common way (one regex match each, in C), :meth:`step` for the rest."""
        src, n, i = self.src, len(self.src), 0
        tokens, match = self.tokens, _COMMON.match
        while i < n:
            m = match(src, i)
            group = m.lastindex  # type: ignore[union-attr]  # the regex matches "" at least
            if group is None:  # only whitespace, then something rare (or the end)
                i = m.end()  # type: ignore[union-attr]
                if i < n:
                    i = self.step(i)
                continue
            start, i = m.span(group)  # type: ignore[union-attr]
            if group == _WORD:
                text = m.group(group)  # type: ignore[union-attr]
                tokens.append(Token(KEYWORDS.get(text, Kind.IDENTIFIER), start, i, text))
            elif group == _STRING:
                kind = Kind.STRING_DOUBLE if src[start] == '"' else Kind.STRING_SINGLE
                tokens.append(Token(kind, start, i, src[start + 1 : i - 1]))
            elif group == _PUNCT:
                tokens.append(Token(_SINGLE[src[start]], start, i, src[start]))
            else:
                tokens.append(Token(_GROUP_KINDS[group], start, i, m.group(group)))  # type: ignore[union-attr]
        self.emit(Kind.EOF, n, n, "")
        return tokens

    def step(self, i: int) -> int:
        """Lex the one token (or whitespace run) at ``i``, character by character; its end."""
        src, c = self.src, self.src[i]
        if c in _WHITESPACE:
            return _WHITESPACE_RUN.match(src, i).end()  # type: ignore[union-attr]
        if c in _SINGLE:
            return self.emit(_SINGLE[c], i, i + 1)
        if c in _DIGITS:
            return self.emit(Kind.NUMBER, i, self.number(i))
        if c in "\"'":
            return self.quoted(i)
        if c == "@":
            return self.verbatim(i)
        if c in _ID_FIRST:
            j = _IDENTIFIER.match(src, i).end()  # type: ignore[union-attr]
            return self.emit(KEYWORDS.get(src[i:j], Kind.IDENTIFIER), i, j)
        if c == "#" or src.startswith(("//", "/*"), i):
            return self.comment(i)
        if src.startswith("|||", i):
            return self.text_block(i)
        if c in _SYMBOLS:
            return self.operator(i)
        raise self.error(i, f"unexpected character {c!r}")

    def digits(self, i: int) -> int:
        """Skip digits from ``i`` (a digit), allowing single ``_`` separators between them."""
        src, n = self.src, len(self.src)
        while True:
            while i < n and src[i] in _DIGITS:
                i += 1
            if i < n and src[i] == "_":
                if i + 1 < n and src[i + 1] in _DIGITS:
                    i += 1
                    continue
                raise self.error(i + 1, "couldn't lex number, junk after '_'")
            return i

    def number(self, start: int) -> int:
        src, n = self.src, len(self.src)
        if src[start] == "0":
            i = start + 1
            if i < n and src[i] == "_":
                raise self.error(i, "couldn't lex number, _ not allowed after leading 0")
        else:
            i = self.digits(start)
        if i < n and src[i] == ".":
            i += 1
            if i >= n or src[i] not in _DIGITS:
                raise self.error(i, "couldn't lex number, junk after decimal point")
            i = self.digits(i)
        if i < n and src[i] in "eE":
            i += 1
            if i < n and src[i] in "+-":
                i += 1
                if i >= n or src[i] not in _DIGITS:
                    raise self.error(i, "couldn't lex number, junk after exponent sign")
            elif i >= n or src[i] not in _DIGITS:
                raise self.error(i, "couldn't lex number, junk after 'E'")
            i = self.digits(i)
        return i

    def quoted(self, start: int) -> int:
        src, quote = self.src, self.src[start]
        i = _STRING_BODY[quote].match(src, start + 1).end()  # type: ignore[union-attr]
        if i < len(src) and src[i] == quote:
            kind = Kind.STRING_DOUBLE if quote == '"' else Kind.STRING_SINGLE
            return self.emit(kind, start, i + 1, src[start + 1 : i])
        raise self.error(start, "unterminated string")

    def verbatim(self, start: int) -> int:
        src = self.src
        quote = src[start + 1 : start + 2]
        if quote not in ('"', "'"):
            raise self.error(start, "couldn't lex verbatim string, junk after '@'")
        chunks: list[str] = []
        i = start + 2
        while True:
            j = src.find(quote, i)
            if j < 0:
                raise self.error(start, "unterminated string")
            chunks.append(src[i:j])
            if not src.startswith(quote, j + 1):
                kind = Kind.VERBATIM_DOUBLE if quote == '"' else Kind.VERBATIM_SINGLE
                return self.emit(kind, start, j + 1, quote.join(chunks))
            i = j + 2

    def comment(self, start: int) -> int:
        src = self.src
        if src.startswith("/*", start):
            close = src.find("*/", start + 2)
            if close < 0:
                raise self.error(start, "multi-line comment has no terminating */")
            return self.emit(Kind.COMMENT, start, close + 2)
        end = src.find("\n", start)
        return self.emit(Kind.COMMENT, start, len(src) if end < 0 else end)

    def text_block(self, start: int) -> int:
        """A ``|||`` block: lines share the first line's indentation, which is removed."""
        src, n = self.src, len(self.src)
        i = start + 3
        chomp = src.startswith("-", i)
        i += chomp
        while i < n and src[i] in " \t\r":
            i += 1
        if not src.startswith("\n", i):
            raise self.error(start, "text block requires a new line after |||")
        i += 1
        lines: list[str] = []
        while src.startswith("\n", i):
            lines.append("\n")
            i += 1
        j = i
        while j < n and src[j] in " \t":
            j += 1
        indent = src[i:j]
        if not indent:
            raise self.error(start, "text block's first line must start with whitespace")
        while True:
            i += len(indent)
            eol = src.find("\n", i)
            if eol < 0:
                raise self.error(start, "unexpected end of file in text block")
            lines.append(src[i : eol + 1])
            i = eol + 1
            while src.startswith("\n", i):
                lines.append("\n")
                i += 1
            if not src.startswith(indent, i):
                while i < n and src[i] in " \t":
                    i += 1
                if not src.startswith("|||", i):
                    raise self.error(start, "text block not terminated with |||")
                value = "".join(lines)
                return self.emit(Kind.TEXT_BLOCK, start, i + 3, value[:-1] if chomp else value)

    def operator(self, start: int) -> int:
        """A run of symbol characters, with go-jsonnet's quirks.

        A run stops before any ``/`` and before ``||``; a run of two or more characters that
        ends in ``+ - ~ ! $`` is cut back to its first character (so ``==-`` lexes as ``=``,
        which is why ``1==-1`` is a syntax error in Jsonnet).
        """
        src, n = self.src, len(self.src)
        j = start + 1
        while j < n and src[j] in _SYMBOLS and src[j] != "/" and not src.startswith("||", j):
            j += 1
        if j > start + 1 and src[j - 1] in "+-~!$":
            j = start + 1
        kind = Kind.DOLLAR if src[start:j] == "$" else Kind.OPERATOR
        return self.emit(kind, start, j)
