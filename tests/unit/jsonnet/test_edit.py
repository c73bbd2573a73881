"""The lossless editor on hand-written files: exact expected text for every edit."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from kfkit._types import JsonValue
from kfkit.errors import JsonnetSyntaxError, ParamsError
from kfkit.jsonnet import Document, ObjectRef, parse
from kfkit.jsonnet._ast import NumberLit, Object, StringLit
from tests.unit.jsonnet.support import KS_ENV_PARAMS, KS_PARAMS, REPO, evaluate, replace_once

# The pre-0.11 env file that imported the module params directly.
KS_OLD_ENV_PARAMS = """\
local params = import "../../components/params.libsonnet";
params + {
  components +: {
    // Insert component parameter overrides here. Ex:
    // guestbook +: {
    //   name: "guestbook-dev",
    //   replicas: params.global.replicas,
    // },
    "guestbook-ui" +: {
      replicas: params.global.replicas,
    },
  },
}
"""

# Tabs, three comment styles, single quotes dominant, verbatim and text-block strings, no
# trailing commas, an inline object, and `base { … }` at the top.
ODD = """\
# Params for the demo app.
local defaults = import 'defaults.libsonnet';

defaults {
\tglobal: {},
\tcomponents: {
\t\t/* the web tier */
\t\tweb: {
\t\t\timage: 'nginx:1.25',  # pinned
\t\t\tcmd: @'C:\\run.bat',
\t\t\tconfig: |||
\t\t\t\tlisten 80;
\t\t\t|||,
\t\t\treplicas: 2 // no trailing comma here
\t\t},
\t\t"db": { name: 'pg' }
\t}
}
"""


def edit(
    source: str,
    op: str,
    path: Sequence[str],
    value: JsonValue = None,
    *,
    plus: bool = False,
    locate: Callable[[Document], ObjectRef] = Document.root_object,
) -> str:
    """Apply one edit and check the result still parses."""
    doc = Document(source, "params.libsonnet")
    new = doc.set(locate(doc), path, value, plus=plus) if op == "set" else doc.delete(locate(doc), path)
    parse(new)
    return new


def env_params(doc: Document) -> ObjectRef:
    return doc.local_object("envParams")


# --- ksonnet's files ----------------------------------------------------------------------


def test_global_param_goes_after_the_placeholder_comments() -> None:
    assert edit(KS_PARAMS, "set", ["global", "replicas"], 4) == replace_once(
        KS_PARAMS, "    // replicas: 4,\n", "    // replicas: 4,\n    replicas: 4,\n"
    )


def test_generated_component_params_look_like_ksonnets_golden_file() -> None:
    values: dict[str, JsonValue] = {
        "containerPort": 80,
        "image": "gcr.io/heptio-images/ks-guestbook-demo:0.1",
        "name": "guestbook-ui",
        "replicas": 1,
        "servicePort": 80,
        "type": "ClusterIP",
    }
    generated = edit(KS_PARAMS, "set", ["components", "guestbook-ui"], values)
    assert generated == replace_once(
        KS_PARAMS,
        "components/ directory\n",
        "components/ directory\n"
        '    "guestbook-ui": {\n'
        "      containerPort: 80,\n"
        '      image: "gcr.io/heptio-images/ks-guestbook-demo:0.1",\n'
        '      name: "guestbook-ui",\n'
        "      replicas: 1,\n"
        "      servicePort: 80,\n"
        '      type: "ClusterIP",\n'
        "    },\n",
    )
    changed = edit(generated, "set", ["components", "guestbook-ui", "replicas"], 3)
    assert changed == replace_once(generated, "replicas: 1,", "replicas: 3,")
    deleted = edit(changed, "delete", ["components", "guestbook-ui", "name"])
    assert deleted == replace_once(changed, '      name: "guestbook-ui",\n', "")
    assert edit(deleted, "delete", ["components", "guestbook-ui"]) == KS_PARAMS


def test_env_override_goes_into_the_envparams_object_with_plus() -> None:
    new = edit(
        KS_ENV_PARAMS,
        "set",
        ["components", "model-server", "replicas"],
        3,
        plus=True,
        locate=env_params,
    )
    assert new == replace_once(
        KS_ENV_PARAMS,
        "    // },\n",
        '    // },\n    "model-server"+: {\n      replicas: 3,\n    },\n',
    )
    params = '{global: {}, components: {"model-server": {replicas: 1, name: "m"}}}'
    assert evaluate(new, **{"__ksonnet/params": params}) == {
        "components": {"model-server": {"replicas": 3, "name": "m"}}
    }
    deeper = edit(
        new,
        "set",
        ["components", "model-server", "resources", "cpu"],
        "1",
        plus=True,
        locate=env_params,
    )
    assert deeper == replace_once(
        new, "replicas: 3,\n", 'replicas: 3,\n      resources+: {\n        cpu: "1",\n      },\n'
    )


def test_old_env_file_edits_the_object_right_of_the_plus() -> None:
    new = edit(KS_OLD_ENV_PARAMS, "set", ["components", "guestbook-ui", "image"], "x:2", plus=True)
    assert new == replace_once(
        KS_OLD_ENV_PARAMS,
        "      replicas: params.global.replicas,\n",
        '      replicas: params.global.replicas,\n      image: "x:2",\n',
    )


def test_kfkits_own_environment_templates() -> None:
    env = (REPO / "environments" / "params.libsonnet").read_text()
    new = edit(env, "set", ["components", "web", "replicas"], 2, plus=True, locate=env_params)
    assert evaluate(new, **{"__ksonnet/params": "{components: {web: {a: 1}}}"}) == {
        "components": {"web": {"a": 1, "replicas": 2}}
    }
    assert edit(new, "delete", ["components", "web"], locate=env_params) == env
    globals_ = (REPO / "environments" / "globals.libsonnet").read_text()
    assert edit(globals_, "set", ["group"], "dev") == globals_.replace("{\n", '{\n  group: "dev",\n')
    assert edit(globals_, "set", ["labels", "team"], "ml") == globals_.replace(
        "{\n", '{\n  labels: {\n    team: "ml",\n  },\n'
    )


# --- an oddly written file ----------------------------------------------------------------


def test_insert_adds_the_separating_comma_before_the_line_comment() -> None:
    assert edit(ODD, "set", ["components", "web", "port"], 8080) == replace_once(
        ODD,
        "\t\t\treplicas: 2 // no trailing comma here\n",
        "\t\t\treplicas: 2, // no trailing comma here\n\t\t\tport: 8080\n",
    )


def test_replacing_a_string_keeps_its_quote_style() -> None:
    assert edit(ODD, "set", ["components", "web", "image"], "it's") == replace_once(
        ODD, "'nginx:1.25'", r"'it\'s'"
    )
    assert edit(ODD, "set", ["components", "web", "cmd"], "D:\\'go'.bat") == replace_once(
        ODD, "@'C:\\run.bat'", "@'D:\\''go''.bat'"
    )
    assert edit(ODD, "set", ["components", "web", "config"], "listen 81;\n") == replace_once(
        ODD, "|||\n\t\t\t\tlisten 80;\n\t\t\t|||", r"'listen 81;\n'"
    )
    assert edit(ODD, "set", ["components", "web", "replicas"], "two") == replace_once(
        ODD, "replicas: 2 ", "replicas: 'two' "
    )


def test_inline_objects_stay_inline_and_new_strings_use_the_files_quotes() -> None:
    assert edit(ODD, "set", ["components", "db", "user"], "admin") == replace_once(
        ODD, "{ name: 'pg' }", "{ name: 'pg', user: 'admin' }"
    )
    assert edit(ODD, "set", ["components", "db", "opts"], {"ssl": True}) == replace_once(
        ODD, "{ name: 'pg' }", "{ name: 'pg', opts: { ssl: true } }"
    )


def test_nested_insert_into_an_empty_inline_object_opens_it_up() -> None:
    assert edit(ODD, "set", ["global", "labels", "team"], "ml") == replace_once(
        ODD, "\tglobal: {},", "\tglobal: {\n\t\tlabels: {\n\t\t\tteam: 'ml',\n\t\t},\n\t},"
    )


def test_new_field_in_a_multi_line_object_without_trailing_commas() -> None:
    assert edit(ODD, "set", ["components", "cache"], {"size": 3, "tags": ["a"]}) == replace_once(
        ODD,
        "\t\t\"db\": { name: 'pg' }\n",
        "\t\t\"db\": { name: 'pg' },\n\t\tcache: {\n\t\t\tsize: 3,\n\t\t\ttags: ['a'],\n\t\t}\n",
    )


def test_replacing_a_value_with_an_object_indents_it_like_its_line() -> None:
    web = ODD[ODD.index("web: {") + 5 : ODD.index("\t\t},\n") + 3]
    assert edit(ODD, "set", ["components", "web"], {"image": "x"}) == replace_once(
        ODD, web, "{\n\t\t\timage: 'x',\n\t\t}"
    )


def test_delete_last_field_drops_its_line_comment_and_the_separator_before() -> None:
    assert edit(ODD, "delete", ["components", "web", "replicas"]) == replace_once(
        ODD, "\t\t\t|||,\n\t\t\treplicas: 2 // no trailing comma here\n", "\t\t\t|||\n"
    )


def test_delete_inside_inline_objects() -> None:
    assert edit(ODD, "delete", ["components", "db", "name"]) == replace_once(ODD, "{ name: 'pg' }", "{}")
    assert edit(ODD, "delete", ["components", "db"]) == replace_once(
        ODD, "\t\t},\n\t\t\"db\": { name: 'pg' }\n", "\t\t}\n"
    )


def test_delete_keeps_the_comment_above_a_field() -> None:
    source = "{\n  // the image\n  image: 'x', // why\n  tag: 'y',\n}\n"
    assert edit(source, "delete", ["image"]) == "{\n  // the image\n  tag: 'y',\n}\n"


# --- small objects ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("{a: 1}", ["b"], "{a: 1, b: 2}"),
        ("{a: 1,}", ["b"], "{a: 1, b: 2,}"),
        ("{ a: 1 /* c */ }", ["b"], "{ a: 1, b: 2 /* c */ }"),
        ("{}", ["b"], "{ b: 2 }"),
        ("{ /* c */ }", ["b"], "{ /* c */ b: 2 }"),
        ("{}", ["b", "c"], "{\n  b: {\n    c: 2,\n  },\n}"),
        ("{a: {b: 1}}", ["a", "c"], "{a: {b: 1, c: 2}}"),
        ("{a: {b: 1}}", ["a", "b"], "{a: {b: 2}}"),
        ("{a: 1}", ["x", "y"], "{a: 1, x: { y: 2 }}"),
        ("{\n}", ["x"], "{\n  x: 2,\n}"),
        ("{\n  a: 1\n}", ["b"], "{\n  a: 1,\n  b: 2\n}"),
        ("{\n  a: 1,\n}", ["b"], "{\n  a: 1,\n  b: 2,\n}"),
        ("{\n    a: 1,\n    // b: 0,\n}", ["b"], "{\n    a: 1,\n    // b: 0,\n    b: 2,\n}"),
        ("{ a: 1,\n  b: 1 }", ["c"], "{ a: 1,\n  b: 1,\n  c: 2 }"),
        ("{\r\n  a: 1,\r\n}\r\n", ["b"], "{\r\n  a: 1,\r\n  b: 2,\r\n}\r\n"),
        ("{a: 1}", ["if"], '{a: 1, "if": 2}'),
        ("{a: 1}", ["x-y"], '{a: 1, "x-y": 2}'),
        ("{'a': 1}", ["b c"], "{'a': 1, 'b c': 2}"),
        ("{a: 1, local l = 2}", ["b"], "{a: 1, local l = 2, b: 2}"),
        ("{[x]: 1}", ["x"], "{[x]: 1, x: 2}"),  # a computed key is not a name
    ],
)
def test_set(source: str, path: list[str], expected: str) -> None:
    assert edit(source, "set", path, 2) == expected


def test_crlf_files_get_crlf_lines_but_string_values_keep_theirs() -> None:
    source = "{\r\n  a: 1,\r\n  v: @'x',\r\n}\r\n"
    assert edit(source, "set", ["a"], {"x": [2]}) == source.replace("a: 1,", "a: {\r\n    x: [2],\r\n  },")
    assert edit(source, "set", ["v"], "1\n2") == source.replace("@'x'", "@'1\n2'")


@pytest.mark.parametrize("key", ["a", "'a'", '"a"', '@"a"', "|||-\n  a\n|||", '["a"]', "[@'a']"])
def test_any_literal_key_spelling_matches(key: str) -> None:
    source = f"{{{key}: 1}}"
    value = source.index(": 1") + 2
    assert edit(source, "set", ["a"], 2) == source[:value] + "2" + source[value + 1 :]


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("{a: 1, b: 2}", ["b"], "{a: 1}"),
        ("{a: 1, b: 2}", ["a"], "{b: 2}"),
        ("{a: 1, b: 2,}", ["b"], "{a: 1,}"),
        ("{ a: 1 }", ["a"], "{}"),
        ("{a: 1, /* c */ b: 2}", ["b"], "{a: 1 /* c */}"),
        ("{a: 1, /* c */ b: 2}", ["a"], "{/* c */ b: 2}"),
        ("{a: {b: 1, c: 2}}", ["a", "c"], "{a: {b: 1}}"),
        ("{\n  a: 1,\n  b: 2 // c\n}\n", ["b"], "{\n  a: 1\n}\n"),
        ("{\n  a: 1,\n  b: 2,\n}\n", ["a"], "{\n  b: 2,\n}\n"),
        ("{\n  a: 1, b: 2,\n  c: 3,\n}", ["b"], "{\n  a: 1,\n  c: 3,\n}"),
        ("{\n  a: 1, b: 2,\n  c: 3,\n}", ["a"], "{\n  b: 2,\n  c: 3,\n}"),
        ("{\n  a: 1, // c\n  b: 2 }", ["b"], "{\n  a: 1 // c\n }"),
        ("{\n  a: 1,\n  b: 2 }", ["b"], "{\n  a: 1 }"),
        ("{\n  a: {\n    x: 1,\n  },\n  b: 2,\n}", ["a"], "{\n  b: 2,\n}"),
        ("{\r\n  a: 1,\r\n  b: 2,\r\n}", ["a"], "{\r\n  b: 2,\r\n}"),
        ("{\n  a: 1,\n  b: 2}", ["a"], "{\n  b: 2}"),
        ("{\n  a: 1}", ["a"], "{}"),
        ("{\n  a: 1, /* x\n */}", ["a"], "{ /* x\n */}"),
        ("{\n  a: 1 /* c */ , # d\n  b: 2,\n}", ["a"], "{\n  b: 2,\n}"),
        ("{\n  a: 1,\n  b: 2,\n}", ["b"], "{\n  a: 1,\n}"),
        ("{\n  a: 1,\n  b: 2}", ["b"], "{\n  a: 1}"),
        ("{\n  b: 2}", ["b"], "{}"),
    ],
)
def test_delete(source: str, path: list[str], expected: str) -> None:
    assert edit(source, "delete", path) == expected


def test_delete_the_last_line_of_a_file_without_newline() -> None:
    doc = Document("local o = {\n  a: 1,\n  b: 2\n}; o", "f")
    assert doc.delete(doc.local_object("o"), ["b"]) == "local o = {\n  a: 1\n}; o"


# --- finding objects and values -----------------------------------------------------------


def test_root_object_follows_locals_parens_and_the_right_of_plus() -> None:
    for source in (
        "local a = 1; ({b: 2})",
        "x + y + {b: 2}",
        "x {b: 2}",
        "(local c = {}; c {b: 2})",
    ):
        doc = Document(source, "f")
        assert doc.get(doc.root_object(), ["b"]) == NumberLit((source.index("2"), source.index("2") + 1), "2")


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            "f(1)",
            "1:1: cannot edit the file: it is not an object literal but a function call `f(1)`",
        ),
        (
            "{a: 1} + x",
            "1:10: cannot edit the file: it is not an object literal but a variable `x`",
        ),
        (
            "{[k]: 1 for k in ['a']}",
            "1:1: cannot edit the file: it is not an object literal"
            " but an object comprehension `{[k]: 1 for k in ['a']}`",
        ),
        ("[\n  1,\n]", "1:1: cannot edit the file: it is not an object literal but `[ …`"),
    ],
)
def test_root_object_refuses_what_is_not_an_object_literal(source: str, error: str) -> None:
    with pytest.raises(ParamsError) as info:
        Document(source, "f.jsonnet").root_object()
    assert str(info.value) == f"f.jsonnet:{error}"


def test_local_object_finds_the_innermost_file_level_binding() -> None:
    doc = Document("local p = {a: 1}; local q = 2, p = {b: 2}; p", "f")
    assert isinstance(doc.get(doc.local_object("p"), ["b"]), NumberLit)
    with pytest.raises(ParamsError, match=r"^f: there is no file-level `local q2 = …` to edit$"):
        doc.local_object("q2")
    with pytest.raises(ParamsError, match=r"^f:1:29: cannot edit `local q`: it is not an object"):
        doc.local_object("q")
    fun = Document("local f(x) = {}; f(1)", "f")
    with pytest.raises(ParamsError, match=r"^f:1:7: cannot edit `local f`: it is a function$"):
        fun.local_object("f")


def test_get() -> None:
    doc = Document("{a: {b: 'x', c: {}}, d: 1}", "f")
    root = doc.root_object()
    assert doc.get(root, []) is root
    assert doc.get(root, ["a", "b"]) == StringLit((8, 11), "x", "'")
    assert isinstance(doc.get(root, ["a", "c"]), Object)
    assert doc.get(root, ["a", "zz"]) is None
    assert doc.get(root, ["zz", "b"]) is None
    with pytest.raises(ParamsError, match=r"^f:1:25: cannot set a field inside d: its value `1`"):
        doc.get(root, ["d", "e"])


# --- what cannot be edited ----------------------------------------------------------------

COMPUTED = """\
local base = import 'base.libsonnet';
{
  global: { replicas: 2 },
  components: {
    web: {
      replicas: $.global.replicas,
      labels: base.labels { team: 'ml' },
      env: import 'env.libsonnet',
      ports: std.range(80, 82),
      name(suffix):: 'web-' + suffix,
      sum: 1 + 1,
      dup: 1,
      ['dup']: 2,
      long: std.join('', ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd']),
    },
    plain: 'not an object',
  },
}
"""


def computed(where: str, dotted: str, what: str) -> tuple[list[str], str]:
    """A path into the computed value at ``dotted``, and the error that refuses it."""
    error = f"{where}: cannot edit {dotted}: its value is computed ({what}), edit it by hand"
    return [*dotted.split("."), "x"], error


@pytest.mark.parametrize(
    ("path", "error"),
    [
        computed("6:17", "components.web.replicas", "a field reference `$.global.replicas`"),
        computed(
            "7:15",
            "components.web.labels",
            "an object extended with { … } `base.labels { team: 'ml' }`",
        ),
        computed("8:12", "components.web.env", "an import `import 'env.libsonnet'`"),
        computed("9:14", "components.web.ports", "a function call `std.range(80, 82)`"),
        computed("11:12", "components.web.sum", "an expression `1 + 1`"),
        computed(
            "14:13",
            "components.web.long",
            "a function call `std.join('', ['aaaaaaaaaa', 'bbbbbbbbbb' …`",
        ),
        (
            ["components", "web", "name"],
            "10:7: cannot edit components.web.name: it is a method"
            " (`name(suffix):: 'web-' + suffix`), edit it by hand",
        ),
        (
            ["components", "plain", "x"],
            "16:12: cannot set a field inside components.plain: its value `'not an object'` is not an object",
        ),
        (
            ["components", "web", "dup"],
            "13:7: cannot edit components.web.dup: the field is defined more than once",
        ),
    ],
)
def test_computed_values_are_refused_with_their_position(path: list[str], error: str) -> None:
    doc = Document(COMPUTED, "p.libsonnet")
    with pytest.raises(ParamsError) as info:
        doc.set(doc.root_object(), path, 1)
    assert str(info.value) == f"p.libsonnet:{error}"


def test_a_computed_leaf_value_is_simply_replaced() -> None:
    doc = Document(COMPUTED, "p.libsonnet")
    new = doc.set(doc.root_object(), ["components", "web", "replicas"], 3)
    assert new == replace_once(COMPUTED, "$.global.replicas", "3")


def test_delete_of_a_missing_field() -> None:
    doc = Document(KS_PARAMS, "p.libsonnet")
    with pytest.raises(ParamsError, match=r"^p.libsonnet: cannot delete global.nope: there is no"):
        doc.delete(doc.root_object(), ["global", "nope"])
    with pytest.raises(ParamsError, match=r"cannot delete a\.b: there is no such field"):
        doc.delete(doc.root_object(), ["a", "b"])
    with pytest.raises(ParamsError, match="cannot set an empty path"):
        doc.set(doc.root_object(), [], 1)


def test_values_that_jsonnet_cannot_hold_are_refused() -> None:
    doc = Document("{}", "f")
    with pytest.raises(ParamsError, match="must be finite"):
        doc.set(doc.root_object(), ["a"], float("nan"))


def test_unparsable_files_raise_syntax_errors() -> None:
    with pytest.raises(JsonnetSyntaxError, match=r"^p.libsonnet:3:3: expected a comma"):
        Document("{\n  a: 1\n  b: 2\n}", "p.libsonnet")


DATA = """\
{
  global: {},
  components: {
    a: { x: 1, y: "s" },
    b: { z: [1, -2, { w: null }] },
  },
}
"""


def test_the_changed_object_is_the_innermost_one_and_parses_alone() -> None:
    doc = Document(DATA, "p")
    new = doc.set(doc.root_object(), ["components", "a", "x"], {"deep": [1]})
    changed = doc.changed_object(new)
    assert changed is not None
    obj, text = changed
    assert DATA[obj.span[0] : obj.span[1]] == '{ x: 1, y: "s" }'
    assert text == '{ x: { deep: [1] }, y: "s" }'
    assert new.replace(text, DATA[obj.span[0] : obj.span[1]]) == DATA


@pytest.mark.parametrize(
    "broken",
    [
        DATA.replace('y: "s"', 'y: "s'),  # the string now runs past the object's brace
        DATA.replace("x: 1,", "x: 1 1,"),
        DATA.replace('y: "s"', 'x: "s"'),  # duplicate field
        DATA.replace("a: { x", "a: }{ x"),
    ],
)
def test_a_change_that_breaks_the_file_is_never_vouched_for(broken: str) -> None:
    assert Document(DATA, "p").changed_object(broken) is None
    with pytest.raises(JsonnetSyntaxError):
        Document(broken, "p")


def test_the_data_path_of_a_plain_data_file() -> None:
    doc = Document(DATA, "p")
    components = doc.get(doc.root_object(), ["components"])
    a = doc.get(doc.root_object(), ["components", "a"])
    assert isinstance(components, Object) and isinstance(a, Object)
    assert doc.data_path(a) == ["components", "a"]
    assert doc.data_path(components) == ["components"]
    assert doc.data_path(doc.root_object()) == []


@pytest.mark.parametrize(
    "source",
    [
        DATA.replace("w: null", "w: self.q"),  # the rest reads something
        DATA.replace("w: null", "w: $.components.a.x"),
        DATA.replace("w: null", "w: 1 + 1"),
        DATA.replace("global: {},", "local g = 1,"),
        DATA.replace("components: {", "components:: {"),  # hidden on the way
        DATA.replace("components: {", "components+: {"),
        DATA.replace("    a: {", "    a:: {"),
        DATA.replace("b: {", '["b"]: {'),
        "local unused = 1;\n" + DATA,
        "{ global+: {} } + " + DATA,
    ],
)
def test_no_data_path_when_anything_else_could_see_or_hide_the_object(source: str) -> None:
    doc = Document(source, "p")
    a = doc.get(doc.root_object(), ["components", "a"])
    assert isinstance(a, Object)
    assert doc.data_path(a) is None
