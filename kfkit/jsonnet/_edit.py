"""Minimal, lossless edits of Jsonnet object literals.

ksonnet re-printed a whole params file after every ``param set`` and lost comments and
formatting. Here an edit is a few text splices at exact source offsets found by the parser:
replacing a value rewrites only that value's characters; inserting a field adds text just
before the object's closing brace (and a separating comma if needed); deleting removes the
field, its comma and, when the field has a line to itself, that line. Every other character
of the file stays as it was.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Sequence
from functools import cached_property
from typing import TypeAlias, cast

from kfkit._types import JsonValue
from kfkit.errors import JsonnetSyntaxError, ParamsError
from kfkit.jsonnet._ast import (
    Apply,
    ApplyBrace,
    Array,
    Binary,
    ComputedKey,
    Field,
    FieldKey,
    Function,
    Id,
    Import,
    Index,
    Literal,
    Local,
    Member,
    Node,
    NumberLit,
    Object,
    ObjectComp,
    Parens,
    StringLit,
    Unary,
    Var,
    children,
)
from kfkit.jsonnet._lexer import Kind, Token, is_identifier, lex, position
from kfkit.jsonnet._parser import parse_tokens

__all__ = [
    "Document",
    "ObjectRef",
    "changed_span",
    "indent_steps",
    "is_data",
    "key_name",
    "style",
    "to_jsonnet",
]

ObjectRef: TypeAlias = Object
"""A handle on an object literal of a :class:`Document`: the parsed node itself."""

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
_NOUNS: dict[type[Node], str] = {
    Var: "a variable",
    Index: "a field reference",
    Apply: "a function call",
    ApplyBrace: "an object extended with { … }",
    Binary: "an expression",
    Import: "an import",
    Local: "a local expression",
    Function: "a function",
    ObjectComp: "an object comprehension",
    Parens: "a parenthesized expression",
}
_Edit = tuple[int, int, str]


def to_jsonnet(value: JsonValue, *, indent: str = "  ", level: str = "", quote: str = '"') -> str:
    """Render a JSON value as Jsonnet source.

    Non-empty objects are written one field per line at ``level`` + ``indent`` with trailing
    commas; arrays (and everything inside them) on one line. Keys are bare when they are
    identifiers, otherwise quoted with ``quote``, like strings.
    """
    return _Renderer(indent, quote).value(value, level, inline=False)


class _Renderer:
    def __init__(self, indent: str, quote: str) -> None:
        self.indent = indent
        self.quote = quote

    def value(self, value: JsonValue, level: str, *, inline: bool) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            # Every Jsonnet number is a double: ints are exact up to 2**53, and beyond the
            # double range (or for inf/nan) there is no Jsonnet number at all.
            if isinstance(value, int) and abs(value) <= sys.float_info.max:
                return str(value)
            if isinstance(value, float) and math.isfinite(value):
                return repr(value)
            shown = value if isinstance(value, float) else f"{str(value)[:12]}…"
            raise ParamsError(f"cannot write {shown} in Jsonnet: numbers must be finite doubles")
        if isinstance(value, str):
            return self.string(value, self.quote)
        if isinstance(value, list):
            return "[" + ", ".join(self.value(v, level, inline=True) for v in value) + "]"
        if isinstance(value, dict):
            if not value:
                return "{}"
            if inline:
                fields = ", ".join(self.field(k, v, level, inline=True) for k, v in value.items())
                return "{ " + fields + " }"
            inner = level + self.indent
            lines = "".join(f"{inner}{self.field(k, v, inner, inline=False)},\n" for k, v in value.items())
            return "{\n" + lines + level + "}"
        raise ParamsError(f"cannot write a {type(value).__name__} as Jsonnet")

    def field(self, key: str, value: JsonValue, level: str, *, inline: bool) -> str:
        return f"{self.key(key)}: {self.value(value, level, inline=inline)}"

    def key(self, name: str) -> str:
        if is_identifier(name):
            return name
        return self.string(name, self.quote)

    @staticmethod
    def string(text: str, quote: str) -> str:
        out = [quote]
        for c in text:
            code = ord(c)
            if c == quote:
                out.append("\\" + c)
            elif c in _ESCAPES:
                out.append(_ESCAPES[c])
            elif code < 0x20 or code == 0x7F:
                out.append(f"\\u{code:04x}")
            elif 0xD800 <= code < 0xE000:
                raise ParamsError(f"cannot write the lone surrogate U+{code:04X} in a string")
            else:
                out.append(c)
        out.append(quote)
        return "".join(out)

    @staticmethod
    def verbatim(text: str, quote: str) -> str:
        return "@" + quote + text.replace(quote, quote * 2) + quote


class Document:
    """A parsed Jsonnet file that can be edited without touching bytes outside the edit.

    A document never changes: :meth:`set` and :meth:`delete` return the new source text, to
    be written back (and parsed again for a further edit).
    """

    def __init__(
        self, source: str, filename: str, *, parsed: tuple[list[Token], Node, _Renderer] | None = None
    ) -> None:
        """Parse ``source``. ``parsed`` stands in for that when an outline of the file vouches
        for all but the part an edit needs (:meth:`kfkit.jsonnet.Outline.document`): that part's
        tokens, a tree of it and the fields leading to it, and the file's style."""
        self.source = source
        self.filename = filename
        if parsed is None:
            self._tokens = lex(source, filename)
            self.root: Node = parse_tokens(self._tokens, source, filename)
        else:
            self._tokens, self.root, self.__dict__["_render"] = parsed  # fills the cached property
        self._newline = "\r\n" if "\r\n" in source else "\n"
        self._inheriting: set[int] = set()
        """Objects found on the right of ``+`` (or ``a { … }``): their fields merge over others."""

    # Worked out on first use: replacing one value in a large file needs neither.
    @cached_property
    def _comments(self) -> dict[int, int]:
        return {t.start: t.end for t in self._tokens if t.kind is Kind.COMMENT}

    @cached_property
    def _render(self) -> _Renderer:
        """Writes values in the file's style: its indentation step and its more common quote."""
        kinds = Counter(t.kind for t in self._tokens)
        return style(kinds[Kind.STRING_SINGLE], kinds[Kind.STRING_DOUBLE], indent_steps(self.source))

    # --- finding objects -----------------------------------------------------------------

    def root_object(self) -> ObjectRef:
        """The object literal the file evaluates to.

        Follows ``local …;`` bodies and parentheses; for ``a + { … }`` and ``a { … }`` it is
        the object on the right, the one whose fields win.
        """
        return self._object_of(self.root, "the file")

    def local_object(self, name: str) -> ObjectRef:
        """Like :meth:`root_object`, starting from the file-level ``local <name> = …``."""
        node, found = self.root, None
        while isinstance(node, Local | Parens):
            if isinstance(node, Parens):
                node = node.inner
                continue
            found = next((b for b in reversed(node.binds) if b.name == name), found)
            node = node.body
        if found is None:
            raise ParamsError(f"{self.filename}: there is no file-level `local {name} = …` to edit")
        if found.params is not None:
            raise ParamsError(f"{self._where(found)}: cannot edit `local {name}`: it is a function")
        return self._object_of(found.value, f"`local {name}`")

    def _object_of(self, node: Node, what: str) -> Object:
        inherits = False
        while True:
            if isinstance(node, Local):
                node = node.body
            elif isinstance(node, Parens):
                node = node.inner
            elif isinstance(node, Binary) and node.op == "+":
                node, inherits = node.right, True
            elif isinstance(node, ApplyBrace) and isinstance(node.obj, Object):
                node, inherits = node.obj, True
            elif isinstance(node, Object):
                if inherits:
                    self._inheriting.add(id(node))
                return node
            else:
                raise ParamsError(
                    f"{self._where(node)}: cannot edit {what}: it is not an object literal "
                    f"but {self._describe(node)}"
                )

    # --- the three operations ------------------------------------------------------------

    def get(self, obj: ObjectRef, path: Sequence[str]) -> Node | None:
        """The value node at ``path`` under ``obj``, or None when a field on the way is absent.

        Raises ParamsError when the path runs through a value that is not an object literal,
        since what is behind it is only known by evaluating.
        """
        if not path:
            return obj
        parent, found = self._descend(obj, path[:-1])
        if found < len(path) - 1:
            return None
        field = self._find(parent, path)
        return None if field is None else field.value

    def set(self, obj: ObjectRef, path: Sequence[str], value: JsonValue, *, plus: bool = False) -> str:
        """Return the source with the value at ``path`` set to ``value``.

        An existing field keeps its key, separator, comma and comments: only its value's text
        is replaced. Missing fields are inserted (with nested objects for the rest of the
        path); ``plus`` writes the nested objects' fields as ``key+: { … }``, which merges
        into the inherited object, as environment overrides need. Inserting below an object
        that merges anyway (``{…} + { global+: {} }``) does the same, so siblings the file's
        left side defines are never replaced.
        """
        if not path:
            raise ParamsError(f"{self.filename}: cannot set an empty path")
        parent, found = self._descend(obj, path[:-1])
        field = self._find(parent, path) if found == len(path) - 1 else None
        if field is None:
            plus = plus or self._merges(obj, path[:found])
            edits = self._insert(parent, path[found:], value, plus)
            return self._splice([(a, b, t.replace("\n", self._newline)) for a, b, t in edits])
        if field.params is not None:
            raise self._computed(path, field)
        return self._splice([self._replace(parent, field, value)])

    def delete(self, obj: ObjectRef, path: Sequence[str]) -> str:
        """Return the source without the field at ``path``; ParamsError if there is none."""
        parent, found = self._descend(obj, path[:-1])
        field = self._find(parent, path) if path and found == len(path) - 1 else None
        if field is None:
            raise ParamsError(f"{self.filename}: cannot delete {_dotted(path)}: there is no such field")
        return self._splice(self._remove(parent, field))

    # --- checking an edit without parsing the whole file again -------------------------

    def changed_object(self, new: str) -> tuple[Object, str] | None:
        """The innermost object literal holding every change from this document's source to
        ``new``, and its text in ``new``, which parses on its own. None when that cannot tell
        (then parse ``new`` whole, for the error).

        Why parsing that object alone checks the whole file: the change lies strictly between
        the braces of an object literal ``{…}`` of the old tree, so everything before its ``{``
        and from its ``}`` on is the same text. Lexing is left to right and looks past a token
        by at most the next character, which here is the unchanged ``{`` or ``}``: the tokens
        outside are the same. Inside, the tokens are those of the object's new text lexed
        alone, which must end exactly at its ``}``. The parser reads an object literal from
        ``{`` to ``}`` without any state from around it (each object has its own duplicate-field
        set), so the new file parses exactly when the object's new text parses as one object
        literal, and its tree is the old one with that object replaced.
        """
        old = self.source
        target = _innermost_object(self.root, *changed_span(old, new))
        if target is None:
            return None
        start, end = target.span
        text = new[start : end + len(new) - len(old)]
        try:
            node = parse_tokens(lex(text, self.filename), text, self.filename)
        except JsonnetSyntaxError:
            return None
        return (target, text) if isinstance(node, Object) and node.span == (0, len(text)) else None

    def data_path(self, obj: ObjectRef) -> list[str] | None:
        """The keys from the file's root to ``obj`` when everything else in the file is plain
        data and each field on the way is a plain ``key: {…}``; None otherwise.

        Then nothing in the file can see ``obj`` but its place in the result: no ``self``,
        ``$``, ``super``, local, call or operator outside it, and no field that hides it.
        """
        path: list[str] = []
        node: Node = self.root
        while node is not obj:
            if not isinstance(node, Object) or not all(isinstance(m, Field) for m in node.members):
                return None
            fields = cast(tuple[Field, ...], node.members)
            on_way = next((f for f in fields if f.value.span[0] <= obj.span[0] < f.value.span[1]), None)
            if on_way is None or on_way.plus or on_way.sep != ":" or on_way.params is not None:
                return None
            name = key_name(on_way.key)
            others = (f for f in fields if f is not on_way)
            if name is None or not all(_is_plain_field(f) and is_data(f.value) for f in others):
                return None
            path.append(name)
            node = on_way.value
        return path

    # --- navigation ----------------------------------------------------------------------

    def _descend(self, obj: Object, path: Sequence[str]) -> tuple[Object, int]:
        """Follow ``path`` through object-literal values while the fields exist.

        Returns the last object reached and how many segments were followed.
        """
        for depth in range(len(path)):
            field = self._find(obj, path[: depth + 1])
            if field is None:
                return obj, depth
            if not isinstance(field.value, Object) or field.params is not None:
                raise self._computed(path[: depth + 1], field)
            obj = field.value
        return obj, len(path)

    def _merges(self, obj: Object, path: Sequence[str]) -> bool:
        """Whether the object at ``path`` (which exists) merges into an inherited value.

        True when ``obj`` sits on the right of ``+`` and every field on the way is ``key+:``;
        a plain ``key:`` on the way replaces what was inherited, so below it nothing merges.
        """
        if id(obj) not in self._inheriting:
            return False
        for depth in range(len(path)):
            field = self._find(obj, path[: depth + 1])
            if field is None or not field.plus or not isinstance(field.value, Object):
                return False
            obj = field.value
        return True

    def _find(self, obj: Object, path: Sequence[str]) -> Field | None:
        """The field of ``obj`` named ``path[-1]``."""
        matches = [f for f in obj.fields if key_name(f.key) == path[-1]]
        if len(matches) > 1:
            raise ParamsError(
                f"{self._where(matches[1])}: cannot edit {_dotted(path)}: the field is defined more than once"
            )
        return matches[0] if matches else None

    def _computed(self, path: Sequence[str], field: Field) -> ParamsError:
        """The error for a path that runs into (or ends at) what a literal edit cannot change."""
        dotted = _dotted(path)
        if field.params is not None:
            what = f"cannot edit {dotted}: it is a method ({self._describe(field)}), edit it by hand"
            return ParamsError(f"{self._where(field)}: {what}")
        if isinstance(field.value, Literal | Array):
            what = f"its value {self._describe(field.value)} is not an object"
            return ParamsError(f"{self._where(field.value)}: cannot set a field inside {dotted}: {what}")
        what = f"its value is computed ({self._describe(field.value)}), edit it by hand"
        return ParamsError(f"{self._where(field.value)}: cannot edit {dotted}: {what}")

    def _describe(self, node: Node) -> str:
        """A short name for an expression: what kind it is and its first 40 characters."""
        text = self.source[node.span[0] : node.span[1]]
        short = text.split("\n", 1)[0]
        if len(short) > 40 or short != text:
            short = short[:40].rstrip() + " …"
        noun = _NOUNS.get(type(node))
        return f"{noun} `{short}`" if noun else f"`{short}`"

    def _where(self, node: Node) -> str:
        line, col = position(self.source, node.span[0])
        return f"{self.filename}:{line}:{col}"

    # --- text edits ----------------------------------------------------------------------

    def _splice(self, edits: list[_Edit]) -> str:
        """Apply non-overlapping edits; those at the same offset keep their list order."""
        out: list[str] = []
        pos = 0
        for start, end, text in sorted(edits, key=lambda edit: edit[0]):
            out += [self.source[pos:start], text]
            pos = end
        out.append(self.source[pos:])
        return "".join(out)

    def _replace(self, parent: Object, field: Field, value: JsonValue) -> _Edit:
        old = field.value
        start, end = old.span
        render = self._render
        if isinstance(old, StringLit) and isinstance(value, str) and old.style[0] in "\"'@":
            quote = old.style[-1]
            verbatim = old.style.startswith("@")
            text = render.verbatim(value, quote) if verbatim else render.string(value, quote)
            return start, end, text
        level = _line_indent(self.source, field.span[0])
        text = render.value(value, level, inline=not self._multiline(parent))
        return start, end, text.replace("\n", self._newline)

    def _insert(self, obj: Object, names: Sequence[str], value: JsonValue, plus: bool) -> list[_Edit]:
        src, unit = self.source, self._render.indent
        opening, closing = obj.span[0], obj.span[1] - 1
        inside = [c for c in self._comments.items() if opening < c[0] < closing]
        if not obj.members:
            after = max([opening + 1] + [c[1] for c in inside])
            if self._multiline(obj):
                level = _line_indent(src, closing) + unit
                return [(after, after, f"\n{level}{self._field(names, value, plus, level)},")]
            if len(names) > 1 or (isinstance(value, dict) and value):
                outer = _line_indent(src, opening)
                level = outer + unit
                text = f"\n{level}{self._field(names, value, plus, level)},\n{outer}"
                return [(after, closing, text)]
            return [(after, closing, f" {self._field(names, value, plus, '', inline=True)} ")]
        last = obj.members[-1]
        comma = "," if last.comma else ""
        end = last.comma[1] if last.comma else last.span[1]
        edits: list[_Edit] = [] if last.comma else [(last.span[1], last.span[1], ",")]
        if self._multiline(obj):
            after = max([end] + [c[1] for c in inside if c[0] >= end])
            level = self._member_indent(obj)
            edits.append((after, after, f"\n{level}{self._field(names, value, plus, level)}{comma}"))
        else:
            field = self._field(names, value, plus, "", inline=True)
            edits.append((end, end, f" {field}{comma}"))
        return edits

    def _field(
        self,
        names: Sequence[str],
        value: JsonValue,
        plus: bool,
        level: str,
        *,
        inline: bool = False,
    ) -> str:
        """``a+: { b+: { c: value } }`` for the path ``a.b.c``, at indentation ``level``."""
        render = self._render
        key = render.key(names[0])
        if len(names) == 1:
            return f"{key}: {render.value(value, level, inline=inline)}"
        sep = "+:" if plus else ":"
        inner = level + render.indent
        child = self._field(names[1:], value, plus, inner, inline=inline)
        if inline:
            return f"{key}{sep} {{ {child} }}"
        return f"{key}{sep} {{\n{inner}{child},\n{level}}}"

    def _member_indent(self, obj: Object) -> str:
        """The indentation of the object's fields: that of its last member that starts a line."""
        for member in reversed(obj.members):
            if _starts_line(self.source, member.span[0]):
                return _line_indent(self.source, member.span[0])
        return _line_indent(self.source, obj.span[0]) + self._render.indent

    def _multiline(self, obj: Object) -> bool:
        return "\n" in self.source[obj.span[0] : obj.span[1]]

    def _remove(self, obj: Object, field: Field) -> list[_Edit]:
        src = self.source
        index = next(i for i, m in enumerate(obj.members) if m is field)
        prev: Member | None = obj.members[index - 1] if index else None
        is_last = index == len(obj.members) - 1
        start, end = field.span[0], (field.comma or field.span)[1]
        eol = self._blank_rest_of_line(end)
        if _starts_line(src, start) and eol is not None:
            line = src.rfind("\n", 0, start) + 1
            cut = (line, eol + 1) if eol < len(src) else (max(line - 1, 0), eol)
        elif len(obj.members) == 1 and not any(obj.span[0] < c < obj.span[1] for c in self._comments):
            cut = (obj.span[0] + 1, obj.span[1] - 1)
        elif not is_last:
            after = _skip(src, end, " \t")
            cut = (
                (start, after)
                if src[after : after + 1] not in ("\n", "\r")
                else (_skip_back(src, start), end)
            )
        else:
            cut = (self._blank_before(start), end)
        edits: list[_Edit] = [(cut[0], cut[1], "")]
        if is_last and field.comma is None and prev is not None and prev.comma is not None:
            edits.append((prev.comma[0], prev.comma[1], ""))
        return edits

    def _blank_before(self, pos: int) -> int:
        """Where the blanks before ``pos`` start, keeping a line break that ends a comment."""
        src = self.source
        start = _skip_back(src, pos, " \t\r\n")
        ends_line_comment = any(
            end == start and not src.startswith("/*", c) for c, end in self._comments.items()
        )
        return src.index("\n", start) + 1 if ends_line_comment else start

    def _blank_rest_of_line(self, pos: int) -> int | None:
        """The offset of the line end if only blanks and comments follow ``pos`` on its line."""
        src = self.source
        while True:
            pos = _skip(src, pos, " \t\r")
            if pos == len(src) or src[pos] == "\n":
                return pos
            end = self._comments.get(pos)
            if end is None or "\n" in src[pos:end]:
                return None
            pos = end


def key_name(key: FieldKey) -> str | None:
    """The name a field key stands for, when it is a literal name."""
    if isinstance(key, Id):
        return key.name
    if isinstance(key, StringLit):
        return key.value
    return key.expr.value if isinstance(key.expr, StringLit) else None


def _dotted(path: Sequence[str]) -> str:
    return ".".join(path)


def _skip(src: str, pos: int, chars: str) -> int:
    while pos < len(src) and src[pos] in chars:
        pos += 1
    return pos


def _skip_back(src: str, pos: int, chars: str = " \t") -> int:
    while pos > 0 and src[pos - 1] in chars:
        pos -= 1
    return pos


def _starts_line(src: str, pos: int) -> bool:
    return not src[src.rfind("\n", 0, pos) + 1 : pos].strip(" \t\r")


def _line_indent(src: str, pos: int) -> str:
    start = src.rfind("\n", 0, pos) + 1
    return src[start : _skip(src, start, " \t")]


def indent_steps(src: str) -> Counter[str]:
    """How often each indentation step occurs: the increase from one non-blank line to the next."""
    steps: Counter[str] = Counter()
    previous: str | None = None
    for line in src.splitlines():
        if not line.strip():
            continue
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if previous is not None and len(indent) > len(previous) and indent.startswith(previous):
            steps[indent[len(previous) :]] += 1
        previous = indent
    return steps


def style(single: int, double: int, steps: Counter[str]) -> _Renderer:
    """Writes values in a file's style: its most common indentation step (or two spaces), and
    single quotes when it has more single- than double-quoted strings."""
    unit = steps.most_common(1)[0][0] if steps else "  "
    return _Renderer(unit, "'" if single > double else '"')


def changed_span(old: str, new: str) -> tuple[int, int]:
    """``(start, end)`` such that ``new`` is ``old`` with ``old[start:end]`` replaced."""
    head = _common_prefix(old, new)
    return head, len(old) - _common_prefix(old[head:][::-1], new[head:][::-1])


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix, found by comparing halves (memcmp, not a loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _innermost_object(node: Node, lo: int, hi: int) -> Object | None:
    """The smallest object literal whose braces hold ``lo..hi`` strictly inside them."""
    found = None
    while True:
        if isinstance(node, Object) and node.span[0] < lo and hi < node.span[1]:
            found = node
        inner = next((c for c in children(node) if c.span[0] < lo and hi < c.span[1]), None)
        if inner is None:
            return found
        node = inner


def is_data(node: Node) -> bool:
    """Whether ``node`` is a JSON-like literal: evaluating it can neither fail nor read anything."""
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, Object):
            if not all(_is_plain_field(m) for m in n.members):
                return False
            todo.extend(cast(Field, m).value for m in n.members)
        elif isinstance(n, Array):
            todo.extend(n.elements)
        elif isinstance(n, Unary):
            if n.op != "-" or not isinstance(n.operand, NumberLit):
                return False
        elif not isinstance(n, Literal):
            return False
    return True


def _is_plain_field(member: Member) -> bool:
    """``name: value`` (or ``::``, ``:::``) with a literal name: no ``+``, method or computed name."""
    if not isinstance(member, Field):
        return False
    return not member.plus and member.params is None and not isinstance(member.key, ComputedKey)
