"""The parser: precedence, every syntax form, spans, errors, and agreement with go-jsonnet."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kfkit.errors import JsonnetSyntaxError
from kfkit.jsonnet import parse
from kfkit.jsonnet._ast import (
    Apply,
    ApplyBrace,
    Array,
    ArrayComp,
    Assert,
    Binary,
    BoolLit,
    ComputedKey,
    Dollar,
    Error,
    Field,
    ForSpec,
    Function,
    Id,
    If,
    IfSpec,
    Import,
    Index,
    InSuper,
    Local,
    Node,
    NullLit,
    NumberLit,
    Object,
    ObjectAssert,
    ObjectComp,
    ObjectLocal,
    Parens,
    Self,
    Slice,
    StringLit,
    StringStyle,
    SuperIndex,
    Unary,
    Var,
)
from kfkit.jsonnet._lexer import Kind, _Lexer, lex
from tests.unit.jsonnet.support import REPO, go_parses


def sexp(node: Node | None) -> str:
    """A compact rendering of the tree's shape, to state precedence in one line."""
    match node:
        case None:
            return "_"
        case Var(name=name) | Id(name=name):
            return name
        case NumberLit(text=text):
            return text
        case StringLit(value=value):
            return repr(value)
        case BoolLit(value=value):
            return str(value).lower()
        case NullLit():
            return "null"
        case Self():
            return "self"
        case Dollar():
            return "$"
        case Binary(op=op, left=left, right=right):
            return f"({op} {sexp(left)} {sexp(right)})"
        case Unary(op=op, operand=operand):
            return f"({op}u {sexp(operand)})"
        case Index(target=target, index=Id() as name):
            return f"(. {sexp(target)} {sexp(name)})"
        case Index(target=target, index=index):
            return f"([] {sexp(target)} {sexp(index)})"
        case Slice(target=target, begin=begin, end=end, step=step):
            return f"([:] {sexp(target)} {sexp(begin)} {sexp(end)} {sexp(step)})"
        case Apply(target=target, args=args, tailstrict=tailstrict):
            parts = [f"{a.name}={sexp(a.value)}" if a.name else sexp(a.value) for a in args]
            return f"(call{'!' if tailstrict else ''} {' '.join([sexp(target), *parts])})"
        case ApplyBrace(target=target, obj=obj):
            return f"(extend {sexp(target)} {sexp(obj)})"
        case InSuper(key=key):
            return f"(in-super {sexp(key)})"
        case SuperIndex(index=index):
            return f"(super {sexp(index)})"
        case If(cond=cond, then=then, orelse=orelse):
            return f"(if {sexp(cond)} {sexp(then)} {sexp(orelse)})"
        case Local(binds=binds, body=body):
            return f"(local {' '.join(f'{b.name}={sexp(b.value)}' for b in binds)} {sexp(body)})"
        case Function(params=params, body=body):
            return f"(fn {' '.join(p.name for p in params)} {sexp(body)})"
        case Parens(inner=inner):
            return f"(paren {sexp(inner)})"
        case Object(members=members):
            return "{" + ", ".join(sexp(m.value) for m in members if isinstance(m, Field)) + "}"
        case Array(elements=elements):
            return "[" + ", ".join(sexp(e) for e in elements) + "]"
        case Error(expr=expr):
            return f"(error {sexp(expr)})"
    raise AssertionError(f"no sexp for {node!r}")


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b % c", "(% (/ a b) c)"),
        ("a << b + c", "(<< a (+ b c))"),
        ("a < b << c", "(< a (<< b c))"),
        ("a < b == c >= d", "(== (< a b) (>= c d))"),
        ("a + b in c", "(in (+ a b) c)"),
        ("a in b == c", "(== (in a b) c)"),
        ("a == b != c", "(!= (== a b) c)"),
        ("a & b ^ c | d", "(| (^ (& a b) c) d)"),
        ("a | b && c", "(&& (| a b) c)"),
        ("a && b || c && d", "(|| (&& a b) (&& c d))"),
        ("!a && b", "(&& (!u a) b)"),
        ("-a * b", "(* (-u a) b)"),
        ("-a.b", "(-u (. a b))"),
        ("~a + b", "(+ (~u a) b)"),
        ("a - -b", "(- a (-u b))"),
        ("- - a", "(-u (-u a))"),
        ("+a", "(+u a)"),
        ("a(b)[c].d { e: 1 }", "(extend (. ([] (call a b) c) d) {1})"),
        ("a.b(c, d=1) tailstrict", "(call! (. a b) c d=1)"),
        ("a[1:2:3]", "([:] a 1 2 3)"),
        ("a[::2]", "([:] a _ _ 2)"),
        ("a[:]", "([:] a _ _ _)"),
        ('a[":"]', "([:] a _ _ _)"),  # go-jsonnet reads a ":" string as a colon here
        ("1 + if a then b else c + d", "(+ 1 (if a b (+ c d)))"),
        ("if a then b", "(if a b _)"),
        ("local x = 1, y = x; x + y", "(local x=1 y=x (+ x y))"),
        ("a + local x = 1; x * 2", "(+ a (local x=1 (* x 2)))"),
        ("-if a then b else c", "(-u (if a b c))"),
        ("function(x, y=2) x + y", "(fn x y (+ x y))"),
        ("(a + b) * c", "(* (paren (+ a b)) c)"),
        ("a + error 'x' + b", "(+ a (error (+ 'x' b)))"),
        ("{a: x in super}", "{(in-super x)}"),
        ("{a: x == y in super}", "{(== x (in-super y))}"),
        ("{a: x in super in y}", "{(in (in-super x) y)}"),
        ("{a: super.b + super['c']}", "{(+ (super b) (super 'c'))}"),
        ("[1, 2,]", "[1, 2]"),
        ("$.a + self.b", "(+ (. $ a) (. self b))"),
    ],
)
def test_precedence_and_shape(source: str, tree: str) -> None:
    assert sexp(parse(source)) == tree


def test_object_fields_keep_key_separator_plus_method_and_comma() -> None:
    source = "{a: 1, 'b'+:: 2, [c]::: 3, f(x, y=1): x, @\"d\": 4, |||\n  e\n|||: 5}"
    obj = parse(source)
    assert isinstance(obj, Object)
    a, b, c, f, d, e = obj.fields
    assert (type(a.key), a.plus, a.sep, a.params) == (Id, False, ":", None)
    assert (b.key, b.plus, b.sep) == (StringLit((7, 10), "b", "'"), True, "::")
    assert isinstance(c.key, ComputedKey)
    assert isinstance(c.key.expr, Var)
    assert (c.plus, c.sep) == (False, ":::")
    assert f.params is not None
    assert [(p.name, p.default is None) for p in f.params] == [
        ("x", True),
        ("y", False),
    ]
    assert d.key == StringLit(d.key.span, "d", '@"')
    assert e.key == StringLit(e.key.span, "e\n", "|||")
    assert [source[m.comma[0] : m.comma[1]] if m.comma else None for m in obj.members] == [
        ",",
        ",",
        ",",
        ",",
        ",",
        None,
    ]
    assert source[f.span[0] : f.span[1]] == "f(x, y=1): x"
    assert source[f.value.span[0] : f.value.span[1]] == "x"


def test_object_locals_and_asserts_are_members() -> None:
    obj = parse("{local l = 1, assert l > 0 : 'msg', local f(x) = x, a: l,}")
    assert isinstance(obj, Object)
    loc, check, fun, field = obj.members
    assert isinstance(loc, ObjectLocal)
    assert loc.bind.name == "l"
    assert loc.comma is not None
    assert isinstance(check, ObjectAssert)
    assert check.message == StringLit((29, 34), "msg", "'")
    assert isinstance(fun, ObjectLocal)
    assert fun.bind.params is not None
    assert isinstance(field, Field)
    assert field.comma is not None
    assert obj.fields == (field,)


def test_comprehensions() -> None:
    comp = parse("{local y = 1, [k]: y for k in ks if k != 'x' for j in js}")
    assert isinstance(comp, ObjectComp)
    assert [type(m) for m in comp.members] == [ObjectLocal, Field]
    assert [type(s) for s in comp.specs] == [ForSpec, IfSpec, ForSpec]
    arr = parse("[x * 2 for x in xs if x > 1]")
    assert isinstance(arr, ArrayComp)
    assert sexp(arr.body) == "(* x 2)"
    assert isinstance(arr.specs[0], ForSpec)
    assert arr.specs[0].var == "x"


def test_imports_errors_and_asserts() -> None:
    imports = parse("[import 'a.libsonnet', importstr \"b.txt\", importbin @'c.bin']")
    assert isinstance(imports, Array)
    assert [(i.kind, i.path.value) for i in imports.elements if isinstance(i, Import)] == [
        ("import", "a.libsonnet"),
        ("importstr", "b.txt"),
        ("importbin", "c.bin"),
    ]
    node = parse("assert x : 'why'; error 'boom'")
    assert isinstance(node, Assert)
    assert isinstance(node.rest, Error)


@pytest.mark.parametrize(
    ("source", "value", "style"),
    [
        (r'"tab\tquote\"slash\/u\u00e9"', 'tab\tquote"slash/u\u00e9', '"'),
        (r"'it\'s \\ \b\f\n\r'", "it's \\ \b\f\n\r", "'"),
        (r'"\uD83D\uDE00"', "\U0001f600", '"'),
        (r'"\uD83D\u0041"', "\ufffd", '"'),  # an invalid pair decodes to U+FFFD, as in Go
        (r'"\u0000"', "\x00", '"'),
        ('@"C:\\dir ""q"""', 'C:\\dir "q"', '@"'),
        ("|||-\n  no newline\n|||", "no newline", "|||-"),
    ],
)
def test_string_literals_are_decoded_and_keep_their_style(
    source: str, value: str, style: StringStyle
) -> None:
    assert parse(source) == StringLit((0, len(source)), value, style)


def test_number_literal_value() -> None:
    node = parse("1_000.5e-1")
    assert isinstance(node, NumberLit)
    assert node.value == 100.05


def children(node: Node) -> Iterator[Node]:
    for name in node.__match_args__:
        value = getattr(node, name)
        items = value if isinstance(value, tuple) else (value,)
        yield from (item for item in items if isinstance(item, Node))


def test_child_spans_nest_inside_their_parents() -> None:
    source = (REPO / "environments" / "params.libsonnet").read_text() + (
        "\n+ {a: [x for x in [1] if x > 0], b: f(1, y=2)[1:2], c: {[k]+: 1 for k in ['a']},"
        " d: import 'x', e: super.f + super['g'], h: 'i' in super, local j = 1, assert j > 0}"
    )

    def check(node: Node) -> int:
        start, end = node.span
        assert 0 <= start <= end <= len(source)
        count = 1
        for child in children(node):
            assert start <= child.span[0] <= child.span[1] <= end, (node, child)
            count += check(child)
        return count

    assert check(parse(source)) > 60


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{a: 1 b: 2}", "f.jsonnet:1:7: expected a comma before next field"),
        ("{\n  a: 1,\n  a: 2,\n}", "f.jsonnet:3:3: duplicate field: a"),
        ("{a: 1, 'a': 2}", "f.jsonnet:1:8: duplicate field: a"),
        ("local x = 1, x = 2; x", "f.jsonnet:1:14: duplicate local var: x"),
        ("{a:: -1, b::-1}", "f.jsonnet:1:12: not a unary operator: :"),
        ("1 ==-1", "f.jsonnet:1:3: not a binary operator: ="),
        ("[1 2]", "f.jsonnet:1:4: expected a comma before next array element"),
        ("f(a=1, 2)", "f.jsonnet:1:8: positional argument after a named argument is not allowed"),
        ("function(1) 1", "f.jsonnet:1:10: expected a function parameter name"),
        ("{f(x)+: x}", "f.jsonnet:1:2: cannot use +: syntax sugar in a method: f"),
        ("{a: 1 for k in ks}", "f.jsonnet:1:7: object comprehensions can only have [e] fields"),
        ("{[k]:: 1 for k in ks}", "f.jsonnet:1:10: object comprehensions cannot have hidden"),
        ("{[k]: 1, [j]: 2 for k in ks}", "f.jsonnet:1:17: object comprehension can only have one"),
        ("import 'a' + 'b'", "f.jsonnet:1:8: computed imports are not allowed"),
        ("import |||\n  a\n|||", "f.jsonnet:1:8: block string literals not allowed in imports"),
        ("a[1:2:3:4]", "f.jsonnet:1:8: invalid slice: too many colons"),
        ("a[]", "f.jsonnet:1:3: an index needs an expression"),
        ("super", "f.jsonnet:1:1: expected '.' or '[' after super"),
        ("{a: 1", "f.jsonnet:1:6: expected a comma before next field"),
        ("local x = 1 x", "f.jsonnet:1:13: expected ',' or ';'"),
        ("if a b", "f.jsonnet:1:6: expected 'then'"),
        ("1 2", "f.jsonnet:1:3: did not expect '2'"),
        ("(1", "f.jsonnet:1:3: expected ')' but got end of file"),
        ("x in super - 1", "f.jsonnet:1:12: did not expect '-'"),
        ('"\\q"', "f.jsonnet:1:1: unknown escape sequence in string literal: \\q"),
        ('"\\uDE00"', "f.jsonnet:1:1: unicode surrogate pair escape sequence missing low"),
        ('"\\u12"', "f.jsonnet:1:1: truncated unicode escape sequence"),
        ("", "f.jsonnet:1:1: unexpected end of file"),
    ],
)
def test_syntax_errors_name_file_line_and_column(source: str, error: str) -> None:
    with pytest.raises(JsonnetSyntaxError) as info:
        parse(source, "f.jsonnet")
    assert str(info.value).startswith(error)


def test_default_filename() -> None:
    with pytest.raises(JsonnetSyntaxError, match=r"^<string>:1:3: "):
        parse("1 2")


# --- agreement with go-jsonnet ------------------------------------------------------------

CORPUS = [
    # literals and strings
    "null", "true", "false", "0", "1", "1.5", "1e3", "1E-3", "1e+3", "0.5e1", "1_000", "01",
    "1_0.2_5e1_0", "1.", "1e", "1e+", "1.e5", "0_1", "1__0", "1_", "1_.5", "1._5", ".5", "0x10",
    "00",
    '"a"', "'a'", r'"\"\'\\\/\b\f\n\r\t"', r'"\u00e9"', r'"\uD83D\uDE00"', r'"\uDE00"',
    r'"\uD83D"', r'"\uD83Dx"', r'"\uD83D\u0041"', r'"\u12"', r'"\u12G4"', r'"\q"', r'"\x41"',
    '"a', "'a", '"multi\nline"', '@"a""b"', "@'a''b'", '@"a\\n"', '@"a', "@x", "@", '@"""',
    "|||\n  a\n|||", "|||-\n  a\n|||", "|||\n  a\n\n  b\n|||", "|||\n\n  a\n|||",
    "|||  \n  a\n|||", "||| x\n  a\n|||", "|||\na\n|||", "|||\n  a\n b\n|||", "|||\n  a",
    "|||\n  a\n   |||", "|||\n\ta\n|||", "|||\n  a\n\t|||", "|||\r\n  a\r\n|||",
    "|||\r\n  a\r\n\r\n  b\r\n|||", "|||\n  a\n  |||\n|||", "|||-\n  a\n\n|||",
    # comments and whitespace
    "1 // c", "1 # c", "/* c */ 1", "1 /* c */", "/* c", "/**/1", "/*/ 1", "/* a */ /* b */ 1",
    "1 /* x\n y */ + 2", "\t1\r\n", "", "   ", "// only a comment",
    # operators
    "1 + 2 * 3", "(1 + 2) * 3", "1 - -1", "1 - - 1", "1 -- 1", "1 ==-1", "1 == -1", "1 !=-1",
    "1 <=- 1", "1 <= -1", "!true", "!!true", "~1", "+1", "-1", "- -1", "1 +! 1", "1 <-1",
    "1 << 2 >> 1", "1 < 2 == true", "1 & 3 ^ 2 | 4", "true && false || true", "1 % 2",
    "'a' in {a: 1}", "1 in [1]", "1 &&& 2", "1 === 1", "1 =+ 1", "1 ** 2", "1 ?? 2", "1 ? 2 : 3",
    "1 $ 2", "a$", "$", "1 + $", "1 +", "* 1", "1 2", "1 (2)", "1 = 2", "1 : 2", "1 :: 2",
    "1 +: 2", "1 <> 2", "1 >< 2", "1 ~ 2", "1 !~ 2", "1 */ 2", "1 + /2", "1 +/* c */2",
    "1 |||", "1 || || 2", "1 ||||| 2", "true ||| 2",
    # local, if, function, assert, error, import
    "local x = 1; x", "local x = 1, y = 2; x + y", "local x = 1, x = 2; x", "local x = 1 x",
    "local x = 1", "local = 1; 1", "local f(x) = x; f(1)", "local f(x, y=2) = x; f(1)",
    "local f(x,) = x; f(1,)", "local f(1) = 1; f", "local f((x)) = x; 1", "local x == 1; x",
    "local x=-1; x", "local x = 1,; x", "local f(x=1, y) = x; 1",
    "if true then 1 else 2", "if true then 1", "if true 1 else 2", "if true then else 2",
    "1 + if true then 2 else 3 + 4", "-if true then 1 else 2",
    "function(x) x", "function(x, y=1) x + y", "function x", "function() 1",
    "function(x) x tailstrict", "(function(x) x)(1)", "(function(x) x)(1) tailstrict",
    "assert true; 1", "assert true : 'm'; 1", "assert true", "assert true : 'm' 1",
    "error 'x'", "error", "error 'x' + 'y'",
    "import 'x'", "importstr 'x'", "importbin 'x'", "import @'x'", "import |||\n  x\n|||",
    "import 'a' + 'b'", "import x", "import ('x')", "(import 'x').y", "import 'x'.y",
    "import 'x' {}", "local i = import 'x'; i",
    # arrays
    "[]", "[1]", "[1,]", "[1, 2]", "[1 2]", "[,]", "[1,,2]", "[x for x in [1]]",
    "[x, for x in [1]]", "[x for x in [1] if x > 0]", "[[x, y] for x in [1] for y in [2]]",
    "[x for x in [1] if true if false]", "[x for x in]", "[x for y]", "[x for 1 in [1]]",
    "[x for x in [1] else]", "[1 for x in [1], 2]", "[1, 2 for x in [1]]", "[",
    # indexing, slicing, calls
    "[1,2][0]", "[1,2][0:1]", "[1,2][0:1:1]", "[1,2][::]", "[1,2][::2]", "[1,2][:]",
    "[1,2][1:::]", "[1,2][1:2:3:4]", "[1,2][]", "[1,2][1 2]", "{a: 1}.a", "{a: 1}.'a'",
    "{a: 1}.1", '{a: 1}["a"]', "{}[':']", "'abc'['::']", "std.length([1])", "std.max(1, b=2)",
    "std.max(a=1, 2)", "std.max(1 2)", "std.max(,)", "std.max(1,,2)", "std.max(a=1, a=2)",
    "std.max(1)(2)", "{} {}", "{a: 1} {b: 2}", "{} {} {}", "1 {}", "[] {}",
    "local o = {a: 1}; o.a.b.c", "x.y", "self.a", "{a: self.b, b: 1}",
    # objects
    "{}", "{a: 1}", "{a: 1,}", "{a: 1, b: 2}", "{a: 1 b: 2}", "{a: 1,, b: 2}", "{,}",
    "{a:: 1}", "{a::: 1}", "{a+: 1}", "{a+:: 1}", "{a+::: 1}", "{a:::: 1}", "{a+ : 1}",
    "{a + : 1}", "{a :: 1}", "{a : : 1}", "{a::-1}", "{a:-1}", "{a: -1}", "{a:+1}", "{a:!true}",
    "{a::!true}", "{a:~1}", "{'a': 1}", '{"a": 1}', "{@'a': 1}", "{|||\n  a\n|||: 1}",
    '{["a"]: 1}', "{['a' + 'b']: 1}", "{1: 1}", "{a}", "{a: }", "{: 1}", "{a: 1, a: 2}",
    "{a: 1, 'a': 2}", "{a: 1, ['a']: 2}", r"{'\u0061': 1, a: 2}", r'{"a\n": 1, @"a\n": 2}',
    "{f(x): x}", "{f(x):: x}", "{f(x)+: x}", "{f(x y): x}", "{f(1): 1}", "{f(): 1}",
    "{local x = 1, a: x}", "{local x = 1}", "{local x = 1, local x = 2, a: 1}",
    "{local f(x) = x, a: f(1)}", "{local x: 1}", "{local x == 1, a: 1}",
    "{assert true, a: 1}", "{assert true : 'm', a: 1}", "{assert true}", "{assert}",
    "{a: 1, assert self.a == 1}", "{a: super.b}", "{a: 'a' in super}", '{a: super["b"]}',
    "{a: super}", "{a: super.1}", "super.a", "'a' in super", "{a: 1 in super}",
    "{a: 1 in super + 1}", "{a: 1 in super == true}", "{a: 1 in super in {}}",
    "{a: 1 == 2 in super - 1}", "{a: 1 == 2 in super && true}", "1in super- -1",
    "{[k]: 1 for k in ['a']}", "{[k]: 1, for k in ['a']}", "{[k]+: 1 for k in ['a']}",
    "{[k]:: 1 for k in ['a']}", "{a: 1 for k in ['a']}", "{'a': 1 for k in ['a']}",
    "{[k]: 1, [k + 'x']: 2 for k in ['a']}", "{assert true, [k]: 1 for k in ['a']}",
    "{local x = 1, [k]: x for k in ['a']}", "{local x = 1, [k]: x, local y = 2 for k in ['a']}",
    "{[k](y): 1 for k in ['a']}", "{[k]: 1 for k in ['a'] if true}", "{for k in ['a']}",
    "{[k]: v for k in ['a'] for v in [1]}", "{[k]: 1 for k in ['a'] if}", "{[k]: 1 for k}",
    "{a: {b: {c: 1}}}", "{a: [1, {b: 2}]}", "{a: 1", "{a: 1}}", "{a: 1]", "}",
    # keywords in odd places
    "tailstrict", "then", "else", "for", "in", "local", "self", "super", "true.x",
    "{local: 1}", "{if: 1}", "{'if': 1}", "{a: 1}.if", "{a: 1}.local", "{then: 1}",
    "local if = 1; 1", "function(if) 1", "f(if=1)",
    # stray characters
    "1 ? 2", "`a`", "1 ; 2", "(1", "1)", "((1))", "()", "1,", "{a: 1};", "\u00e9", "'\u00e9'",
    "{\u00e9: 1}", "# c\n{}", "{} // c\n", "1 \\ 2",
]  # fmt: skip


def parses(source: str) -> bool:
    try:
        parse(source)
    except JsonnetSyntaxError:
        return False
    return True


@pytest.mark.parametrize("source", CORPUS)
def test_parses_exactly_when_go_jsonnet_does(source: str) -> None:
    assert parses(source) == go_parses(source)


def test_corpus_has_both_outcomes() -> None:
    outcomes = [parses(s) for s in CORPUS]
    assert outcomes.count(True) > 100
    assert outcomes.count(False) > 100


PIECES = [
    "{", "}", "[", "]", "(", ")", ",", ";", ".", ":", "::", ":::", "+:", "+", "-", "*", "!", "=",
    "==", "a", "x", "1", "0", "'s'", '"s"', "@'v'", "|||\n  t\n|||", "local", "if", "then",
    "else", "for", "in", "function", "assert", "error", "import", "self", "super", "$", "true",
    "null", "tailstrict", " ", "\n", "// c\n", "/* c */", "#c\n", "<", ">=", "&&", "||", "|", "&",
    "^", "~", "%", "/", "in super", "1e5", "1_0", '"\\u', "\\", "_", "e",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_token_soup_parses_exactly_when_go_jsonnet_does(source: str) -> None:
    assert parses(source) == go_parses(source)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CORPUS), st.integers(0, 200), st.sampled_from(PIECES), st.booleans())
def test_mutated_corpus_parses_exactly_when_go_jsonnet_does(
    source: str, where: int, piece: str, insert: bool
) -> None:
    at = where % (len(source) + 1)
    mutated = source[:at] + piece + source[at:] if insert else source[:at] + source[at + 1 :]
    assert parses(mutated) == go_parses(mutated)


def jsonnet_files() -> list[Path]:
    roots = [REPO / d for d in ("prototypes", "environments", "tests")]
    found = {p for r in roots for ext in ("*.jsonnet", "*.libsonnet") for p in r.rglob(ext)}
    return sorted(found)


@pytest.mark.parametrize("path", jsonnet_files(), ids=lambda p: p.name)
def test_the_repositorys_jsonnet_files_parse_as_go_jsonnet_says(path: Path) -> None:
    source = path.read_text()
    # Wrapped in a local that is never used, go-jsonnet parses the file without evaluating
    # it, so imports and ext vars need not resolve.
    assert parses(source) == go_parses(f"local _ = (\n{source}\n); null")
    assert parses(source)


def one_token_at_a_time(source: str) -> list[tuple[object, ...]] | str:
    """The lexer's character-by-character rules alone, without its one-regex fast path."""
    lexer = _Lexer(source, "f")
    i = 0
    try:
        while i < len(source):
            i = lexer.step(i)
    except JsonnetSyntaxError as exc:
        return str(exc)
    return [(t.kind, t.start, t.end, t.data) for t in lexer.tokens]


def lexed(source: str) -> list[tuple[object, ...]] | str:
    try:
        return [(t.kind, t.start, t.end, t.data) for t in lex(source, "f") if t.kind is not Kind.EOF]
    except JsonnetSyntaxError as exc:
        return str(exc)


@pytest.mark.parametrize("source", [*CORPUS, *(p.read_text() for p in jsonnet_files())])
def test_the_fast_lexer_makes_the_tokens_the_rules_make(source: str) -> None:
    assert lexed(source) == one_token_at_a_time(source)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "1.5", "2e", "0.", "'a\\'b'", '"\\"', "/*/", "//"]), max_size=16))
def test_the_fast_lexer_makes_the_tokens_the_rules_make_on_soup(pieces: list[str]) -> None:
    source = "".join(pieces)
    assert lexed(source) == one_token_at_a_time(source)


def test_nodes_compare_and_print_like_dataclasses() -> None:
    """Node's shared __eq__/__repr__ (cheaper to import than one generated per class) keep their meaning."""
    assert parse("{a: [1, 'x']}") == parse("{a: [1, 'x']}")
    assert parse("{a: [1, 'x']}") != parse("{a: [1, 'y']}")
    assert Var((0, 1), "x") != Id((0, 1), "x")  # same fields, different kinds
    assert repr(Var((0, 1), "x")) == "Var(span=(0, 1), name='x')"
    with pytest.raises(TypeError, match="unhashable"):
        hash(Var((0, 1), "x"))


def test_nodes_construct_like_slotted_dataclasses() -> None:
    """What ``dataclass(slots=True)`` made them before (kfkit/jsonnet/_ast.py makes them cheaper now)."""
    key, value = Id((0, 1), "a"), NullLit((3, 7))
    field = Field((0, 9), key, False, ":", None, value, (7, 8))
    assert Field.__match_args__ == ("span", "key", "plus", "sep", "params", "value", "comma")  # base's first
    assert field == Field((0, 9), key, False, sep=":", params=None, value=value, comma=(7, 8))
    assert [getattr(field, f) for f in Field.__match_args__] == [(0, 9), key, False, ":", None, value, (7, 8)]
    assert NullLit((0, 4)).span == (0, 4) and NullLit.__match_args__ == ("span",)
    make: Any = Var
    for args, kwargs in [
        (((0, 1), "x", "y"), {}),
        (((0, 1), "x"), {"nam": "y"}),
        (((0, 1), "x"), {"name": "y"}),
    ]:
        with pytest.raises(TypeError):
            make(*args, **kwargs)
    with pytest.raises(TypeError, match=r"Var.__init__\(\) missing 1 required positional argument: 'name'"):
        make((0, 1))
    node: Any = Var((0, 1), "x")
    with pytest.raises(AttributeError):
        node.other = 1  # slotted: no __dict__
    tree = parse("{a: [1, 'x', {b: null}], c: self.a, d: std.length('x')}")
    assert copy.deepcopy(tree) == tree and pickle.loads(pickle.dumps(tree)) == tree


class _Probe(Node):
    """A node class no test has made an instance of yet: its ``__init__`` is compiled on first use."""

    name: str


def test_a_node_class_compiles_its_init_on_first_use() -> None:
    first = _Probe.__init__
    with pytest.raises(
        TypeError, match=r"_Probe.__init__\(\) missing 1 required positional argument: 'name'"
    ):
        _Probe((0, 1))  # type: ignore[call-arg]
    assert _Probe.__init__ is not first  # compiled by that first call, even though it failed
    assert _Probe((0, 1), name="x") == _Probe((0, 1), "x") and _Probe.__match_args__ == ("span", "name")
