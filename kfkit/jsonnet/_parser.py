"""Parse Jsonnet source into a :mod:`kfkit.jsonnet._ast` tree with source spans.

The grammar, operator precedence and the checks done while parsing (duplicate fields and
locals, comprehension shapes, argument order, literal-only imports, string escapes) follow
go-jsonnet's parser, so ``parse`` accepts a file exactly when the engine kfkit renders with
does. Name resolution (unknown variables, ``self`` outside an object) is not a parse error
there either, and is not checked here.
"""

from __future__ import annotations

import string
from typing import Literal as TypingLiteral
from typing import cast

from kfkit.errors import JsonnetSyntaxError
from kfkit.jsonnet._ast import (
    Apply,
    ApplyBrace,
    Arg,
    Array,
    ArrayComp,
    Assert,
    Binary,
    Bind,
    BoolLit,
    CompSpec,
    ComputedKey,
    Dollar,
    Error,
    Field,
    FieldKey,
    ForSpec,
    Function,
    Id,
    If,
    IfSpec,
    Import,
    Index,
    InSuper,
    Local,
    Member,
    Node,
    NullLit,
    NumberLit,
    Object,
    ObjectAssert,
    ObjectComp,
    ObjectLocal,
    Param,
    Parens,
    Self,
    Slice,
    StringLit,
    StringStyle,
    SuperIndex,
    Unary,
    Var,
)
from kfkit.jsonnet._lexer import Kind, Token, lex, syntax_error

__all__ = ["parse", "parse_tokens"]

# Binding power of binary operators; a lower number binds tighter (go-jsonnet's table).
BINARY_PRECEDENCE = {
    "*": 5,
    "/": 5,
    "%": 5,
    "+": 6,
    "-": 6,
    "<<": 7,
    ">>": 7,
    "<": 8,
    "<=": 8,
    ">": 8,
    ">=": 8,
    "in": 8,
    "==": 9,
    "!=": 9,
    "&": 10,
    "^": 11,
    "|": 12,
    "&&": 13,
    "||": 14,
}
UNARY_OPERATORS = frozenset("+-!~")
# Subscripted once here: typing's __getitem__ costs more than parsing a field.
_Separator = TypingLiteral[":", "::", ":::"]
_ImportKind = TypingLiteral["import", "importstr", "importbin"]
_MAX_PRECEDENCE = 16  # looser than any operator: a whole expression
_STRING_STYLES: dict[Kind, StringStyle] = {
    Kind.STRING_DOUBLE: '"',
    Kind.STRING_SINGLE: "'",
    Kind.VERBATIM_DOUBLE: '@"',
    Kind.VERBATIM_SINGLE: "@'",
    Kind.TEXT_BLOCK: "|||",  # or "|||-", which the token's text tells
}
_LITERALS = frozenset([Kind.NUMBER, Kind.TRUE, Kind.FALSE, Kind.NULL, *_STRING_STYLES])
_FIELD_ENDS = frozenset([Kind.COMMA, Kind.BRACE_R])
_PREFIX_KINDS = frozenset(
    [Kind.LOCAL, Kind.IF, Kind.FUNCTION, Kind.ASSERT, Kind.ERROR, Kind.IMPORT, Kind.IMPORTSTR, Kind.IMPORTBIN]
)
_FIELD_SEPARATORS: dict[str, tuple[bool, _Separator]] = {
    plus + sep: (bool(plus), sep) for plus in ("", "+") for sep in (":", "::", ":::")
}
_SIMPLE_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n"}
_SIMPLE_ESCAPES |= {"r": "\r", "t": "\t"}
_HEX = frozenset(string.hexdigits)


def parse(source: str, filename: str = "<string>") -> Node:
    """Parse a whole Jsonnet file; raises JsonnetSyntaxError (``file:line:col: …``)."""
    return parse_tokens(lex(source, filename), source, filename)


def parse_tokens(tokens: list[Token], source: str, filename: str) -> Node:
    """Parse the tokens :func:`kfkit.jsonnet._lexer.lex` made of ``source``."""
    parser = _Parser([t for t in tokens if t.kind is not Kind.COMMENT], source, filename)
    try:
        node = parser.expr()
    except RecursionError:
        raise syntax_error(source, filename, 0, "the file is nested too deeply") from None
    if parser.peek().kind is not Kind.EOF:
        raise parser.error(parser.peek(), f"did not expect {_describe(parser.peek())}")
    return node


def decode_string(raw: str) -> str:
    """Decode the escapes of a quoted string body; ValueError says what is wrong."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            raise ValueError("truncated escape sequence in string literal")
        e = raw[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            continue
        if e != "u":
            raise ValueError(f"unknown escape sequence in string literal: \\{e}")
        code = _hex4(raw, i)
        i += 4
        if 0xD800 <= code < 0xE000:
            if not raw.startswith("\\u", i):
                raise ValueError("unicode surrogate pair escape sequence missing low surrogate")
            low = _hex4(raw, i + 2)
            i += 6
            pair = code < 0xDC00 and 0xDC00 <= low < 0xE000
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) if pair else 0xFFFD
        out.append(chr(code))
    return "".join(out)


def _hex4(raw: str, i: int) -> int:
    digits = raw[i : i + 4]
    if len(digits) < 4:
        raise ValueError("truncated unicode escape sequence in string literal")
    if not set(digits) <= _HEX:
        raise ValueError(f"unicode escape sequence was malformed: \\u{digits}")
    return int(digits, 16)


def _describe(tok: Token) -> str:
    return "end of file" if tok.kind is Kind.EOF else repr(tok.data)


class _Parser:
    """Recursive descent with precedence climbing, mirroring go-jsonnet's ``parse(prec)``."""

    def __init__(self, tokens: list[Token], source: str, filename: str) -> None:
        self.tokens = tokens
        self.last = len(tokens) - 1  # the EOF token
        self.pos = 0
        self.source = source
        self.filename = filename

    # --- token helpers -----------------------------------------------------------------------

    def error(self, at: Token | Node, what: str) -> JsonnetSyntaxError:
        offset = at.start if isinstance(at, Token) else at.span[0]
        return syntax_error(self.source, self.filename, offset, what)

    def peek(self, ahead: int = 0) -> Token:
        at = self.pos + ahead
        return self.tokens[at if at < self.last else self.last]

    def pop(self) -> Token:
        tok = self.tokens[self.pos]  # pos never passes the EOF token
        if tok.kind is not Kind.EOF:
            self.pos += 1
        return tok

    def expect(self, kind: Kind, while_: str = "") -> Token:
        tok = self.pop()
        if tok.kind is not kind:
            context = f" {while_}" if while_ else ""
            raise self.error(tok, f"expected {kind.value!r}{context} but got {_describe(tok)}")
        return tok

    def is_op(self, tok: Token, op: str) -> bool:
        return tok.kind is Kind.OPERATOR and tok.data == op

    # --- expressions -------------------------------------------------------------------------

    def expr(self, prec: int = _MAX_PRECEDENCE) -> Node:
        """An expression whose binary operators all bind at least as tightly as ``prec``."""
        tok = self.tokens[self.pos]
        if tok.kind in _PREFIX_KINDS:
            prefix = self.prefix_form(tok)
            if prefix is not None:
                return prefix
        return self.binary(self.unary(), prec)

    def prefix_form(self, tok: Token) -> Node | None:
        """``local``/``if``/``function``/``assert``/``error``/``import``: they extend to the right
        as far as possible, whatever precedence the caller was parsing at."""
        kind = tok.kind
        if kind is Kind.LOCAL:
            self.pop()
            binds: list[Bind] = []
            names: set[str] = set()
            while True:
                binds.append(self.bind(names))
                delim = self.pop()
                if delim.kind is Kind.SEMICOLON:
                    break
                if delim.kind is not Kind.COMMA:
                    raise self.error(delim, f"expected ',' or ';' but got {_describe(delim)}")
            body = self.expr()
            return Local((tok.start, body.span[1]), tuple(binds), body)
        if kind is Kind.IF:
            self.pop()
            cond = self.expr()
            self.expect(Kind.THEN)
            then = self.expr()
            orelse = None
            if self.peek().kind is Kind.ELSE:
                self.pop()
                orelse = self.expr()
            return If((tok.start, (orelse or then).span[1]), cond, then, orelse)
        if kind is Kind.FUNCTION:
            self.pop()
            paren = self.pop()
            if paren.kind is not Kind.PAREN_L:
                raise self.error(paren, f"expected '(' but got {_describe(paren)}")
            params = self.params("function parameter")
            body = self.expr()
            return Function((tok.start, body.span[1]), params, body)
        if kind is Kind.ASSERT:
            self.pop()
            cond, message = self.assertion()
            self.expect(Kind.SEMICOLON)
            rest = self.expr()
            return Assert((tok.start, rest.span[1]), cond, message, rest)
        if kind is Kind.ERROR:
            self.pop()
            value = self.expr()
            return Error((tok.start, value.span[1]), value)
        if kind in (Kind.IMPORT, Kind.IMPORTSTR, Kind.IMPORTBIN):
            self.pop()
            path = self.expr()
            if not isinstance(path, StringLit):
                raise self.error(path, "computed imports are not allowed")
            if path.style in ("|||", "|||-"):
                raise self.error(path, "block string literals not allowed in imports")
            import_kind = cast(_ImportKind, kind.value)
            return Import((tok.start, path.span[1]), import_kind, path)
        return None

    def assertion(self) -> tuple[Node, Node | None]:
        cond = self.expr()
        if self.is_op(self.peek(), ":"):
            self.pop()
            return cond, self.expr()
        return cond, None

    def unary(self) -> Node:
        """A unary expression: operators, then a terminal with its postfix operations."""
        tok = self.tokens[self.pos]
        if tok.kind is Kind.OPERATOR:
            if tok.data not in UNARY_OPERATORS:
                raise self.error(tok, f"not a unary operator: {tok.data}")
            self.pop()
            operand = self.prefix_form(self.peek()) or self.unary()
            return Unary((tok.start, operand.span[1]), tok.data, operand)
        return self.postfix(self.terminal())

    def binary(self, lhs: Node, prec: int) -> Node:
        """Binary operators binding at ``prec`` or tighter, applied to ``lhs``.

        Like go-jsonnet's one-level-per-precedence parser, once an operator is consumed only
        operators binding as loosely or looser may follow: tighter ones were taken by its
        right operand, and ``e in super`` has none, so ``a in super - 1`` is an error.
        """
        floor = 0
        while True:
            tok = self.tokens[self.pos]
            if tok.kind is Kind.IN:
                op = "in"
            elif tok.kind is Kind.OPERATOR:
                if tok.data in (":", "::"):  # ends the expression in `assert c : m` and `a[b::]`
                    return lhs
                if tok.data not in BINARY_PRECEDENCE:
                    raise self.error(tok, f"not a binary operator: {tok.data}")
                op = tok.data
            else:
                return lhs
            op_prec = BINARY_PRECEDENCE[op]
            if op_prec > prec or op_prec < floor:
                return lhs
            floor = op_prec
            self.pop()
            if op == "in" and self.peek().kind is Kind.SUPER:
                end = self.pop().end
                lhs = InSuper((lhs.span[0], end), lhs)
                continue
            rhs = self.expr(op_prec - 1)
            lhs = Binary((lhs.span[0], rhs.span[1]), op, lhs, rhs)

    def postfix(self, lhs: Node) -> Node:
        """Indexing, slicing, calls and ``e { … }``, which bind tighter than any operator."""
        while True:
            tok = self.tokens[self.pos]
            start = lhs.span[0]
            if tok.kind is Kind.DOT:
                self.pop()
                name = self.expect(Kind.IDENTIFIER, "after '.'")
                lhs = Index((start, name.end), lhs, Id((name.start, name.end), name.data))
            elif tok.kind is Kind.BRACKET_L:
                self.pop()
                lhs = self.index_or_slice(lhs)
            elif tok.kind is Kind.PAREN_L:
                self.pop()
                args, end = self.args()
                tailstrict = self.peek().kind is Kind.TAILSTRICT
                if tailstrict:
                    end = self.pop().end
                lhs = Apply((start, end), lhs, args, tailstrict)
            elif tok.kind is Kind.BRACE_L:
                self.pop()
                obj = self.object_remainder(tok)
                lhs = ApplyBrace((start, obj.span[1]), lhs, obj)
            else:
                return lhs

    def index_or_slice(self, target: Node) -> Node:
        parts: list[Node | None] = [None, None, None]
        colons = 0
        ready = True
        end: Token | None = None
        while colons < 3:
            tok = self.peek()
            if tok.kind is Kind.BRACKET_R:
                end = self.pop()
                break
            if tok.data in (":", "::"):  # go-jsonnet checks only the text: x[":"] is x[:]
                end = self.pop()
                colons += len(tok.data)
                ready = True
            elif ready:
                parts[colons] = self.expr()
                ready = False
            else:
                raise self.error(tok, f"expected ']' but got {_describe(tok)}")
        if end is None or colons > 2:
            raise self.error(end or self.peek(), "invalid slice: too many colons")
        span = (target.span[0], end.end)
        if colons:
            return Slice(span, target, parts[0], parts[1], parts[2])
        if parts[0] is None:
            raise self.error(end, "an index needs an expression")
        return Index(span, target, parts[0])

    def terminal(self) -> Node:
        tok = self.pop()
        span = (tok.start, tok.end)
        kind = tok.kind
        if kind is Kind.EOF:
            raise self.error(tok, "unexpected end of file")
        if kind is Kind.BRACE_L:
            return self.object_remainder(tok)
        if kind is Kind.BRACKET_L:
            return self.array(tok)
        if kind is Kind.PAREN_L:
            inner = self.expr()
            close = self.expect(Kind.PAREN_R)
            return Parens((tok.start, close.end), inner)
        if kind in _LITERALS:
            return self.literal(tok)
        if kind is Kind.DOLLAR:
            return Dollar(span)
        if kind is Kind.IDENTIFIER:
            return Var(span, tok.data)
        if kind is Kind.SELF:
            return Self(span)
        if kind is Kind.SUPER:
            nxt = self.pop()
            if nxt.kind is Kind.DOT:
                name = self.expect(Kind.IDENTIFIER, "after 'super.'")
                return SuperIndex((tok.start, name.end), Id((name.start, name.end), name.data))
            if nxt.kind is Kind.BRACKET_L:
                index = self.expr()
                close = self.expect(Kind.BRACKET_R)
                return SuperIndex((tok.start, close.end), index)
            raise self.error(tok, "expected '.' or '[' after super")
        raise self.error(tok, f"unexpected {_describe(tok)}")

    def literal(self, tok: Token) -> Node:
        """The literal a number, string, ``true``, ``false`` or ``null`` token stands for."""
        kind = tok.kind
        if kind is Kind.NUMBER:
            return NumberLit((tok.start, tok.end), tok.data)
        if kind is Kind.NULL:
            return NullLit((tok.start, tok.end))
        if kind is Kind.TRUE or kind is Kind.FALSE:
            return BoolLit((tok.start, tok.end), kind is Kind.TRUE)
        return self.string(tok)

    def string(self, tok: Token) -> StringLit:
        span = (tok.start, tok.end)
        style = _STRING_STYLES[tok.kind]
        if style == "|||" and self.source.startswith("|||-", tok.start):
            style = "|||-"
        if style not in ('"', "'"):  # verbatim strings and text blocks come decoded
            return StringLit(span, tok.data, style)
        try:
            return StringLit(span, decode_string(tok.data), style)
        except ValueError as exc:
            raise self.error(tok, str(exc)) from None

    # --- arrays --------------------------------------------------------------------------

    def array(self, open_: Token) -> Node:
        if self.peek().kind is Kind.BRACKET_R:
            return Array((open_.start, self.pop().end), ())
        first = self.expr()
        comma = self.peek().kind is Kind.COMMA
        if comma:
            self.pop()
        if self.peek().kind is Kind.FOR:
            specs, end = self.comp_specs(Kind.BRACKET_R)
            return ArrayComp((open_.start, end.end), first, specs)
        elements = [first]
        while self.peek().kind is not Kind.BRACKET_R:
            if not comma:
                raise self.error(self.peek(), "expected a comma before next array element")
            elements.append(self.expr())
            comma = self.peek().kind is Kind.COMMA
            if comma:
                self.pop()
        return Array((open_.start, self.pop().end), tuple(elements))

    def comp_specs(self, end_kind: Kind) -> tuple[tuple[CompSpec, ...], Token]:
        """``for x in e [if c]… [for …]…`` up to and including the closing token."""
        specs: list[CompSpec] = []
        tok = self.pop()  # the first `for`
        while True:
            var = self.expect(Kind.IDENTIFIER, "after 'for'")
            self.expect(Kind.IN, "in a for clause")
            expr = self.expr()
            specs.append(ForSpec((tok.start, expr.span[1]), var.data, expr))
            tok = self.pop()
            while tok.kind is Kind.IF:
                cond = self.expr()
                specs.append(IfSpec((tok.start, cond.span[1]), cond))
                tok = self.pop()
            if tok.kind is end_kind:
                return tuple(specs), tok
            if tok.kind is not Kind.FOR:
                raise self.error(
                    tok,
                    f"expected for, if or {end_kind.value!r} after a for clause, got {_describe(tok)}",
                )

    # --- objects -------------------------------------------------------------------------

    def object_remainder(self, open_: Token) -> Object | ObjectComp:
        """The rest of an object or object comprehension after its ``{``."""
        members: list[Member] = []
        literal_keys: set[str] = set()
        local_names: set[str] = set()
        comma = False
        tokens = self.tokens
        while True:
            tok = tokens[self.pos]
            if tok.kind is Kind.BRACE_R:
                return Object((open_.start, self.pop().end), tuple(members))
            if tok.kind is Kind.FOR:
                return self.object_comp(open_, members, tok)
            if members and not comma:
                raise self.error(tok, "expected a comma before next field")
            member: Member
            if tok.kind is Kind.LOCAL:
                self.pop()
                bind = self.bind(local_names)
                member = ObjectLocal((tok.start, bind.span[1]), bind, None)
            elif tok.kind is Kind.ASSERT:
                self.pop()
                cond, message = self.assertion()
                member = ObjectAssert((tok.start, (message or cond).span[1]), cond, message, None)
            else:
                member = self.field(literal_keys)
            sep = tokens[self.pos]
            comma = sep.kind is Kind.COMMA
            if comma:
                self.pos += 1
                member.comma = (sep.start, sep.end)  # a node of our own, not yet shared
            members.append(member)

    def object_comp(self, open_: Token, members: list[Member], for_tok: Token) -> ObjectComp:
        fields = [m for m in members if isinstance(m, Field)]
        if any(isinstance(m, ObjectAssert) for m in members):
            raise self.error(for_tok, "object comprehension cannot have asserts")
        if len(fields) != 1:
            raise self.error(for_tok, "object comprehension can only have one field")
        if fields[0].sep != ":":
            raise self.error(for_tok, "object comprehensions cannot have hidden fields")
        if not isinstance(fields[0].key, ComputedKey):
            raise self.error(for_tok, "object comprehensions can only have [e] fields")
        specs, end = self.comp_specs(Kind.BRACE_R)
        return ObjectComp((open_.start, end.end), tuple(members), specs)

    def field(self, literal_keys: set[str]) -> Field:
        tok = self.pop()
        key: FieldKey
        if tok.kind is Kind.IDENTIFIER:
            key = Id((tok.start, tok.end), tok.data)
        elif tok.kind in _STRING_STYLES:
            key = self.string(tok)
        elif tok.kind is Kind.BRACKET_L:
            expr = self.expr()
            close = self.expect(Kind.BRACKET_R)
            key = ComputedKey((tok.start, close.end), expr)
        else:
            raise self.error(tok, f"unexpected {_describe(tok)} while parsing a field definition")
        params = None
        op = self.tokens[self.pos]
        if op.kind is Kind.PAREN_L:
            self.pos += 1
            params = self.params("method parameter")
            op = self.tokens[self.pos]
        if op.kind is Kind.OPERATOR:
            self.pos += 1
        else:
            self.expect(Kind.OPERATOR, "after the field name")  # raises, saying what is there
        plus, separator = _FIELD_SEPARATORS.get(op.data, (False, None))
        if separator is None:
            raise self.error(op, f"expected one of :, ::, :::, +:, +::, +:::, got {op.data}")
        if plus and params is not None:
            raise self.error(tok, f"cannot use +: syntax sugar in a method: {tok.data}")
        if not isinstance(key, ComputedKey):
            # go-jsonnet compares token texts: raw for quoted strings, decoded otherwise.
            if tok.data in literal_keys:
                raise self.error(tok, f"duplicate field: {tok.data}")
            literal_keys.add(tok.data)
        # What expr() would return, short-cut for a literal that ends the field (most values).
        tokens, at = self.tokens, self.pos
        if tokens[at].kind in _LITERALS and tokens[at + 1].kind in _FIELD_ENDS:  # a literal is not EOF
            self.pos = at + 1
            value = self.literal(tokens[at])
        else:
            value = self.expr()
        return Field((tok.start, value.span[1]), key, plus, separator, params, value, None)

    # --- binds, parameters and arguments ------------------------------------------------

    def bind(self, names: set[str]) -> Bind:
        """``name[(params)] = value``; ``names`` are the names bound so far alongside it."""
        name = self.expect(Kind.IDENTIFIER, "in a local")
        if name.data in names:
            raise self.error(name, f"duplicate local var: {name.data}")
        params = None
        if self.peek().kind is Kind.PAREN_L:
            self.pop()
            params = self.params("function parameter")
        eq = self.pop()
        if not self.is_op(eq, "="):
            raise self.error(eq, f"expected '=' but got {_describe(eq)}")
        value = self.expr()
        names.add(name.data)
        return Bind((name.start, value.span[1]), name.data, params, value)

    def args(self, *, ordered: bool = True) -> tuple[tuple[Arg, ...], int]:
        """Arguments after ``(``; returns them and the offset after ``)``.

        ``ordered`` rejects a positional argument after a named one, which go-jsonnet does
        for calls but not for parameter lists.
        """
        args: list[Arg] = []
        comma = False
        while True:
            tok = self.peek()
            if tok.kind is Kind.PAREN_R:
                return tuple(args), self.pop().end
            if args and not comma:
                raise self.error(tok, f"expected a comma before next argument, got {_describe(tok)}")
            name = None
            if tok.kind is Kind.IDENTIFIER and self.is_op(self.peek(1), "="):
                name = tok.data
                self.pop()
                self.pop()
            value = self.expr()
            if ordered and name is None and any(a.name is not None for a in args):
                raise self.error(tok, "positional argument after a named argument is not allowed")
            args.append(Arg((tok.start, value.span[1]), name, value))
            comma = self.peek().kind is Kind.COMMA
            if comma:
                self.pop()

    def params(self, what: str) -> tuple[Param, ...]:
        """Parameters after ``(``: parsed as arguments, positional ones must be names."""
        args, _ = self.args(ordered=False)
        params: list[Param] = []
        for arg in args:
            if arg.name is not None:
                params.append(Param(arg.span, arg.name, arg.value))
            elif isinstance(arg.value, Var):
                params.append(Param(arg.span, arg.value.name, None))
            else:
                raise self.error(arg.value, f"expected a {what} name but got an expression")
        return tuple(params)
